import { OdooFault, SCHEDULED_ACTION_MESSAGE } from './odoo-fault';
import { CallEnv, ModelDef } from './model-registry';
import { DoubleRecord, RecordStore } from './record-store';

export type ModuleState = 'uninstallable' | 'uninstalled' | 'installed' | 'to upgrade' | 'to remove' | 'to install';

export interface AddonSpec {
  name: string;
  shortdesc: string;
  depends?: string[];
  enterprise?: boolean;
}

/** Addons of a stock Odoo with the dependencies that matter for the seed's module words. */
export const STANDARD_ADDONS: AddonSpec[] = [
  { name: 'base', shortdesc: 'Base' },
  { name: 'web', shortdesc: 'Web', depends: ['base'] },
  { name: 'mail', shortdesc: 'Discuss', depends: ['base'] },
  { name: 'contacts', shortdesc: 'Contacts', depends: ['mail'] },
  { name: 'sales_team', shortdesc: 'Sales Teams', depends: ['mail'] },
  { name: 'crm', shortdesc: 'CRM', depends: ['sales_team'] },
  { name: 'account', shortdesc: 'Invoicing', depends: ['mail'] },
  { name: 'sale', shortdesc: 'Sales', depends: ['sales_team', 'account'] },
  { name: 'sale_management', shortdesc: 'Sales', depends: ['sale'] },
  { name: 'project', shortdesc: 'Project', depends: ['mail'] },
  { name: 'hr', shortdesc: 'Employees', depends: ['mail'] },
  { name: 'hr_timesheet', shortdesc: 'Task Logs', depends: ['project', 'hr'] },
  { name: 'stock', shortdesc: 'Inventory', depends: ['mail'] },
  { name: 'website', shortdesc: 'Website', depends: ['web'] },
  { name: 'website_sale', shortdesc: 'eCommerce', depends: ['website', 'sale'] },
  { name: 'sale_subscription', shortdesc: 'Subscriptions', depends: ['sale_management'], enterprise: true },
  { name: 'helpdesk', shortdesc: 'Helpdesk', depends: ['mail'], enterprise: true },
];

/** XML id → group name, created when the owning module is installed. */
export const GROUPS: Array<[string, string]> = [
  ['base.group_user', 'Internal User'],
  ['base.group_portal', 'Portal'],
  ['base.group_public', 'Public'],
  ['base.group_erp_manager', 'Access Rights'],
  ['base.group_system', 'Settings'],
  ['sales_team.group_sale_salesman', 'User: Own Documents Only'],
  ['sales_team.group_sale_manager', 'Administrator'],
  ['account.group_account_invoice', 'Billing'],
  ['account.group_account_manager', 'Billing Administrator'],
  ['project.group_project_user', 'User'],
  ['project.group_project_manager', 'Administrator'],
  ['hr_timesheet.group_hr_timesheet_user', 'User: own timesheets only'],
  ['stock.group_stock_user', 'User'],
  ['stock.group_stock_manager', 'Administrator'],
];

const LANGUAGES: Array<[string, string, boolean]> = [
  ['en_US', 'English (US)', true],
  ['de_DE', 'German / Deutsch', false],
  ['fr_FR', 'French / Français', false],
  ['es_ES', 'Spanish / Español', false],
  ['nl_NL', 'Dutch / Nederlands', false],
];

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF'];
/** Odoo ships every currency but activates few: these start inactive. */
const INACTIVE_CURRENCIES = ['SEK', 'JPY'];
const COUNTRIES: Array<[string, string]> = [
  ['US', 'United States'],
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['CH', 'Switzerland'],
  ['NL', 'Netherlands'],
  ['ES', 'Spain'],
  ['SE', 'Sweden'],
];
const MODULE_STATES: ModuleState[] = ['uninstallable', 'uninstalled', 'installed', 'to upgrade', 'to remove', 'to install'];

function requireAdmin(env: CallEnv): void {
  if (!env.isAdmin()) throw OdooFault.accessDenied();
}

function moduleOperation(env: CallEnv, ids: unknown, apply: (env: CallEnv, module: DoubleRecord) => void): Record<string, unknown> {
  requireAdmin(env);
  // Odoo takes ir_cron FOR UPDATE NOWAIT first and refuses while a cron holds it
  if (env.takeScheduledActionBusy()) throw OdooFault.user(SCHEDULED_ACTION_MESSAGE);
  for (const id of ids as number[]) {
    const module = env.store.get('ir.module.module', id);
    if (!module) throw OdooFault.user(`Record does not exist or has been deleted.\n(Record: ir.module.module(${id},), User: ${env.uid})`);
    apply(env, module);
  }
  return { type: 'ir.actions.client', tag: 'reload', params: { menu_id: 1 } };
}

export function installModule(store: RecordStore, module: DoubleRecord): void {
  if (module.state === 'installed') return;
  if (module.state === 'uninstallable') throw OdooFault.user(`You try to install module "${String(module.name)}" that depends on module "${String(module.name)}".\nBut the latter module is not available in your system.`);
  for (const dependency of (module.depends as string[]) ?? []) {
    const found = store.find('ir.module.module', (record) => record.name === dependency);
    if (!found) throw OdooFault.user(`You try to install module "${String(module.name)}" that depends on module "${dependency}".\nBut the latter module is not available in your system.`);
    installModule(store, found);
  }
  module.state = 'installed';
  for (const [xmlId, name] of GROUPS) if (xmlId.startsWith(`${String(module.name)}.`)) ensureXmlId(store, xmlId, 'res.groups', { name });
}

function uninstallModule(store: RecordStore, module: DoubleRecord): void {
  if (module.name === 'base') throw OdooFault.user('The `base` module cannot be uninstalled');
  if (module.state !== 'installed') return;
  module.state = 'uninstalled';
  for (const dependent of store.all('ir.module.module')) if (((dependent.depends as string[]) ?? []).includes(String(module.name))) uninstallModule(store, dependent);
}

export function ensureXmlId(store: RecordStore, xmlId: string, model: string, values: Record<string, unknown>): number {
  const [module, name] = xmlId.split('.');
  const existing = store.find('ir.model.data', (row) => row.module === module && row.name === name);
  if (existing) return existing.res_id as number;
  const record = store.insert(model, values);
  store.insert('ir.model.data', { module, name, model, res_id: record.id, noupdate: false });
  return record.id;
}

export function groupId(store: RecordStore, xmlId: string): number {
  const [module, name] = xmlId.split('.');
  const row = store.find('ir.model.data', (data) => data.module === module && data.name === name);
  if (!row) throw new Error(`the double has no ${xmlId}`);
  return row.res_id as number;
}

const irModule: ModelDef = {
  name: 'ir.module.module',
  description: 'Module',
  fields: () => ({
    name: { type: 'char', required: true },
    shortdesc: { type: 'char' },
    state: { type: 'selection', selection: MODULE_STATES, default: 'uninstalled' },
  }),
  methods: {
    button_immediate_install: (env, [ids]) => moduleOperation(env, ids, (inner, module) => installModule(inner.store, module)),
    button_immediate_uninstall: (env, [ids]) => moduleOperation(env, ids, (inner, module) => uninstallModule(inner.store, module)),
    // reloads an installed module's code and data; the double keeps no module content, so only the state rules apply
    button_immediate_upgrade: (env, [ids]) =>
      moduleOperation(env, ids, (_inner, module) => {
        if (module.state !== 'installed') throw OdooFault.user(`Can not upgrade module "${String(module.name)}". It is not installed.`);
      }),
    update_list: (env) => {
      requireAdmin(env);
      return env.updateModuleList();
    },
  },
};

const irModelData: ModelDef = {
  name: 'ir.model.data',
  description: 'Model Data',
  fields: () => ({ module: { type: 'char', required: true }, name: { type: 'char', required: true }, model: { type: 'char', required: true }, res_id: { type: 'integer' }, noupdate: { type: 'boolean' } }),
};

const resGroups: ModelDef = {
  name: 'res.groups',
  description: 'Access Groups',
  fields: () => ({ name: { type: 'char', required: true } }),
};

const resUsers: ModelDef = {
  name: 'res.users',
  description: 'User',
  fields: (env) => ({
    name: { type: 'char', required: true },
    login: { type: 'char', required: true },
    password: { type: 'char', writeOnly: true },
    email: { type: 'char' },
    active: { type: 'boolean', default: true },
    lang: { type: 'char', default: 'en_US' },
    tz: { type: 'char' },
    company_id: { type: 'many2one', relation: 'res.company', default: 1 },
    [env.groupsField]: { type: 'many2many', relation: 'res.groups' },
  }),
  validate: (env, user) => {
    if (env.store.all('res.users').some((other) => other.id !== user.id && other.login === user.login)) {
      throw OdooFault.user('The operation cannot be completed: You can not have two users with the same login !');
    }
    if (user.lang && !env.store.find('res.lang', (lang) => lang.code === user.lang && lang.active !== false)) {
      throw OdooFault.python('ValueError', `Wrong value for res.users.lang: '${String(user.lang)}'`, 'odoo/fields.py", line 2933, in convert_to_cache');
    }
    const groups = user[env.groupsField] as number[];
    if (!groups.length) user[env.groupsField] = [groupId(env.store, 'base.group_user')];
  },
  beforeUnlink: (env, user) => {
    if (user.id <= 2) throw OdooFault.user('You can not remove the admin user as it is used internally for resources created by Odoo (updates, module installation, ...)');
    // records created by the user keep a foreign key to it (create_uid, ondelete restrict in effect): PostgreSQL refuses, Odoo says archive
    if (env.store.all('account.move.line').some((line) => line.create_uid === user.id)) {
      throw OdooFault.user(
        'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Journal Item (account.move.line), Constraint: account_move_line_create_uid_fkey',
      );
    }
  },
};

const resLang: ModelDef = {
  name: 'res.lang',
  description: 'Languages',
  fields: () => ({ name: { type: 'char', required: true }, code: { type: 'char', required: true }, active: { type: 'boolean', default: false } }),
};

const languageWizard: ModelDef = {
  name: 'base.language.install',
  description: 'Install Language',
  fields: () => ({ lang_ids: { type: 'many2many', relation: 'res.lang' }, overwrite: { type: 'boolean', default: false } }),
  methods: {
    lang_install: (env, [ids]) => {
      for (const id of ids as number[]) {
        const wizard = env.store.get('base.language.install', id);
        if (!wizard) throw OdooFault.user('Record does not exist or has been deleted.');
        for (const langId of wizard.lang_ids as number[]) env.store.get('res.lang', langId)!.active = true;
      }
      return { type: 'ir.actions.client', tag: 'display_notification', params: { message: 'The language has been successfully installed.', sticky: false } };
    },
  },
};

const resCurrency: ModelDef = {
  name: 'res.currency',
  description: 'Currency',
  fields: () => ({ name: { type: 'char', required: true }, active: { type: 'boolean', default: true } }),
};

const resCompany: ModelDef = {
  name: 'res.company',
  description: 'Companies',
  fields: () => ({
    name: { type: 'char', required: true },
    currency_id: { type: 'many2one', relation: 'res.currency', required: true },
    country_id: { type: 'many2one', relation: 'res.country' },
    fiscalyear_last_day: { type: 'integer', module: 'account', default: 31 },
    fiscalyear_last_month: { type: 'selection', module: 'account', selection: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'], default: '12' },
  }),
  validate: (env, company, previous) => {
    if (previous && previous.currency_id !== company.currency_id && env.store.all('account.move.line').length) {
      throw OdooFault.user("You cannot change the currency of the company since some journal items already exist");
    }
    if (company.fiscalyear_last_month !== undefined) {
      // a leap year, as Odoo does, so 29 February is accepted
      const days = new Date(Date.UTC(2020, Number(company.fiscalyear_last_month), 0)).getUTCDate();
      const day = Number(company.fiscalyear_last_day);
      if (!Number.isInteger(day) || day < 1 || day > days) throw OdooFault.user(`Invalid fiscal year last day`);
    }
  },
};

const resCountry: ModelDef = {
  name: 'res.country',
  description: 'Country',
  fields: () => ({ name: { type: 'char', required: true }, code: { type: 'char' } }),
};

/** Only whether journal items exist matters here (currency changes, deleting their author). */
const accountMoveLine: ModelDef = {
  name: 'account.move.line',
  description: 'Journal Item',
  module: 'account',
  fields: () => ({ name: { type: 'char' }, create_uid: { type: 'many2one', relation: 'res.users' } }),
};

const crmLead: ModelDef = {
  name: 'crm.lead',
  description: 'Lead/Opportunity',
  module: 'crm',
  fields: () => ({
    name: { type: 'char', required: true },
    contact_name: { type: 'char' },
    email_from: { type: 'char' },
    phone: { type: 'char' },
    // the "Company Name" of a lead not yet linked to a partner
    partner_name: { type: 'char' },
    description: { type: 'html' },
    type: { type: 'selection', selection: ['lead', 'opportunity'], default: 'lead' },
    active: { type: 'boolean', default: true },
  }),
};

export const MODELS: ModelDef[] = [irModule, irModelData, resGroups, resUsers, resLang, languageWizard, resCurrency, resCompany, crmLead, resCountry, accountMoveLine];

export interface SeedOptions {
  edition: 'community' | 'enterprise';
  adminLogin: string;
  adminPassword: string;
  groupsField: 'groups_id' | 'group_ids';
  installed: string[];
}

/** A fresh database: base installed, admin as uid 2 (uid 1 is OdooBot/__system__, never a login). */
export function seed(store: RecordStore, options: SeedOptions): void {
  for (const addon of STANDARD_ADDONS) {
    const state: ModuleState = addon.enterprise && options.edition === 'community' ? 'uninstallable' : 'uninstalled';
    store.insert('ir.module.module', { name: addon.name, shortdesc: addon.shortdesc, state, depends: addon.depends ?? [] });
  }
  const modules = (name: string) => store.find('ir.module.module', (module) => module.name === name)!;
  installModule(store, modules('base'));
  for (const code of CURRENCIES) store.insert('res.currency', { name: code, active: true });
  for (const code of INACTIVE_CURRENCIES) store.insert('res.currency', { name: code, active: false });
  for (const [code, name] of COUNTRIES) store.insert('res.country', { code, name });
  store.insert('res.company', { name: 'My Company', currency_id: 1, fiscalyear_last_day: 31, fiscalyear_last_month: '12' });
  for (const [code, name, active] of LANGUAGES) store.insert('res.lang', { code, name, active });
  const admin = [groupId(store, 'base.group_user'), groupId(store, 'base.group_erp_manager'), groupId(store, 'base.group_system')];
  store.insert('res.users', { name: 'OdooBot', login: '__system__', active: false, lang: 'en_US', company_id: 1, [options.groupsField]: admin });
  store.insert('res.users', { name: 'Administrator', login: options.adminLogin, password: options.adminPassword, active: true, lang: 'en_US', company_id: 1, [options.groupsField]: admin });
  for (const name of options.installed) installModule(store, modules(name));
}
