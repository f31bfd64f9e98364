import { CustomModuleSpec } from '@bf/contracts';
import { className, labelOf, tableName } from './odoo-names';

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
export function modelContext(model: SpecModel) {
  const stem = tableName(model.name);
  const fields = model.fields.map(fieldContext);
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
    view_form_id: `${stem}_view_form`,
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

function fieldContext(field: SpecField) {
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
    currency_field: field.type === 'monetary' ? 'currency_id' : null,
    in_list: !NOT_IN_LIST.has(field.type),
  };
}

export function moduleContext(spec: CustomModuleSpec, data: string[]) {
  const models = spec.models.map(modelContext);
  return {
    module_name: spec.module_name,
    title: spec.title,
    summary: spec.summary ?? null,
    version: spec.version,
    license: spec.license ?? 'LGPL-3',
    depends: spec.depends,
    data,
    models,
    root_menu_id: ROOT_MENU_ID,
  };
}
export type ModuleContext = ReturnType<typeof moduleContext>;
