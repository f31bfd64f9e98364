import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CustomModuleSpec, CustomModuleSpecError } from '@bf/contracts';
import { CUSTOM_MODULE_RULES } from '../../apps/intent/src/rules/custom-module.rules';
import { CustomModuleGenerator, GeneratedModule } from '../../apps/odoo/src/custom-module';

/**
 * The generated module checked with the tools Odoo itself relies on: CPython
 * compiles the sources and reads the manifest with ast.literal_eval, libxml2
 * validates the data files against Odoo's import_xml.rng. No Odoo runs here.
 * These tools are required (CI installs python3 and libxml2-utils): a missing
 * one fails the suite instead of skipping it, so an unchecked module never
 * passes for a checked one.
 */
const root = join(__dirname, '../..');
const RNG = join(root, '../shared/reference/odoo/import_xml.rng');
const generator = new CustomModuleGenerator(join(root, 'templates'));

/** Reads back what Python and an XML parser see: every string the generator wrote, decoded. */
const INSPECT = String.raw`
import ast, csv, json, pathlib, sys
import xml.etree.ElementTree as ET
root = pathlib.Path(sys.argv[1])
manifest = ast.literal_eval((root / '__manifest__.py').read_text(encoding='utf-8'))
models = {}
for path in sorted((root / 'models').glob('*.py')):
    if path.name == '__init__.py':
        continue
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        if not isinstance(node, ast.ClassDef):
            continue
        info = {'class': node.name, 'fields': {}}
        for stmt in node.body:
            target, value = stmt.targets[0].id, stmt.value
            if isinstance(value, ast.Constant):
                info[target] = value.value
            else:
                info['fields'][target] = {'type': value.func.attr, **{k.arg: ast.literal_eval(k.value) for k in value.keywords}}
        models[info.get('_name') or info['_inherit']] = info
with open(root / 'security' / 'ir.model.access.csv', newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
xml = {}
for path in sorted(root.rglob('*.xml')):
    tree = ET.parse(path)
    xml[str(path.relative_to(root))] = {
        'menus': {m.get('id'): m.get('name') for m in tree.iter('menuitem')},
        'trees': [t.get('string') for t in tree.iter('tree')],
        'actions': [r.find("field[@name='name']").text for r in tree.iter('record') if r.get('model') == 'ir.actions.act_window'],
        'inherited': [
            {'inherit_id': r.find("field[@name='inherit_id']").get('ref'), 'xpaths': [x.get('expr') for x in r.iter('xpath')], 'fields': [f.get('name') for x in r.iter('xpath') for f in x.iter('field')]}
            for r in tree.iter('record') if r.find("field[@name='inherit_id']") is not None
        ],
    }
print(json.dumps({'manifest': manifest, 'models': models, 'csv': rows, 'xml': xml}))
`;

interface Inspection {
  manifest: Record<string, unknown> & { data: string[]; name: string; depends: string[] };
  models: Record<string, { class: string; _name?: string; _inherit?: string; _description?: string; fields: Record<string, Record<string, unknown>> }>;
  csv: string[][];
  xml: Record<string, { menus: Record<string, string>; trees: string[]; actions: string[]; inherited: { inherit_id: string; xpaths: string[]; fields: string[] }[] }>;
}

function writeOut(module: GeneratedModule): string {
  const dir = mkdtempSync(join(tmpdir(), 'bf-odoo-module-'));
  for (const file of module.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  return join(dir, module.module_name);
}

/** Compiles, validates and reads back a generated module; throws with the tool's own message when a check fails. */
function check(module: GeneratedModule): Inspection {
  const moduleDir = writeOut(module);
  try {
    const pythonFiles = module.files.filter((f) => f.path.endsWith('.py')).map((f) => join(moduleDir, '..', f.path));
    execFileSync('python3', ['-m', 'py_compile', ...pythonFiles], { stdio: 'pipe' });
    for (const file of module.files.filter((f) => f.path.endsWith('.xml'))) {
      execFileSync('xmllint', ['--noout', '--relaxng', RNG, join(moduleDir, '..', file.path)], { stdio: 'pipe' });
    }
    return JSON.parse(execFileSync('python3', ['-c', INSPECT, moduleDir], { encoding: 'utf8' })) as Inspection;
  } finally {
    rmSync(dirname(moduleDir), { recursive: true, force: true });
  }
}

function checkStructure(spec: CustomModuleSpec, found: Inspection) {
  const data = found.manifest.data;
  const firstView = data.findIndex((path) => path.startsWith('views/'));
  expect(data.indexOf('security/ir.model.access.csv')).toBeGreaterThanOrEqual(0);
  expect(data.indexOf('security/ir.model.access.csv')).toBeLessThan(firstView);
  expect(found.manifest.version).toMatch(/^17\.0\.\d+\.\d+\.\d+$/);
  expect(found.manifest.license).toBe('LGPL-3');
  expect(found.manifest.depends).toEqual(spec.depends);
  expect(found.csv[0]).toEqual(['id', 'name', 'model_id:id', 'group_id:id', 'perm_read', 'perm_write', 'perm_create', 'perm_unlink']);
  expect(found.csv.slice(1).map((row) => row.length)).toEqual(spec.models.map(() => 8));
  expect(found.csv.slice(1).map((row) => row[2])).toEqual(spec.models.map((model) => `model_${model.name.replace(/\./g, '_')}`));
  for (const model of spec.models) {
    const generated = found.models[model.name];
    expect(generated._description).toBe(model.description);
    expect(Object.keys(generated.fields)).toEqual(model.fields.map((field) => field.name));
    for (const field of model.fields) expect(typeof generated.fields[field.name].string).toBe('string');
    expect(data).toContain(`views/${model.name.replace(/\./g, '_')}_views.xml`);
  }
}

describe('Odoo custom module generator, checked with python3 and xmllint', () => {
  beforeAll(() => {
    // Fails loudly, by design: see the comment at the top.
    execFileSync('python3', ['--version'], { stdio: 'pipe' });
    execFileSync('xmllint', ['--version'], { stdio: 'pipe' });
    if (!existsSync(RNG)) throw new Error(`Odoo's RelaxNG schema is missing at ${RNG} (the shared folder must sit beside the repository)`);
  });

  it.each(CUSTOM_MODULE_RULES.map((rule) => [rule.spec.module_name, rule.spec] as const))('%s compiles, validates and reads back as its spec', async (_name, spec) => {
    checkStructure(spec, check(await generator.generate(spec)));
  });

  it('keeps hostile labels as text: valid Python and XML, and the exact strings back', async () => {
    const nasty = `O'Brien "quoted" <b>`;
    const spec: CustomModuleSpec = {
      module_name: 'x_inject_test',
      title: `${nasty} & ]]> {{title}} \\ ${'<'}!--`,
      summary: `'''"""); import os; os.system("id") #`,
      version: '17.0.1.0.0',
      depends: ['base'],
      models: [
        {
          name: 'x_inject.record',
          description: `${nasty} '); import os; ('`,
          fields: [
            { name: 'name', type: 'char', required: true, string: nasty, help: `line 1\n"""\n'''\\\n</field></record><record model="res.users">\u2028\r\t end` },
            { name: 'state', type: 'selection', selection: [['draft', `${nasty} ")], x=[("`], ['done', '&amp; \\x41']], string: `\\'); __import__('os') #` },
            { name: 'currency_id', type: 'many2one', relation: 'res.currency', string: '💶 Währung' },
            { name: 'amount', type: 'monetary', string: '{{constructor.constructor}}' },
          ],
        },
      ],
    };
    const found = check(await generator.generate(spec));
    checkStructure(spec, found);
    expect(found.manifest.name).toBe(spec.title);
    expect(found.manifest.summary).toBe(spec.summary);
    const model = found.models['x_inject.record'];
    const fields = spec.models[0].fields;
    expect(model._description).toBe(spec.models[0].description);
    expect(model.fields.name).toMatchObject({ type: 'Char', string: nasty, help: fields[0].help, required: true });
    expect(model.fields.state).toMatchObject({ type: 'Selection', string: fields[1].string, selection: fields[1].selection });
    expect(model.fields.currency_id).toMatchObject({ type: 'Many2one', comodel_name: 'res.currency', string: '💶 Währung' });
    expect(model.fields.amount).toMatchObject({ type: 'Monetary', currency_field: 'currency_id', string: '{{constructor.constructor}}' });
    expect(found.xml['views/menus.xml'].menus).toEqual({ menu_root: spec.title });
    expect(found.xml['views/x_inject_record_views.xml']).toEqual({ menus: { x_inject_record_menu: 'Record' }, trees: ['Record'], actions: ['Record'], inherited: [] });
  });

  it.each([
    ['a path in the module name', { module_name: '../../addons/base' }],
    ['code in the module name', { module_name: "x_a';import os" }],
    ['a model outside the module namespace', { models: [{ name: 'res.users', description: 'x', fields: [] }] }],
    ['a path in a model name', { models: [{ name: 'x_evil.a/../../b', description: 'x', fields: [] }] }],
    ['code in a field name', { models: [{ name: 'x_evil.record', description: 'x', fields: [{ name: 'a = 1\nimport os', type: 'char' }] }] }],
    ['a dunder field', { models: [{ name: 'x_evil.record', description: 'x', fields: [{ name: '__class__', type: 'char' }] }] }],
    ['an Odoo magic column', { models: [{ name: 'x_evil.record', description: 'x', fields: [{ name: 'write_uid', type: 'many2one', relation: 'res.users' }] }] }],
    ['code in a relation', { models: [{ name: 'x_evil.record', description: 'x', fields: [{ name: 'a_id', type: 'many2one', relation: "res.users') or __import__('os') #" }] }] }],
    ['code in a selection key', { models: [{ name: 'x_evil.record', description: 'x', fields: [{ name: 'a', type: 'selection', selection: [["x'),('y", 'Y']] }] }] }],
    ['a path in a dependency', { depends: ['base', '../../etc'] }],
  ])('rejects %s', async (_what, override) => {
    await expect(generator.generate({ module_name: 'x_evil', title: 'Evil', models: [{ name: 'x_evil.record', description: 'x', fields: [] }], ...override })).rejects.toBeInstanceOf(CustomModuleSpecError);
  });

  it('extends core models: _inherit only, a page in each core form (valid against import_xml.rng), their addons in depends, no access rows', async () => {
    const spec: CustomModuleSpec = {
      module_name: 'bolt_partner',
      title: 'Partner Tweaks',
      version: '17.0.1.0.0',
      depends: ['base'],
      models: [
        { name: 'res.partner', extends: true, description: `Grading "A" & <B>`, fields: [{ name: 'bolt_grade', type: 'selection', selection: [['a', 'A'], ['b', 'B']], string: 'Grade' }] },
        { name: 'sale.order', extends: true, description: 'Deposit', fields: [{ name: 'bolt_deposit', type: 'monetary' }, { name: 'bolt_checked', type: 'boolean' }] },
      ],
    };
    const found = check(await generator.generate(spec));
    expect(found.manifest.depends).toEqual(['base', 'sale']);
    expect(found.manifest.application).toBe(false);
    expect(found.csv).toEqual([['id', 'name', 'model_id:id', 'group_id:id', 'perm_read', 'perm_write', 'perm_create', 'perm_unlink']]);
    expect(found.models['res.partner']).toMatchObject({ class: 'ResPartner', _inherit: 'res.partner', fields: { bolt_grade: { type: 'Selection', selection: [['a', 'A'], ['b', 'B']], string: 'Grade' } } });
    expect(found.models['res.partner']._name).toBeUndefined();
    expect(found.models['res.partner']._description).toBeUndefined();
    expect(found.models['sale.order'].fields.bolt_deposit).toMatchObject({ type: 'Monetary', currency_field: 'currency_id' });
    expect(found.xml['views/res_partner_views.xml']).toEqual({ menus: {}, trees: [], actions: [], inherited: [{ inherit_id: 'base.view_partner_form', xpaths: ['//notebook'], fields: ['bolt_grade'] }] });
    expect(found.xml['views/sale_order_views.xml'].inherited).toEqual([{ inherit_id: 'sale.view_order_form', xpaths: ['//notebook'], fields: ['bolt_deposit', 'bolt_checked'] }]);
    expect(found.xml['views/menus.xml'].menus).toEqual({});
  });

  it.each([
    ['a model not in the extendable list', { models: [{ name: 'account.move', extends: true, description: 'x', fields: [{ name: 'x_evil_a', type: 'char' }] }] }],
    ['an extension field without the module prefix', { models: [{ name: 'res.partner', extends: true, description: 'x', fields: [{ name: 'grade', type: 'char' }] }] }],
    ['an extension adding no field', { models: [{ name: 'res.partner', extends: true, description: 'x', fields: [] }] }],
    ['a monetary field on a model without a currency', { models: [{ name: 'res.partner', extends: true, description: 'x', fields: [{ name: 'x_budget', type: 'monetary' }] }] }],
  ])('rejects %s', async (_what, override) => {
    await expect(generator.generate({ module_name: 'x_evil', title: 'Evil', ...override })).rejects.toBeInstanceOf(CustomModuleSpecError);
  });

  it('produces the same zip bytes for the same spec', async () => {
    const spec = CUSTOM_MODULE_RULES[0].spec;
    const [a, b] = await Promise.all([generator.generate(spec), new CustomModuleGenerator(join(root, 'templates')).generate(structuredClone(spec))]);
    expect(b.zip_sha256).toBe(a.zip_sha256);
    expect(b.zip.equals(a.zip)).toBe(true);
  });
});
