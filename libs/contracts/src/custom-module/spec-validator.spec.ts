import { CustomModuleSpecError, validateCustomModuleSpec } from './spec-validator';

const base = () => ({
  module_name: 'acme_crm',
  title: 'Acme CRM',
  models: [
    {
      name: 'acme.customer',
      description: 'A customer',
      fields: [
        { name: 'name', type: 'char', required: true },
        { name: 'currency_id', type: 'many2one', relation: 'res.currency' },
        { name: 'budget', type: 'monetary' },
        { name: 'order_ids', type: 'one2many', relation: 'acme.order', inverse_name: 'customer_id' },
      ],
    },
    { name: 'acme.order', description: 'An order', fields: [{ name: 'customer_id', type: 'many2one', relation: 'acme.customer' }] },
  ],
});

function errorsOf(mutate: (spec: any) => void): Record<string, string> {
  const spec = base();
  mutate(spec);
  try {
    validateCustomModuleSpec(spec, '17.0');
  } catch (error) {
    expect(error).toBeInstanceOf(CustomModuleSpecError);
    return Object.fromEntries((error as CustomModuleSpecError).errors.map((e) => [e.path, e.message]));
  }
  return {};
}

describe('validateCustomModuleSpec', () => {
  it('accepts a consistent spec and applies the contract defaults', () => {
    const spec = validateCustomModuleSpec(base(), '17.0');
    expect(spec.version).toBe('17.0.1.0.0');
    expect(spec.depends).toEqual(['base']);
  });

  it.each([
    ['module_name', (s: any) => (s.module_name = '../../etc')],
    ['module_name', (s: any) => (s.module_name = 'acme/crm')],
    ['module_name', (s: any) => (s.module_name = 'import')],
    ['version', (s: any) => (s.version = '16.0.1.0.0')],
    ['version', (s: any) => (s.version = "17.0.1.0.0'; import os")],
    ['depends.1', (s: any) => (s.depends = ['base', '../sale'])],
    ['depends.1', (s: any) => (s.depends = ['base', 'base'])],
    ['models.0.name', (s: any) => (s.models[0].name = 'res.partner')],
    ['models.0.name', (s: any) => (s.models[0].name = 'acme.customers')],
    ['models.0.name', (s: any) => (s.models[0].name = 'acme/../customer')],
    ['models.1.name', (s: any) => (s.models[1].name = 'acme.customer')],
    ['models.0.fields.0.name', (s: any) => (s.models[0].fields[0].name = 'class')],
    ['models.0.fields.0.name', (s: any) => (s.models[0].fields[0].name = 'write_date')],
    ['models.0.fields.0.name', (s: any) => (s.models[0].fields[0].name = 'display_name')],
    ['models.0.fields.0.name', (s: any) => (s.models[0].fields[0].name = 'name = 1\nimport os')],
    ['models.0.fields.4.name', (s: any) => s.models[0].fields.push({ name: 'name', type: 'text' })],
    ['models.0.fields.0.relation', (s: any) => (s.models[0].fields[0].relation = 'res.partner')],
    ['models.0.fields.1.relation', (s: any) => delete s.models[0].fields[1].relation],
    ['models.0.fields.1.relation', (s: any) => (s.models[0].fields[1].relation = "res.currency'); import os; ('")],
    ['models.0.fields.1.type', (s: any) => s.models[0].fields.splice(1, 1)],
    ['models.0.fields.3.inverse_name', (s: any) => delete s.models[0].fields[3].inverse_name],
    ['models.0.fields.3.inverse_name', (s: any) => (s.models[0].fields[3].inverse_name = 'partner_id')],
    ['models.0.fields.0.selection', (s: any) => (s.models[0].fields[0] = { name: 'state', type: 'selection', selection: [] })],
    ['models.0.fields.0.selection.0.0', (s: any) => (s.models[0].fields[0] = { name: 'state', type: 'selection', selection: [["a'b", 'A']] })],
    ['models.0.fields.0.string', (s: any) => (s.models[0].fields[0].string = 'two\nlines')],
    ['models.0.fields.0.string', (s: any) => (s.models[0].fields[0].string = 'nul \u0000')],
    ['models.0.fields.0.help', (s: any) => (s.models[0].fields[0].help = 'lone \ud800 surrogate')],
    ['title', (s: any) => (s.title = '   ')],
    ['models.0.description', (s: any) => (s.models[0].description = 'x'.repeat(301))],
  ])('reports %s', (path, mutate) => {
    expect(Object.keys(errorsOf(mutate))).toContain(path);
  });

  it('accepts an extension of an allow-listed core model with prefixed fields', () => {
    const spec = validateCustomModuleSpec({ ...base(), models: [{ name: 'res.partner', extends: true, description: 'Grading', fields: [{ name: 'acme_grade', type: 'selection', selection: [['a', 'A']] }] }] });
    expect(spec.models[0].extends).toBe(true);
  });

  it.each([
    ['models.0.name', /cannot be extended/, (s: any) => (s.models[0] = { name: 'account.move', extends: true, description: 'x', fields: [{ name: 'acme_a', type: 'char' }] })],
    ['models.0.name', /set extends: true/, (s: any) => (s.models[0] = { name: 'res.partner', description: 'x', fields: [{ name: 'acme_a', type: 'char' }] })],
    ['models.0.fields.0.name', /module prefix "acme_"/, (s: any) => (s.models[0] = { name: 'res.partner', extends: true, description: 'x', fields: [{ name: 'x_grade', type: 'char' }] })],
    ['models.0.fields', /at least one field/, (s: any) => (s.models[0] = { name: 'res.partner', extends: true, description: 'x', fields: [] })],
    ['models.0.fields.0.type', /no currency field/, (s: any) => (s.models[0] = { name: 'res.partner', extends: true, description: 'x', fields: [{ name: 'acme_budget', type: 'monetary' }] })],
    ['models.1.name', /clashes/, (s: any) => (s.models = [0, 1].map(() => ({ name: 'res.partner', extends: true, description: 'x', fields: [{ name: 'acme_a', type: 'char' }] })))],
  ])('reports %s for an extension (%s)', (path, message, mutate) => {
    expect(errorsOf(mutate)[path]).toMatch(message);
  });

  it('reports every naming problem at once, by path', () => {
    const semantic = errorsOf((s) => {
      s.module_name = 'import';
      s.models[0].fields[0].name = 'id';
    });
    expect(Object.keys(semantic)).toEqual(expect.arrayContaining(['module_name', 'models.0.fields.0.name']));
  });

  it('lets any printable text through as labels (escaping happens at render time)', () => {
    expect(
      errorsOf((s) => {
        s.title = `O'Brien "quoted" <b> & ]]> {{constructor}} \\`;
        s.models[0].fields[0].string = `O'Brien "quoted" <b>`;
        s.models[0].fields[0].help = `line one\nline 'two' """ \\`;
      }),
    ).toEqual({});
  });
});
