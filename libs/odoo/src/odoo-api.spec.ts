import { OdooModuleUnavailableError, OdooNotFoundError } from './errors';
import { OdooApi } from './odoo-api';
import { OdooClient } from './odoo-client';

type Reply = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) => unknown;

/** Records execute_kw calls (model, method, args, kwargs) and answers through `reply`. */
function apiWith(reply: Reply = () => true, version = { serverVersion: '17.0', major: 17, minor: 0, saas: false }) {
  const calls: unknown[][] = [];
  const client = {
    version: async () => version,
    executeKw: async (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => {
      calls.push([model, method, args, kwargs]);
      return reply(model, method, args, kwargs);
    },
  } as unknown as OdooClient;
  return { api: new OdooApi(client), calls };
}

describe(OdooApi.name, () => {
  it('shapes CRUD calls as Odoo expects: ids first for record methods', async () => {
    const { api, calls } = apiWith((_, method) => (method === 'create' ? 7 : method === 'search_count' ? 0 : method === 'write' || method === 'unlink' ? true : []));
    await api.search('res.users', [['login', '=', 'a']], { limit: 1 });
    await api.searchRead('res.lang', [['code', '=', 'de_DE']], ['active'], { context: { active_test: false } });
    await api.searchCount('crm.lead', []);
    await api.read('res.users', [1, 2], ['login']);
    expect(await api.create('res.users', { name: 'A', login: 'a', groups_id: [[6, 0, [1]], [4, 9, 0]] })).toBe(7);
    await api.write('res.users', [7], { active: false });
    await api.unlink('res.users', [7]);
    expect(calls).toEqual([
      ['res.users', 'search', [[['login', '=', 'a']]], { limit: 1 }],
      ['res.lang', 'search_read', [[['code', '=', 'de_DE']]], { fields: ['active'], context: { active_test: false } }],
      ['crm.lead', 'search_count', [[]], {}],
      ['res.users', 'read', [[1, 2]], { fields: ['login'] }],
      ['res.users', 'create', [{ name: 'A', login: 'a', groups_id: [[6, 0, [1]], [4, 9, 0]] }], {}],
      ['res.users', 'write', [[7], { active: false }], {}],
      ['res.users', 'unlink', [[7]], {}],
    ]);
  });

  it('resolves XML ids through ir.model.data and says which one is missing', async () => {
    const { api, calls } = apiWith((_, __, args) => (JSON.stringify(args).includes('group_user') ? [{ id: 40, res_id: 1 }] : []));
    expect(await api.xmlIdToResId('base.group_user')).toBe(1);
    expect(calls[0]).toEqual(['ir.model.data', 'search_read', [[['module', '=', 'base'], ['name', '=', 'group_user']]], { fields: ['res_id'], limit: 1 }]);
    await expect(api.xmlIdToResId('project.group_project_user')).rejects.toThrow(new OdooNotFoundError("Odoo has no record with XML id 'project.group_project_user' (is its module installed?)"));
    await expect(api.xmlIdToResId('nodot')).rejects.toThrow(OdooNotFoundError);
  });

  it('installs with button_immediate_install([[id]]) and skips modules already installed', async () => {
    let state = 'uninstalled';
    const { api, calls } = apiWith((_, method) => {
      if (method === 'button_immediate_install') state = 'installed';
      return method === 'search_read' ? [{ id: 12, name: 'crm', state, shortdesc: 'CRM' }] : { type: 'ir.actions.client' };
    });
    expect(await api.installModule('crm')).toMatchObject({ state: 'installed' });
    expect(calls[1]).toEqual(['ir.module.module', 'button_immediate_install', [[12]], {}]);
    calls.length = 0;
    await api.installModule('crm');
    expect(calls.map((call) => call[1])).toEqual(['search_read']);
  });

  it('refuses uninstallable modules before calling Odoo, and unknown ones clearly', async () => {
    const { api } = apiWith((_, __, args) => (JSON.stringify(args).includes('helpdesk') ? [{ id: 3, name: 'helpdesk', state: 'uninstallable', shortdesc: 'Helpdesk' }] : []));
    await expect(api.installModule('helpdesk')).rejects.toBeInstanceOf(OdooModuleUnavailableError);
    await expect(api.installModule('nope')).rejects.toThrow(/no module 'nope'/);
  });

  it('activates a language with the wizard: create {lang_ids: [[6,0,[id]]], overwrite: false}, then lang_install([[wizard]])', async () => {
    let active = false;
    const { api, calls } = apiWith((model, method) => {
      if (method === 'lang_install') active = true;
      if (method === 'create') return 31;
      return model === 'res.lang' ? [{ id: 4, code: 'de_DE', name: 'German', active }] : {};
    });
    expect(await api.activateLanguage('de_DE')).toMatchObject({ active: true });
    expect(calls).toEqual([
      ['res.lang', 'search_read', [[['code', '=', 'de_DE']]], { fields: ['code', 'name', 'active'], limit: 1, context: { active_test: false } }],
      ['base.language.install', 'create', [{ lang_ids: [[6, 0, [4]]], overwrite: false }], {}],
      ['base.language.install', 'lang_install', [[31]], {}],
      ['res.lang', 'search_read', [[['code', '=', 'de_DE']]], { fields: ['code', 'name', 'active'], limit: 1, context: { active_test: false } }],
    ]);
  });

  it('picks the users group field from the server version', async () => {
    expect(await apiWith(undefined, { serverVersion: '18.0', major: 18, minor: 0, saas: false }).api.usersGroupsField()).toBe('groups_id');
    expect(await apiWith(undefined, { serverVersion: 'saas~18.1', major: 18, minor: 1, saas: true }).api.usersGroupsField()).toBe('group_ids');
  });
});
