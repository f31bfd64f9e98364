import { inspect } from 'node:util';
import {
  OdooAccessDeniedError,
  OdooAccessError,
  OdooApi,
  OdooAuthenticationError,
  OdooClient,
  OdooClientOptions,
  OdooModuleUnavailableError,
  OdooServerError,
  OdooTimeoutError,
  OdooTransportError,
  OdooUserError,
} from '@bf/odoo';
import { OdooDouble, OdooDoubleOptions } from '../doubles/odoo-xmlrpc.double';

const PASSWORD = 'Sup3r-s3cret-admin-pw';

describe('OdooClient over XML-RPC against the Odoo double', () => {
  const doubles: OdooDouble[] = [];
  afterEach(async () => {
    await Promise.all(doubles.splice(0).map((double) => double.close()));
  });

  async function connect(options: OdooDoubleOptions = {}, clientOptions: OdooClientOptions = {}, login = 'admin', password = PASSWORD) {
    const double = await OdooDouble.start({ db: 'acme', login: 'admin', password: PASSWORD, ...options });
    doubles.push(double);
    const client = new OdooClient({ url: double.url, db: 'acme', login, password }, { retry: { initialDelayMs: 5 }, ...clientOptions });
    return { double, client, api: new OdooApi(client) };
  }

  describe('version and authentication', () => {
    it.each([
      ['17.0', 17, 0, false, 'groups_id'],
      ['18.0', 18, 0, false, 'groups_id'],
      ['18.1', 18, 1, false, 'group_ids'],
      ['saas~18.1', 18, 1, true, 'group_ids'],
      ['19.0', 19, 0, false, 'group_ids'],
    ])('Odoo %s → %i.%i (saas %s), users field %s', async (version, major, minor, saas, field) => {
      const { client, api, double } = await connect({ version });
      expect(await client.version()).toEqual({ serverVersion: version, major, minor, saas });
      expect(await api.usersGroupsField()).toBe(field);
      const userGroup = await api.xmlIdToResId('base.group_user');
      const id = await api.create('res.users', { name: 'Ann', login: 'ann', [field]: [[6, 0, [userGroup]]] });
      expect(double.store.get('res.users', id)?.[field]).toEqual([userGroup]);
      const wrong = field === 'groups_id' ? 'group_ids' : 'groups_id';
      // real Odoo raises ValueError("Invalid field …") for unknown fields: fault 1, not 2
      await expect(api.create('res.users', { name: 'Bob', login: 'bob', [wrong]: [[6, 0, [userGroup]]] })).rejects.toThrow(
        new OdooServerError('res.users.create', `ValueError: Invalid field '${wrong}' on model 'res.users'`, ''),
      );
    });

    it("reads a saas version whose first element is 'saas~17.1'", async () => {
      const { client } = await connect({ version: 'saas~17.1', versionInfo: ['saas~17.1', 0, 0, 'final', 0, ''] });
      expect(await client.version()).toMatchObject({ major: 17, minor: 1, saas: true });
    });

    it('authenticates to the admin uid, and turns False into a typed error', async () => {
      expect(await (await connect()).client.authenticate()).toBe(2);
      const { client, double } = await connect({}, {}, 'admin', 'not-the-password');
      await expect(client.executeKw('res.users', 'search', [[]])).rejects.toBeInstanceOf(OdooAuthenticationError);
      expect(double.calls.map((call) => call.method)).toEqual(['authenticate']);
      expect(double.calls.some((call) => call.fault)).toBe(false);
    });
  });

  describe('faults', () => {
    it('1: unknown method, with the traceback\'s last line as the message', async () => {
      const { client } = await connect();
      const error = (await client.executeKw('res.users', 'frobnicate').catch((caught: unknown) => caught)) as OdooServerError;
      expect(error).toBeInstanceOf(OdooServerError);
      expect(error.odooMessage).toBe("AttributeError: The method 'frobnicate' does not exist on the model 'res.users'");
      expect(error.faultString).toMatch(/^Traceback \(most recent call last\):\n/);
    });

    it('1: a method returning None cannot be marshalled', async () => {
      const { client, double } = await connect();
      const [lang] = await client.executeKw<number[]>('res.lang', 'search', [[['code', '=', 'de_DE']]], { context: { active_test: false } });
      await expect(client.executeKw('res.lang', 'toggle_active', [[lang]])).rejects.toThrow('res.lang.toggle_active: TypeError: cannot marshal None unless allow_none is enabled');
      expect(double.language('de_DE')?.active).toBe(true); // the work was done; only the answer failed
    });

    it('2: unknown model, missing required field, duplicate login', async () => {
      const { api } = await connect();
      await expect(api.create('crm.lead', { name: 'Lead' })).rejects.toThrow(new OdooUserError('crm.lead.create', "Object crm.lead doesn't exist", ''));
      await api.installModule('crm');
      const failure = await api.create('crm.lead', { contact_name: 'No Name' }).catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(OdooUserError);
      expect((failure as OdooUserError).odooMessage).toContain('a mandatory field is not set');
      expect(await api.create('crm.lead', { name: 'Website enquiry', email_from: 'a@b.c', type: 'lead' })).toBeGreaterThan(0);
      await expect(api.create('res.users', { name: 'Admin again', login: 'admin' })).rejects.toThrow(/two users with the same login/);
    });

    it('3: wrong password on an object call, and a non-admin running module operations', async () => {
      const { double, client } = await connect();
      await client.authenticate();
      double.store.get('res.users', 2)!.password = 'rotated';
      await expect(client.executeKw('res.users', 'search', [[]])).rejects.toBeInstanceOf(OdooAccessDeniedError);
      double.addUser('clerk', 'clerk-pw');
      const clerk = new OdooApi(new OdooClient({ url: double.url, db: 'acme', login: 'clerk', password: 'clerk-pw' }));
      await expect(clerk.installModule('crm')).rejects.toThrow(new OdooAccessDeniedError('ir.module.module.button_immediate_install', 'Access Denied', ''));
      expect(double.moduleState('crm')).toBe('uninstalled');
    });

    it('4: private methods', async () => {
      const { client } = await connect();
      await expect(client.executeKw('res.users', '_compute_x', [[2]])).rejects.toThrow(new OdooAccessError('res.users._compute_x', 'Private methods (such as _compute_x) cannot be called remotely.', ''));
    });
  });

  describe('secrets', () => {
    it('keeps the password out of errors, thrown objects and logs even when Odoo echoes it', async () => {
      const lines: string[] = [];
      const logger = { debug: (fields: object, message: string) => void lines.push(message + JSON.stringify(fields)), warn: (fields: object, message: string) => void lines.push(message + JSON.stringify(fields)) };
      const { api } = await connect({}, { logger });
      const error = await api.search('res.users', [['no_such_field', '=', PASSWORD]]).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OdooServerError);
      expect((error as Error).message).toBe("res.users.search: ValueError: Invalid field res.users.no_such_field in leaf ('no_such_field', '=', '***')");
      expect(`${inspect(error)} ${JSON.stringify(error)} ${(error as Error).stack} ${lines.join('\n')}`).not.toContain(PASSWORD);
      expect(lines.length).toBeGreaterThan(0);
    });

    it('sends proxy credentials from the URL as basic auth and never shows them', async () => {
      const { double } = await connect();
      const client = new OdooClient({ url: double.url.replace('http://', 'http://gate:gate-secret@'), db: 'acme', login: 'admin', password: PASSWORD });
      expect(await client.authenticate()).toBe(2);
      expect(double.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('gate:gate-secret').toString('base64')}`);
      expect(client.url).not.toContain('gate-secret');
    });
  });

  describe('retries and timeouts', () => {
    it('retries "currently processing a scheduled action" with backoff, then installs', async () => {
      const { double, api } = await connect();
      double.injectScheduledActionBusy(2);
      expect(await api.installModule('crm')).toMatchObject({ name: 'crm', state: 'installed' });
      expect(double.calls.filter((call) => call.modelMethod === 'button_immediate_install').map((call) => call.fault)).toEqual([2, 2, undefined]);
    });

    it('gives up after the bounded attempts with the typed fault', async () => {
      const { double, api } = await connect({}, { retry: { attempts: 2, initialDelayMs: 1 } });
      double.injectScheduledActionBusy(5);
      await expect(api.installModule('crm')).rejects.toThrow(OdooUserError);
      expect(double.calls.filter((call) => call.modelMethod === 'button_immediate_install')).toHaveLength(2);
    });

    it('times out a slow answer with the short deadline, but waits for module operations', async () => {
      const { double, client, api } = await connect({}, { timeouts: { defaultMs: 1_000, moduleOperationMs: 5_000 } });
      await client.authenticate();
      double.latencyMs = 1_300;
      const started = Date.now();
      const error = await client.executeKw('res.users', 'search', [[]]).catch((caught: unknown) => caught);
      expect(error).toEqual(new OdooTimeoutError('res.users.search', 1_000));
      expect(Date.now() - started).toBeLessThan(1_250);
      await expect(client.executeKw('ir.module.module', 'update_list')).resolves.toEqual([0, 0]);
      double.latencyMs = 0;
      await expect(api.findModule('crm')).resolves.toMatchObject({ state: 'uninstalled' });
    });

    it('reports a server that is not Odoo XML-RPC as a transport error', async () => {
      const { double } = await connect();
      const client = new OdooClient({ url: `${double.url}/web`, db: 'acme', login: 'admin', password: PASSWORD });
      await expect(client.version()).rejects.toMatchObject({ constructor: OdooTransportError, reason: 'http', status: 404 });
    });
  });

  describe('helpers against the double', () => {
    it('sends x2many commands as nested arrays and Odoo applies them', async () => {
      const { double, api } = await connect();
      await api.installModule('crm');
      const [user, sales] = [await api.xmlIdToResId('base.group_user'), await api.xmlIdToResId('sales_team.group_sale_salesman')];
      const id = await api.create('res.users', { name: 'Sam', login: 'sam', groups_id: [[6, 0, [user]], [4, sales, 0]] });
      expect(double.calls.at(-1)?.args).toEqual([{ name: 'Sam', login: 'sam', groups_id: [[6, 0, [user]], [4, sales, 0]] }]);
      expect(double.requests.at(-1)?.body).toContain(`<name>groups_id</name><value><array><data><value><array><data><value><int>6</int></value><value><int>0</int></value><value><array><data><value><int>${user}</int></value>`);
      expect(double.user('sam')?.groups_id).toEqual([user, sales]);
      await api.write('res.users', [id], { active: false });
      expect(await api.search('res.users', [['login', '=', 'sam']])).toEqual([]);
      expect(await api.search('res.users', [['login', '=', 'sam']], { context: { active_test: false } })).toEqual([id]);
      await api.unlink('res.users', [id]);
      expect(double.user('sam')).toBeUndefined();
      expect(double.calls.at(-1)).toMatchObject({ modelMethod: 'unlink', args: [[id]] });
    });

    it('activates a language through base.language.install', async () => {
      const { double, api } = await connect();
      expect(await api.search('res.lang', [['code', '=', 'de_DE']])).toEqual([]); // inactive, hidden by active_test
      expect(await api.findLanguage('de_DE')).toMatchObject({ code: 'de_DE', active: false });
      expect(await api.activateLanguage('de_DE')).toMatchObject({ code: 'de_DE', active: true });
      const wizard = double.calls.find((call) => call.model === 'base.language.install' && call.modelMethod === 'create');
      expect(wizard?.args).toEqual([{ lang_ids: [[6, 0, [double.language('de_DE')!.id]]], overwrite: false }]);
      expect(double.calls.find((call) => call.modelMethod === 'lang_install')?.args).toEqual([[double.records('base.language.install')[0].id]]);
      expect(double.language('de_DE')?.active).toBe(true);
      await expect(api.create('res.users', { name: 'Dora', login: 'dora', lang: 'de_DE' })).resolves.toBeGreaterThan(0);
      await expect(api.activateLanguage('xx_XX')).rejects.toThrow(/no language with code 'xx_XX'/);
    });

    it('looks up, installs and uninstalls modules, with dependencies, Enterprise and update_list', async () => {
      const { double, api } = await connect();
      expect(await api.findModule('hr_timesheet')).toMatchObject({ name: 'hr_timesheet', state: 'uninstalled', shortdesc: 'Task Logs' });
      expect(await api.installModule('hr_timesheet')).toMatchObject({ state: 'installed' });
      expect([double.moduleState('project'), double.moduleState('hr')]).toEqual(['installed', 'installed']);
      expect(await api.xmlIdToResId('project.group_project_user')).toBe(double.xmlId('project.group_project_user'));
      await expect(api.installModule('helpdesk')).rejects.toBeInstanceOf(OdooModuleUnavailableError);
      expect(await api.findModule('bf_custom')).toBeUndefined();
      double.addAddon({ name: 'bf_custom', shortdesc: 'Custom', depends: ['base'] });
      await api.updateModuleList();
      expect(await api.installModule('bf_custom')).toMatchObject({ state: 'installed' });
      expect(await api.uninstallModule('project')).toMatchObject({ state: 'uninstalled' });
      expect(double.moduleState('hr_timesheet')).toBe('uninstalled');
    });

    it('sets fiscal year fields only once account is installed, validating the day', async () => {
      const { api } = await connect();
      await expect(api.write('res.company', [1], { fiscalyear_last_day: 31, fiscalyear_last_month: '3' })).rejects.toThrow(/Invalid field 'fiscalyear_last_day'/);
      const fieldsBefore = await api.client.executeKw<Record<string, unknown>>('res.company', 'fields_get', [], { attributes: ['type'] });
      expect(fieldsBefore).not.toHaveProperty('fiscalyear_last_day');
      await api.installModule('account');
      expect(await api.client.executeKw('res.company', 'fields_get', [['fiscalyear_last_month']], { attributes: ['type'] })).toMatchObject({ fiscalyear_last_day: { type: 'integer' } });
      await expect(api.write('res.company', [1], { fiscalyear_last_day: 31, fiscalyear_last_month: '4' })).rejects.toThrow(new OdooUserError('res.company.write', 'Invalid fiscal year last day', ''));
      await api.write('res.company', [1], { fiscalyear_last_day: 29, fiscalyear_last_month: '2', currency_id: 2 });
      expect(await api.read('res.company', [1], ['fiscalyear_last_day', 'fiscalyear_last_month', 'currency_id'])).toEqual([
        { id: 1, fiscalyear_last_day: 29, fiscalyear_last_month: '2', currency_id: [2, 'EUR'] },
      ]);
      expect(await api.searchCount('res.currency', [['name', 'in', ['EUR', 'USD']]])).toBe(2);
    });
  });
});
