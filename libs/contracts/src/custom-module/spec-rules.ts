import type { CustomModuleSpec } from '../custom-module.schema';
import { extendableModel, EXTENDABLE_MODELS } from './extendable-models';
import { className, extensionFieldProblem, fieldNameProblem, modelNameProblem, moduleNameProblem, relationProblem, tableName } from './odoo-names';
import { isXmlSafe } from './xml-chars';

/** The Odoo series generated modules target; a spec's version must start with it. */
export const CUSTOM_MODULE_ODOO_SERIES = '17.0';

/** One problem, its path relative to the spec (zod prepends wherever the spec sits: a briefing, step parameters). */
export interface SpecProblem {
  path: (string | number)[];
  message: string;
}

type SpecModel = CustomModuleSpec['models'][number];
type SpecField = SpecModel['fields'][number];

const RELATIONAL = new Set(['many2one', 'one2many', 'many2many']);
const SELECTION_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const TECHNICAL_MODULE = /^[a-z][a-z0-9_]{0,62}$/;

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
 * What the contract's shapes cannot express: Odoo naming rules, names that are
 * safe as Python, XML ids and paths, and the cross-field rules Odoo enforces at
 * install time (a monetary field needs a currency field, a one2many its
 * inverse). Runs wherever a spec is parsed, so a spec the generator would
 * refuse is refused at planning, every problem at once.
 */
export class CustomModuleSpecRules {
  private readonly problems: SpecProblem[] = [];

  private constructor(private readonly spec: CustomModuleSpec, private readonly odooSeries: string) {}

  static check(spec: CustomModuleSpec, odooSeries = CUSTOM_MODULE_ODOO_SERIES): SpecProblem[] {
    const rules = new CustomModuleSpecRules(spec, odooSeries);
    rules.checkModule();
    rules.checkModels();
    return rules.problems;
  }

  private report(path: (string | number)[], problem: string | undefined): void {
    if (problem) this.problems.push({ path, message: problem });
  }

  private checkModule(): void {
    const { spec } = this;
    this.report(['module_name'], moduleNameProblem(spec.module_name));
    this.report(['title'], textProblem(spec.title, 200));
    if (spec.summary !== undefined) this.report(['summary'], textProblem(spec.summary, 300));
    const versionPattern = new RegExp(`^${this.odooSeries.replace('.', '\\.')}\\.\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}$`);
    this.report(['version'], versionPattern.test(spec.version) ? undefined : `must be ${this.odooSeries}.x.y.z`);
    spec.depends.forEach((dependency, i) => {
      this.report(['depends', i], TECHNICAL_MODULE.test(dependency) ? undefined : 'must be a technical module name');
      if (spec.depends.indexOf(dependency) !== i) this.report(['depends', i], 'is listed twice');
    });
  }

  private checkModels(): void {
    const stems = new Map<string, number>();
    this.spec.models.forEach((model, m) => {
      const nameProblem = this.modelProblem(model);
      this.report(['models', m, 'name'], nameProblem);
      // x_a.b_c and x_a_b.c share a table, file and class name; two entries extending one model would too.
      for (const key of [tableName(model.name), `class:${className(model.name)}`]) {
        if (!nameProblem && stems.has(key)) this.report(['models', m, 'name'], `clashes with models.${stems.get(key)} (same table or class name)`);
        stems.set(key, m);
      }
      this.report(['models', m, 'description'], textProblem(model.description, 300));
      if (model.extends && !model.fields.length) this.report(['models', m, 'fields'], 'an extension must add at least one field');
      model.fields.forEach((field, f) => this.checkField(model, field, ['models', m, 'fields', f]));
    });
  }

  private modelProblem(model: SpecModel): string | undefined {
    if (!model.extends) {
      const problem = modelNameProblem(model.name, this.spec.module_name);
      return problem && extendableModel(model.name) ? `${problem}; to add fields to the existing model ${model.name}, set extends: true` : problem;
    }
    if (extendableModel(model.name)) return undefined;
    return `cannot be extended: only ${Object.keys(EXTENDABLE_MODELS).join(', ')} can (their form views are known); define a new model instead`;
  }

  private checkField(model: SpecModel, field: SpecField, at: (string | number)[]): void {
    const fieldNames = model.fields.map((other) => other.name);
    const f = at[at.length - 1] as number;
    const nameProblem = fieldNameProblem(field.name) ?? (fieldNames.indexOf(field.name) !== f ? 'is declared twice' : undefined);
    this.report([...at, 'name'], nameProblem ?? (model.extends ? extensionFieldProblem(field.name, this.spec.module_name) : undefined));
    if (field.string !== undefined) this.report([...at, 'string'], textProblem(field.string, 200));
    if (field.help !== undefined) this.report([...at, 'help'], textProblem(field.help, 2000, true));
    if (RELATIONAL.has(field.type)) this.report([...at, 'relation'], field.relation === undefined ? `is required for ${field.type}` : relationProblem(field.relation));
    else if (field.relation !== undefined) this.report([...at, 'relation'], 'only applies to relational fields');
    this.checkOne2many(model, field, at);
    this.checkSelection(field, at);
    if (field.type === 'monetary') this.report([...at, 'type'], this.monetaryProblem(model));
  }

  private checkOne2many(model: SpecModel, field: SpecField, at: (string | number)[]): void {
    if (field.type !== 'one2many') {
      if (field.inverse_name !== undefined) this.report([...at, 'inverse_name'], 'only applies to one2many');
      return;
    }
    const inverse = field.inverse_name;
    this.report([...at, 'inverse_name'], inverse === undefined ? 'is required for one2many' : fieldNameProblem(inverse));
    const target = this.spec.models.find((other) => other.name === field.relation);
    const back = target?.fields.find((other) => other.name === inverse);
    if (target && inverse !== undefined && (back?.type !== 'many2one' || back.relation !== model.name)) {
      this.report([...at, 'inverse_name'], `must name a many2one field of ${target.name} pointing to ${model.name}`);
    }
  }

  private checkSelection(field: SpecField, at: (string | number)[]): void {
    if (field.type !== 'selection') {
      if (field.selection !== undefined) this.report([...at, 'selection'], 'only applies to selection fields');
      return;
    }
    const options = field.selection ?? [];
    if (!options.length) this.report([...at, 'selection'], 'needs at least one option');
    options.forEach(([key, label], o) => {
      const duplicate = options.findIndex(([other]) => other === key) !== o;
      this.report([...at, 'selection', o, 0], SELECTION_KEY.test(key) ? (duplicate ? 'is listed twice' : undefined) : 'must be 1-64 of A-Z a-z 0-9 _ . -');
      this.report([...at, 'selection', o, 1], textProblem(label, 200));
    });
  }

  /** A new model declares its own currency_id; an extended one uses the currency field it already has, if any. */
  private monetaryProblem(model: SpecModel): string | undefined {
    if (model.extends) {
      return extendableModel(model.name)?.currency_field ? undefined : `monetary is not available on ${model.name}: it has no currency field to use`;
    }
    const currency = model.fields.find((other) => other.name === 'currency_id');
    return currency?.type === 'many2one' && currency.relation === 'res.currency' ? undefined : 'monetary needs a many2one field currency_id to res.currency in the same model';
  }
}
