import { CustomModuleSpec, CustomModuleSpecSchema, describeIssues, FieldError } from '@bf/contracts';
import { isXmlSafe } from './escaping';
import { className, fieldNameProblem, modelNameProblem, moduleNameProblem, relationProblem, tableName } from './odoo-names';

export class CustomModuleSpecError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid custom module spec: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

const RELATIONAL = new Set(['many2one', 'one2many', 'many2many']);
const SELECTION_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/**
 * Free text (labels, help, descriptions) may hold anything printable: it is
 * escaped per language when rendered. Refused are only characters XML 1.0
 * cannot carry and line breaks where Odoo shows a single line.
 */
function textProblem(value: string, max: number, multiline = false): string | undefined {
  if (!value.trim()) return 'must not be blank';
  if (value.length > max) return `must be at most ${max} characters`;
  if (!isXmlSafe(value)) return 'holds control characters';
  if (!multiline && /[\r\n\t\u0085\u2028\u2029]/.test(value)) return 'must be one line';
  return undefined;
}

/**
 * The contract schema, then what it cannot express: Odoo naming rules, names
 * that are safe as Python, XML ids and paths, and the cross-field rules Odoo
 * enforces at install time (a monetary field needs currency_id, a one2many its
 * inverse). Every error is reported, by path, before anything is rendered.
 */
export function validateCustomModuleSpec(input: unknown, odooSeries: string): CustomModuleSpec {
  const parsed = CustomModuleSpecSchema.safeParse(input);
  if (!parsed.success) throw new CustomModuleSpecError(describeIssues(parsed.error));
  const spec = parsed.data;
  const errors: FieldError[] = [];
  const check = (path: string, problem: string | undefined) => {
    if (problem) errors.push({ path, message: problem });
  };

  check('module_name', moduleNameProblem(spec.module_name));
  check('title', textProblem(spec.title, 200));
  if (spec.summary !== undefined) check('summary', textProblem(spec.summary, 300));
  const versionPattern = new RegExp(`^${odooSeries.replace('.', '\\.')}\\.\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}$`);
  check('version', versionPattern.test(spec.version) ? undefined : `must be ${odooSeries}.x.y.z`);
  spec.depends.forEach((dependency, i) => {
    check(`depends.${i}`, /^[a-z][a-z0-9_]{0,62}$/.test(dependency) ? undefined : 'must be a technical module name');
    if (spec.depends.indexOf(dependency) !== i) check(`depends.${i}`, 'is listed twice');
  });

  const stems = new Map<string, number>();
  spec.models.forEach((model, m) => {
    const at = `models.${m}`;
    const nameProblem = modelNameProblem(model.name, spec.module_name);
    check(`${at}.name`, nameProblem);
    // x_a.b_c and x_a_b.c share a table, file and class name.
    for (const key of [tableName(model.name), `class:${className(model.name)}`]) {
      if (!nameProblem && stems.has(key)) check(`${at}.name`, `clashes with models.${stems.get(key)} (same table or class name)`);
      stems.set(key, m);
    }
    check(`${at}.description`, textProblem(model.description, 300));
    const fieldNames = model.fields.map((field) => field.name);
    model.fields.forEach((field, f) => {
      const fat = `${at}.fields.${f}`;
      check(`${fat}.name`, fieldNameProblem(field.name) ?? (fieldNames.indexOf(field.name) !== f ? 'is declared twice' : undefined));
      if (field.string !== undefined) check(`${fat}.string`, textProblem(field.string, 200));
      if (field.help !== undefined) check(`${fat}.help`, textProblem(field.help, 2000, true));
      const relational = RELATIONAL.has(field.type);
      if (relational) check(`${fat}.relation`, field.relation === undefined ? `is required for ${field.type}` : relationProblem(field.relation));
      else if (field.relation !== undefined) check(`${fat}.relation`, `only applies to relational fields`);
      if (field.type === 'one2many') {
        const inverse = field.inverse_name;
        check(`${fat}.inverse_name`, inverse === undefined ? 'is required for one2many' : fieldNameProblem(inverse));
        const target = spec.models.find((other) => other.name === field.relation);
        const back = target?.fields.find((other) => other.name === inverse);
        if (target && inverse !== undefined && (back?.type !== 'many2one' || back.relation !== model.name)) {
          check(`${fat}.inverse_name`, `must name a many2one field of ${target.name} pointing to ${model.name}`);
        }
      } else if (field.inverse_name !== undefined) check(`${fat}.inverse_name`, 'only applies to one2many');
      if (field.type === 'selection') {
        const options = field.selection ?? [];
        if (!options.length) check(`${fat}.selection`, 'needs at least one option');
        options.forEach(([key, label], o) => {
          check(`${fat}.selection.${o}.0`, SELECTION_KEY.test(key) ? (options.findIndex(([k]) => k === key) !== o ? 'is listed twice' : undefined) : 'must be 1-64 of A-Z a-z 0-9 _ . -');
          check(`${fat}.selection.${o}.1`, textProblem(label, 200));
        });
      } else if (field.selection !== undefined) check(`${fat}.selection`, 'only applies to selection fields');
      if (field.type === 'monetary') {
        const currency = model.fields.find((other) => other.name === 'currency_id');
        if (currency?.type !== 'many2one' || currency.relation !== 'res.currency') check(`${fat}.type`, 'monetary needs a many2one field currency_id to res.currency in the same model');
      }
    });
  });
  if (errors.length) throw new CustomModuleSpecError(errors);
  return spec;
}
