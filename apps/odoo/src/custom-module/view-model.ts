import { className, CustomModuleSpec, extendableModel, EXTENSION_XPATH, labelOf, tableName } from '@bf/contracts';

type SpecModel = CustomModuleSpec['models'][number];
type SpecField = SpecModel['fields'][number];

const FIELD_CLASSES: Record<SpecField['type'], string> = {
  char: 'Char', text: 'Text', integer: 'Integer', float: 'Float', boolean: 'Boolean', date: 'Date', datetime: 'Datetime',
  selection: 'Selection', many2one: 'Many2one', one2many: 'One2many', many2many: 'Many2many', monetary: 'Monetary', html: 'Html',
};
/** Types that make poor list columns (long text, nested lists). */
const NOT_IN_LIST = new Set<SpecField['type']>(['text', 'html', 'one2many', 'many2many']);

/** The XML id of the app's top menu, shared by every model's menu. */
export const ROOT_MENU_ID = 'menu_root';

/**
 * What the templates see. Every key is present (null or false when unused)
 * because templates compile in strict mode, and every name in it was derived
 * here from validated spec values: templates do no string building of their own.
 */
export function modelContext(model: SpecModel, moduleName: string) {
  const stem = tableName(model.name);
  const extension = model.extends ? extendableModel(model.name) : undefined;
  if (model.extends && !extension) throw new Error(`not an extendable model: ${model.name}`);
  const fields = model.fields.map((field) => fieldContext(field, extension ? (extension.currency_field ?? null) : 'currency_id'));
  const listFields = fields.filter((field) => field.in_list).map((field) => field.name);
  return {
    name: model.name,
    stem,
    class_name: className(model.name),
    description: model.description,
    label: labelOf(model.name.split('.').pop()!),
    fields,
    list_fields: listFields,
    has_list_fields: listFields.length > 0,
    extends: extension !== undefined,
    /** Extension only: the core form view the page is added to, where, and the page's technical name (other modules can hook onto it). */
    parent_form_view: extension?.form_view ?? null,
    addon: extension?.module ?? null,
    extension_xpath: extension ? EXTENSION_XPATH : null,
    inherit_view_name: `${model.name}.form.${moduleName}`,
    page_name: moduleName,
    view_form_id: extension ? `${stem}_view_form_inherit` : `${stem}_view_form`,
    view_tree_id: `${stem}_view_tree`,
    action_id: `${stem}_action`,
    menu_id: `${stem}_menu`,
    root_menu_id: ROOT_MENU_ID,
    access_id: `access_${stem}_user`,
    access_name: `${model.name} user`,
    model_xmlid: `model_${stem}`,
    group_xmlid: 'base.group_user',
  };
}
export type ModelContext = ReturnType<typeof modelContext>;

function fieldContext(field: SpecField, currencyField: string | null) {
  return {
    name: field.name,
    field_class: FIELD_CLASSES[field.type],
    string: field.string ?? labelOf(field.name),
    help: field.help ?? null,
    required: field.required === true,
    relation: field.relation ?? null,
    inverse_name: field.type === 'one2many' ? (field.inverse_name ?? null) : null,
    has_selection: field.type === 'selection',
    selection: (field.selection ?? []).map(([key, label]) => ({ key, label })),
    currency_field: field.type === 'monetary' ? currencyField : null,
    in_list: !NOT_IN_LIST.has(field.type),
  };
}

export function moduleContext(spec: CustomModuleSpec, data: string[]) {
  const models = spec.models.map((model) => modelContext(model, spec.module_name));
  // Extended models already have access rules, actions and menus; only new ones get them, and only they make the module an app.
  const newModels = models.filter((model) => !model.extends);
  const addons = models.flatMap((model) => (model.addon ? [model.addon] : []));
  return {
    module_name: spec.module_name,
    title: spec.title,
    summary: spec.summary ?? null,
    version: spec.version,
    license: spec.license ?? 'LGPL-3',
    depends: [...new Set([...spec.depends, ...addons])],
    data,
    models,
    new_models: newModels,
    has_new_models: newModels.length > 0,
    root_menu_id: ROOT_MENU_ID,
  };
}
export type ModuleContext = ReturnType<typeof moduleContext>;
