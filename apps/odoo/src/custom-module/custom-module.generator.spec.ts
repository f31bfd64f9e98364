import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Entry, fromBuffer } from 'yauzl';
import { CustomModuleSpec, CustomModuleSpecError } from '@bf/contracts';
import { CUSTOM_MODULE_RULES } from '../../../intent/src/rules/custom-module.rules';
import { CustomModuleGenerator, GeneratedModule } from './custom-module.generator';

const generator = new CustomModuleGenerator(join(__dirname, '../../../../templates'));
const text = (module: GeneratedModule, path: string) => module.files.find((file) => file.path === `${module.module_name}/${path}`)?.content.toString('utf8');

const SPEC: CustomModuleSpec = {
  module_name: 'acme_crm',
  title: 'Acme CRM',
  version: '17.0.1.2.3',
  depends: ['base', 'contacts'],
  models: [
    {
      name: 'acme.customer',
      description: 'A customer',
      fields: [
        { name: 'name', type: 'char', required: true, string: 'Name' },
        { name: 'notes', type: 'html' },
        { name: 'order_ids', type: 'one2many', relation: 'acme.order', inverse_name: 'customer_id' },
      ],
    },
    { name: 'acme.order', description: 'An order', fields: [{ name: 'customer_id', type: 'many2one', relation: 'acme.customer', required: true }] },
  ],
};

function zipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      const found = new Map<string, Buffer>();
      file.on('entry', (entry: Entry) =>
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        }),
      );
      file.on('end', () => resolve(found));
      file.readEntry();
    }),
  );
}

describe('CustomModuleGenerator', () => {
  it('renders the module layout, with paths from the generator and the module folder as root', async () => {
    const module = await generator.generate(SPEC);
    expect(module.files.map((file) => file.path)).toEqual([
      'acme_crm/__init__.py',
      'acme_crm/__manifest__.py',
      'acme_crm/models/__init__.py',
      'acme_crm/models/acme_customer.py',
      'acme_crm/models/acme_order.py',
      'acme_crm/security/ir.model.access.csv',
      'acme_crm/views/acme_customer_views.xml',
      'acme_crm/views/acme_order_views.xml',
      'acme_crm/views/menus.xml',
    ]);
    for (const file of module.files) expect(file.sha256).toBe(createHash('sha256').update(file.content).digest('hex'));
    expect(text(module, 'models/__init__.py')).toBe('from . import acme_customer\nfrom . import acme_order\n');
  });

  it('lists data files in load order: access rules, then menus, then views', async () => {
    const manifest = text(await generator.generate(SPEC), '__manifest__.py')!;
    const data = manifest.slice(manifest.indexOf("'data'"));
    const order = ['security/ir.model.access.csv', 'views/menus.xml', 'views/acme_customer_views.xml', 'views/acme_order_views.xml'].map((path) => data.indexOf(`'${path}'`));
    expect(order.every((index, i) => index > 0 && (i === 0 || index > order[i - 1]))).toBe(true);
    expect(manifest).toContain("'version': '17.0.1.2.3'");
    expect(manifest).toContain("'license': 'LGPL-3'");
  });

  it('writes the exact access header and model_<name with underscores> ids', async () => {
    const csv = text(await generator.generate(SPEC), 'security/ir.model.access.csv')!.trimEnd().split('\n');
    expect(csv[0]).toBe('id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink');
    expect(csv.slice(1)).toEqual([
      'access_acme_customer_user,acme.customer user,model_acme_customer,base.group_user,1,1,1,1',
      'access_acme_order_user,acme.order user,model_acme_order,base.group_user,1,1,1,1',
    ]);
  });

  it('uses Odoo 17 view syntax: <tree>, no attrs or states', async () => {
    const xml = text(await generator.generate(SPEC), 'views/acme_customer_views.xml')!;
    expect(xml).toContain('<tree string="Customer">');
    expect(xml).not.toMatch(/<list|attrs=|states=/);
    // Long text and nested lists stay out of the list view.
    expect(xml.slice(xml.indexOf('<tree'))).not.toMatch(/name="(notes|order_ids)"/);
  });

  it('is deterministic: same spec, byte-identical zip whose entries are the file list', async () => {
    const [a, b] = [await generator.generate(SPEC), await generator.generate(structuredClone(SPEC))];
    expect(b.zip.equals(a.zip)).toBe(true);
    expect(b.zip_sha256).toBe(a.zip_sha256);
    const entries = await zipEntries(a.zip);
    expect([...entries.keys()]).toEqual(a.files.map((file) => file.path));
    for (const file of a.files) expect(entries.get(file.path)!.equals(file.content)).toBe(true);
    const other = await generator.generate({ ...SPEC, title: 'Acme CRM 2' });
    expect(other.zip.equals(a.zip)).toBe(false);
  });

  it('renders every custom module the intent resolver can propose', async () => {
    for (const rule of CUSTOM_MODULE_RULES) {
      const module = await generator.generate(rule.spec);
      // Five module-wide files, and a model file and a views file per model.
      expect(module.files.length).toBe(5 + 2 * rule.spec.models.length);
    }
  });

  it('rejects an unsafe spec before rendering anything', async () => {
    await expect(generator.generate({ ...SPEC, module_name: '../../etc/passwd' })).rejects.toBeInstanceOf(CustomModuleSpecError);
    await expect(generator.generate({ ...SPEC, models: [{ ...SPEC.models[0], name: 'res.users' }] })).rejects.toThrow(/module prefix/);
    await expect(generator.generate({ ...SPEC, models: [{ ...SPEC.models[0], name: 'res.users', extends: true }] })).rejects.toThrow(/cannot be extended/);
  });

  describe('extending an existing model', () => {
    const EXTENSION: CustomModuleSpec = {
      module_name: 'bolt_partner',
      title: 'Partner Tweaks',
      version: '17.0.1.0.0',
      depends: ['base'],
      models: [
        { name: 'res.partner', extends: true, description: 'Grading', fields: [{ name: 'bolt_grade', type: 'selection', selection: [['a', 'A'], ['b', 'B']] }] },
        { name: 'sale.order', extends: true, description: 'Bolt', fields: [{ name: 'bolt_deposit', type: 'monetary' }] },
        { name: 'bolt.audit', description: 'An audit', fields: [{ name: 'partner_id', type: 'many2one', relation: 'res.partner' }] },
      ],
    };

    it('inherits the model instead of defining it, with the field on its currency', async () => {
      const module = await generator.generate(EXTENSION);
      const partner = text(module, 'models/res_partner.py')!;
      expect(partner).toContain("class ResPartner(models.Model):\n    _inherit = 'res.partner'\n");
      expect(partner).not.toMatch(/_name =|_description =/);
      expect(text(module, 'models/sale_order.py')).toContain("currency_field='currency_id'");
      expect(text(module, 'models/bolt_audit.py')).toContain("_name = 'bolt.audit'");
    });

    it('adds a page to the core form view and no access rule, action or menu for the extended models', async () => {
      const module = await generator.generate(EXTENSION);
      const view = text(module, 'views/res_partner_views.xml')!;
      expect(view).toContain('<field name="inherit_id" ref="base.view_partner_form"/>');
      expect(view).toContain('<xpath expr="//notebook" position="inside">');
      expect(view).toContain('<page string="Grading" name="bolt_partner">');
      expect(view).toContain('<field name="bolt_grade"/>');
      expect(view).not.toMatch(/act_window|menuitem|<tree/);
      expect(text(module, 'views/sale_order_views.xml')).toContain('ref="sale.view_order_form"');
      expect(text(module, 'security/ir.model.access.csv')!.trimEnd().split('\n').slice(1)).toEqual(['access_bolt_audit_user,bolt.audit user,model_bolt_audit,base.group_user,1,1,1,1']);
      expect(text(module, 'views/menus.xml')).toContain('<menuitem id="menu_root"');
    });

    it("depends on the extended models' addons; a module that only extends is not an app", async () => {
      const manifest = text(await generator.generate(EXTENSION), '__manifest__.py')!;
      expect(manifest).toMatch(/'depends': \[\s*'base',\s*'sale',\s*\]/);
      expect(manifest).toContain("'application': True");
      const only = await generator.generate({ ...EXTENSION, models: [EXTENSION.models[0]] });
      expect(text(only, '__manifest__.py')).toContain("'application': False");
      expect(text(only, 'views/menus.xml')).not.toContain('menuitem');
    });
  });
});
