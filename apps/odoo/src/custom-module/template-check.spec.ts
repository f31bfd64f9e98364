import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateLoadError } from '@bf/templates';
import { ModuleTemplates } from './module-templates';
import { templateProblems } from './template-check';

const TEMPLATES = join(__dirname, '../../../../templates');

describe('module template check', () => {
  it('accepts language helpers on a variable and if/unless/each blocks', () => {
    expect(templateProblems(`x = {{py title}}\n{{#each models}}{{py_ident stem}}{{/each}}{{#if a}}{{/if}}{{#unless b}}{{/unless}}`, 'python')).toEqual([]);
    expect(templateProblems(`<a n="{{xml_attr title}}">{{xml_text title}}</a>`, 'xml')).toEqual([]);
    expect(templateProblems(`{{csv id}},x`, 'csv')).toEqual([]);
  });

  it.each([
    ['a bare variable (would be HTML-escaped)', '{{title}}', 'python'],
    ['the triple-stash', '{{{py title}}}', 'python'],
    ['the ampersand form', '{{& title}}', 'python'],
    ['a helper of another language', '{{xml_attr title}}', 'python'],
    ['Python escaping in XML', '<a n="{{py title}}"/>', 'xml'],
    ['an unregistered helper', '{{lookup this "constructor"}}', 'python'],
    ['a helper with two arguments', '{{py a b}}', 'python'],
    ['a helper on a literal', '{{py "x"}}', 'python'],
    ['a hash argument', '{{py a x=1}}', 'python'],
    ['a sub-expression', '{{py (py a)}}', 'python'],
    ['#with', '{{#with a}}{{/with}}', 'python'],
    ['#each on a sub-expression', '{{#each (lookup a b)}}{{/each}}', 'python'],
    ['a partial', '{{> evil}}', 'python'],
    ['a decorator', '{{* dec}}', 'python'],
    ['a syntax error', '{{#if a}}', 'python'],
  ] as const)('rejects %s', (_what, source, language) => {
    expect(templateProblems(source, language).length).toBeGreaterThan(0);
  });

  describe('loading', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'bf-odoo-templates-'));
      cpSync(join(TEMPLATES, 'odoo'), join(dir, 'odoo'), { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const manifestPath = () => join(dir, 'odoo/custom_module/manifest.json');
    const editManifest = (edit: (manifest: any) => void) => {
      const manifest = JSON.parse(readFileSync(manifestPath(), 'utf8'));
      edit(manifest);
      writeFileSync(manifestPath(), JSON.stringify(manifest));
    };

    it('loads the shipped template', async () => {
      const templates = await ModuleTemplates.load(dir);
      expect(templates.manifest.odoo_series).toBe('17.0');
    });

    it('names the template file that prints a value without a language helper', async () => {
      writeFileSync(join(dir, 'odoo/custom_module/views/menus.xml.hbs'), '<odoo><menuitem id="{{root_menu_id}}"/></odoo>');
      await expect(ModuleTemplates.load(dir)).rejects.toThrow(/menus\.xml\.hbs.*xml_attr, xml_text/);
    });

    it.each([
      ['an output path leaving the module', (m: any) => (m.files[0].output_path = '../evil.py')],
      ['an absolute output path', (m: any) => (m.files[0].output_path = '/etc/evil.py')],
      ['a template path leaving the folder', (m: any) => (m.files[0].path = '../../x.hbs')],
      ['{model} in a module-wide file', (m: any) => (m.files[0].output_path = '{model}.py')],
      ['a per-model file without {model}', (m: any) => (m.files[3].output_path = 'models/fixed.py')],
      ['a duplicate output', (m: any) => (m.files[1].output_path = m.files[0].output_path)],
      ['an unknown language', (m: any) => (m.files[0].language = 'html')],
    ])('rejects a manifest with %s', async (_what, edit) => {
      editManifest(edit);
      await expect(ModuleTemplates.load(dir)).rejects.toBeInstanceOf(TemplateLoadError);
    });
  });
});
