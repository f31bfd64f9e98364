/**
 * Naming rules for generated modules. Seed 001's _is_safe_module_name let
 * through anything `str.isalnum()` accepts (any Unicode letter) and only looked
 * for `..` and `/`; these are allow-lists instead: ASCII, lower case, shapes
 * Odoo and Python accept, nothing that can form a path.
 */

export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'false', 'none', 'true', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type',
]);

/**
 * Field names a model must not declare: Odoo's magic and log-access columns,
 * the recordset API a field would shadow (a field called `write` replaces the
 * method), and the names the generated model file imports (`fields = fields.Char()`
 * would break every later field in the class body).
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'id', 'create_uid', 'create_date', 'write_uid', 'write_date', 'display_name', 'ids', 'env', 'pool',
  'fields', 'models', 'api', 'odoo',
  'create', 'write', 'read', 'unlink', 'copy', 'copy_data', 'browse', 'search', 'search_count', 'search_read', 'search_fetch', 'exists',
  'ensure_one', 'filtered', 'filtered_domain', 'mapped', 'sorted', 'grouped', 'sudo', 'with_user', 'with_company', 'with_context',
  'with_env', 'with_prefetch', 'new', 'update', 'name_search', 'name_create', 'fields_get', 'default_get', 'read_group',
  'check_access_rights', 'check_access_rule', 'check_field_access_rights', 'flush_model', 'flush_recordset', 'invalidate_model',
  'invalidate_recordset', 'modified', 'onchange', 'get_metadata', 'toggle_active', 'action_archive', 'action_unarchive',
  'export_data', 'load', 'get_external_id', 'get_xml_id', 'user_has_groups', 'has_access', 'union', 'concat',
]);

/**
 * First segments of the models Odoo's own addons define. The prefix rule alone
 * would let a module called `res_tweaks` declare `res.partner` as a new model,
 * which replaces the core one instead of extending it.
 */
const ODOO_NAMESPACES: ReadonlySet<string> = new Set([
  'res', 'ir', 'base', 'mail', 'account', 'stock', 'sale', 'purchase', 'product', 'hr', 'crm', 'project', 'mrp', 'pos',
  'website', 'calendar', 'uom', 'payment', 'portal', 'bus', 'web', 'report', 'resource', 'utm', 'event', 'fleet', 'note',
]);

const MODULE_NAME = /^[a-z][a-z0-9_]{1,62}$/;
const FIELD_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const MODEL_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** Postgres truncates identifiers at 63 bytes; a model's table name is its _name with underscores. */
const MAX_TABLE_NAME = 63;

/** A technical module name (folder name in the addons path). */
export function moduleNameProblem(name: string): string | undefined {
  if (!MODULE_NAME.test(name)) return 'must be 2-63 characters of a-z, 0-9 and _, starting with a letter';
  if (name.includes('__') || name.endsWith('_')) return 'must not contain "__" or end with "_"';
  if (PYTHON_KEYWORDS.has(name)) return 'must not be a Python keyword (the module is imported as odoo.addons.<name>)';
  return undefined;
}

/**
 * A model `_name` this module may define: dotted, lower case, singular, and in
 * the module's namespace: its first segment is the module's first word or
 * starts with it and `_` (`acme_crm` → `acme.customer`, `x_clinic_app` →
 * `x_clinic.patient`), so a spec cannot redefine `res.partner`.
 */
export function modelNameProblem(name: string, moduleName: string): string | undefined {
  if (!MODEL_NAME.test(name)) return 'must be a dotted lower-case model name like acme.customer';
  const segments = name.split('.');
  if (segments.some((segment) => segment.includes('__') || segment.endsWith('_'))) return 'segments must not contain "__" or end with "_"';
  const prefix = modulePrefix(moduleName);
  if (segments[0] !== prefix && !segments[0].startsWith(`${prefix}_`)) return `must start with the module prefix "${prefix}" (like ${prefix}.record)`;
  if (ODOO_NAMESPACES.has(segments[0])) return `must not be in Odoo's own namespace "${segments[0]}" (a new model there can replace a core one); use the company's prefix`;
  if (looksPlural(segments[segments.length - 1])) return 'must be singular (Odoo convention: acme.customer, not acme.customers)';
  if (tableName(name).length > MAX_TABLE_NAME) return `is too long (its table name must fit ${MAX_TABLE_NAME} characters)`;
  return undefined;
}

/** The namespace a module's own names live in: its first word (`acme_crm` → `acme`, `x_clinic_app` → `x`). */
export function modulePrefix(moduleName: string): string {
  return moduleName.split('_')[0];
}

/**
 * A field added to an existing model shares its table and class with the
 * fields of every other installed module, so it carries this module's prefix
 * (`acme_grade` on res.partner). Not `x_`: Odoo reserves that for fields
 * created in the UI (ir.model.fields with state "manual", Studio's
 * `x_studio_…`), and a code field there could collide with one of those.
 */
export function extensionFieldProblem(name: string, moduleName: string): string | undefined {
  const prefix = modulePrefix(moduleName);
  return name.startsWith(`${prefix}_`) && name.length > prefix.length + 1 ? undefined : `fields added to an existing model must start with the module prefix "${prefix}_" (like ${prefix}_grade)`;
}

/** A model this module's fields may point at (its own or one from a dependency). */
export function relationProblem(name: string): string | undefined {
  return MODEL_NAME.test(name) ? undefined : 'must be a dotted model name like res.partner';
}

export function fieldNameProblem(name: string): string | undefined {
  if (!FIELD_NAME.test(name)) return 'must be a lower-case Python identifier';
  if (PYTHON_KEYWORDS.has(name)) return 'must not be a Python keyword';
  if (RESERVED_FIELD_NAMES.has(name)) return 'is reserved by Odoo or shadows the model API';
  return undefined;
}

/** A deliberately small heuristic: regular English plurals, not words that merely end in s (status, address, analysis). */
function looksPlural(word: string): boolean {
  return /(ies|[^su]s)$/.test(word) && !/(ss|us|is)$/.test(word);
}

/** `x_clinic.patient` → `x_clinic_patient`: table name, file stem, XML id stem and `model_id:id` suffix. */
export function tableName(modelName: string): string {
  return modelName.replace(/\./g, '_');
}

/** `x_clinic.patient` → `XClinicPatient`. */
export function className(modelName: string): string {
  return modelName
    .split(/[._]/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/** `birth_date` → `Birth date`: the label Odoo itself would derive. */
export function labelOf(name: string): string {
  const words = name.replace(/_id$|_ids$/, '').replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
}
