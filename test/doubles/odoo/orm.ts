import { OdooFault } from './odoo-fault';
import { CallEnv, FieldDef, ModelDef } from './model-registry';
import { domainMatcher, DoubleRecord } from './record-store';

const SIGNATURES: Record<string, string[]> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['ids', 'fields', 'load'],
  create: ['vals_list'],
  write: ['ids', 'vals'],
  unlink: ['ids'],
  fields_get: ['allfields', 'attributes'],
  toggle_active: ['ids'],
  action_archive: ['ids'],
  action_unarchive: ['ids'],
};

/** The generic ORM methods every model has, with Odoo's argument binding (positional, then keyword). */
export class Orm {
  constructor(
    private readonly env: CallEnv,
    private readonly model: ModelDef,
  ) {}

  has(method: string): boolean {
    return method in SIGNATURES;
  }

  call(method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const bound: Record<string, unknown> = { ...kwargs };
    SIGNATURES[method].forEach((name, index) => index < args.length && (bound[name] = args[index]));
    switch (method) {
      case 'search':
        return this.search(bound).map((record) => record.id);
      case 'search_read':
        return this.search(bound).map((record) => this.present(record, bound.fields));
      case 'search_count':
        return this.search(bound).length;
      case 'read':
        return this.browse(bound.ids).map((record) => this.present(record, bound.fields));
      case 'create':
        return Array.isArray(bound.vals_list) ? bound.vals_list.map((values) => this.create(values)) : this.create(bound.vals_list);
      case 'write':
        this.browse(bound.ids).forEach((record) => this.write(record, bound.vals));
        return true;
      case 'unlink':
        this.browse(bound.ids).forEach((record) => this.unlink(record));
        return true;
      case 'action_archive':
      case 'action_unarchive':
        this.browse(bound.ids).forEach((record) => this.write(record, { active: method === 'action_unarchive' }));
        return true;
      case 'toggle_active':
        // Odoo 17's toggle_active has no return statement, so XML-RPC can't marshal its None
        this.browse(bound.ids).forEach((record) => this.write(record, { active: record.active === false }));
        return undefined;
      default:
        return this.fieldsGet(bound.attributes);
    }
  }

  fields(): Record<string, FieldDef> {
    return this.env.models.fieldsOf(this.model, this.env);
  }

  search(bound: Record<string, unknown>): DoubleRecord[] {
    const fields = this.fields();
    const domain = Array.isArray(bound.domain) ? bound.domain : [];
    const filterActive = 'active' in fields && this.env.context.active_test !== false && !domain.some((leaf) => Array.isArray(leaf) && leaf[0] === 'active');
    const matches = domainMatcher(this.model.name, domain, (field) => field === 'id' || field in fields);
    const found = this.env.store.all(this.model.name).filter((record) => (!filterActive || record.active !== false) && matches(record));
    const offset = Number(bound.offset ?? 0);
    return typeof bound.limit === 'number' && bound.limit > 0 ? found.slice(offset, offset + bound.limit) : found.slice(offset);
  }

  browse(ids: unknown): DoubleRecord[] {
    const list = (Array.isArray(ids) ? ids : [ids]) as number[];
    return list.map((id) => {
      const record = this.env.store.get(this.model.name, id);
      if (!record) throw OdooFault.user(`Record does not exist or has been deleted.\n(Record: ${this.model.name}(${id},), User: ${this.env.uid})`);
      return record;
    });
  }

  create(values: unknown): number {
    const fields = this.fields();
    const record: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(fields)) {
      if (field.default !== undefined) record[name] = structuredClone(field.default);
      else if (field.type === 'many2many') record[name] = [];
    }
    this.assign(record, values, fields);
    for (const [name, field] of Object.entries(fields)) {
      if (field.required && (record[name] === undefined || record[name] === false || record[name] === '')) throw OdooFault.missingRequired(this.model.name, this.model.description, name);
    }
    const created = this.env.store.insert(this.model.name, record);
    try {
      this.model.validate?.(this.env, created);
    } catch (error) {
      this.env.store.table(this.model.name).delete(created.id);
      throw error;
    }
    return created.id;
  }

  write(record: DoubleRecord, values: unknown): void {
    const previous = structuredClone(record);
    this.assign(record, values, this.fields());
    try {
      this.model.validate?.(this.env, record, previous);
    } catch (error) {
      Object.assign(record, previous);
      throw error;
    }
  }

  unlink(record: DoubleRecord): void {
    this.model.beforeUnlink?.(this.env, record);
    this.env.store.table(this.model.name).delete(record.id);
  }

  present(record: DoubleRecord, fieldNames: unknown): Record<string, unknown> {
    const fields = this.fields();
    const names = Array.isArray(fieldNames) && fieldNames.length ? (fieldNames as string[]) : Object.keys(fields).filter((name) => name !== 'password');
    const out: Record<string, unknown> = { id: record.id };
    for (const name of names) {
      if (name === 'id') continue;
      const field = fields[name];
      if (!field) throw OdooFault.python('ValueError', `Invalid field '${name}' on model '${this.model.name}'`, 'odoo/models.py", line 3001, in _read_format');
      out[name] = this.readValue(record[name], field);
    }
    return out;
  }

  private readValue(value: unknown, field: FieldDef): unknown {
    if (field.type === 'many2one') {
      const related = typeof value === 'number' && field.relation ? this.env.store.get(field.relation, value) : undefined;
      const def = field.relation ? this.env.models.get(field.relation, this.env) : undefined;
      return related ? [related.id, def?.displayName?.(related) ?? String(related.name ?? related.id)] : false;
    }
    if (field.writeOnly) return '';
    return value === undefined || value === null ? (field.type === 'many2many' ? [] : false) : value;
  }

  private assign(record: Record<string, unknown>, values: unknown, fields: Record<string, FieldDef>): void {
    for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      const field = fields[name];
      if (!field) throw OdooFault.invalidField(this.model.name, name);
      if (field.type === 'selection' && value !== false && !field.selection?.includes(String(value))) {
        throw OdooFault.python('ValueError', `Wrong value for ${this.model.name}.${name}: ${JSON.stringify(value)}`, 'odoo/fields.py", line 2933, in convert_to_cache');
      }
      record[name] = field.type === 'many2many' ? applyX2manyCommands((record[name] as number[]) ?? [], value, `${this.model.name}.${name}`) : value;
    }
  }

  private fieldsGet(attributes: unknown): Record<string, Record<string, unknown>> {
    const wanted = Array.isArray(attributes) && attributes.length ? (attributes as string[]) : undefined;
    return Object.fromEntries(
      Object.entries(this.fields()).map(([name, field]) => {
        const description: Record<string, unknown> = { type: field.type, string: field.string ?? name, required: !!field.required };
        if (field.relation) description.relation = field.relation;
        if (field.selection) description.selection = field.selection.map((value) => [value, value]);
        return [name, wanted ? Object.fromEntries(Object.entries(description).filter(([key]) => wanted.includes(key))) : description];
      }),
    );
  }
}

/** (6,0,ids) replace, (4,id) link, (3,id) unlink, (5,) clear; a bare id list is taken as (6,0,ids) as Odoo does. */
export function applyX2manyCommands(current: number[], value: unknown, where: string): number[] {
  if (!Array.isArray(value)) throw OdooFault.python('ValueError', `Wrong value for ${where}: ${JSON.stringify(value)}`, 'odoo/fields.py", line 4537, in write_real');
  if (value.every((item) => typeof item === 'number')) return [...value];
  let ids = [...current];
  for (const command of value) {
    if (!Array.isArray(command)) throw OdooFault.python('ValueError', `Wrong value for ${where}: ${JSON.stringify(value)}`, 'odoo/fields.py", line 4537, in write_real');
    const [code, id, ids6] = command as [number, number, number[]];
    if (code === 6) ids = [...(ids6 ?? [])];
    else if (code === 4) ids = ids.includes(id) ? ids : [...ids, id];
    else if (code === 3) ids = ids.filter((existing) => existing !== id);
    else if (code === 5) ids = [];
    else throw OdooFault.python('ValueError', `Unsupported x2many command ${JSON.stringify(command)} in the double for ${where}`, 'odoo/fields.py", line 4537, in write_real');
  }
  return ids;
}
