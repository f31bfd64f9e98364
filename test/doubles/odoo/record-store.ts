import { OdooFault } from './odoo-fault';

export type DoubleRecord = { id: number } & Record<string, unknown>;
type Leaf = [string, string, unknown];

/** Rows per model, ids allocated per model like PostgreSQL sequences. */
export class RecordStore {
  private readonly tables = new Map<string, Map<number, DoubleRecord>>();
  private readonly sequences = new Map<string, number>();

  table(model: string): Map<number, DoubleRecord> {
    let table = this.tables.get(model);
    if (!table) this.tables.set(model, (table = new Map()));
    return table;
  }

  insert(model: string, values: Record<string, unknown>): DoubleRecord {
    const id = (this.sequences.get(model) ?? 0) + 1;
    this.sequences.set(model, id);
    const record = { ...values, id };
    this.table(model).set(id, record);
    return record;
  }

  get(model: string, id: number): DoubleRecord | undefined {
    return this.table(model).get(id);
  }

  all(model: string): DoubleRecord[] {
    return [...this.table(model).values()];
  }

  find(model: string, predicate: (record: DoubleRecord) => boolean): DoubleRecord | undefined {
    return this.all(model).find(predicate);
  }
}

/**
 * Odoo domains in prefix notation with the implicit '&' between terms.
 * `knows` reports whether a field exists, so unknown fields fail like Odoo.
 */
export function domainMatcher(model: string, domain: unknown[], knows: (field: string) => boolean): (record: DoubleRecord) => boolean {
  for (const item of domain) {
    if (Array.isArray(item) && !knows(String(item[0]))) throw OdooFault.python('ValueError', `Invalid field ${model}.${String(item[0])} in leaf ${pyRepr(item)}`, 'odoo/osv/expression.py", line 1070, in parse');
  }
  return (record) => {
    let index = 0;
    const next = (): boolean => {
      const item = domain[index++];
      if (item === '&') return [next(), next()].every(Boolean);
      if (item === '|') return [next(), next()].some(Boolean);
      if (item === '!') return !next();
      return leafMatches(item as Leaf, record);
    };
    let result = true;
    while (index < domain.length) result = next() && result;
    return result;
  };
}

function leafMatches([field, operator, expected]: Leaf, record: DoubleRecord): boolean {
  const actual = field === 'id' ? record.id : record[field];
  const values = Array.isArray(actual) ? actual : [actual];
  const list = Array.isArray(expected) ? expected : [expected];
  switch (operator) {
    case '=':
      return Array.isArray(actual) ? (expected === false ? actual.length === 0 : actual.includes(expected)) : (actual ?? false) === expected;
    case '!=':
      return !leafMatches([field, '=', expected], record);
    case 'in':
      return values.some((value) => list.includes(value));
    case 'not in':
      return !values.some((value) => list.includes(value));
    case 'like':
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'ilike':
      return typeof actual === 'string' && actual.toLowerCase().includes(String(expected).toLowerCase());
    case '=ilike':
      return typeof actual === 'string' && actual.toLowerCase() === String(expected).toLowerCase();
    case '>':
      return (actual as number) > (expected as number);
    case '<':
      return (actual as number) < (expected as number);
    case '>=':
      return (actual as number) >= (expected as number);
    case '<=':
      return (actual as number) <= (expected as number);
    default:
      throw OdooFault.python('ValueError', `Invalid leaf ${pyRepr([field, operator, expected])}`, 'odoo/osv/expression.py", line 1070, in parse');
  }
}

export function pyRepr(value: unknown): string {
  if (Array.isArray(value)) return `(${value.map(pyRepr).join(', ')})`;
  if (typeof value === 'string') return `'${value}'`;
  if (value === true || value === false) return value ? 'True' : 'False';
  return String(value);
}
