import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@bf/config';
import { createDataSource } from '@bf/persistence';
import { PermanentStepError, StepContext, StepOutcome } from '@bf/step-sdk';
import { ConfigureFiscalStep } from '../../apps/odoo/src/configure-fiscal.step';
import { CreateUsersStep } from '../../apps/odoo/src/create-users.step';
import { InstallModulesStep } from '../../apps/odoo/src/install-modules.step';
import { OdooConnection } from '../../apps/odoo/src/odoo-connection';
import { OdooDouble, OdooDoubleOptions } from '../doubles/odoo-xmlrpc.double';
import { currentTestEnv } from '../support/test-env';

const PASSWORD = 'Adm1n-pw-never-shown-7f3a';

/**
 * The ERP provisioning steps, live, against the Odoo double over real HTTP
 * (XML-RPC), with the change journal in the test run's PostgreSQL.
 */
describe('Odoo provisioning steps against the Odoo double', () => {
  let dataSource: DataSource;
  const doubles: OdooDouble[] = [];
  /** Everything the steps returned or threw, checked for the password at the end. */
  const seen: unknown[] = [];

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 2 });
    await dataSource.initialize();
  });

  afterEach(async () => {
    await Promise.all(doubles.splice(0).map((double) => double.close()));
  });

  afterAll(async () => {
    await dataSource.destroy();
    const text = JSON.stringify(seen, (_key, value) => (Buffer.isBuffer(value) ? value.toString('utf8') : value instanceof Error ? `${value.name}: ${value.message}` : value));
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toContain(PASSWORD);
  });

  async function odoo(options: OdooDoubleOptions = {}, moduleTimeoutMs = 5000) {
    const double = await OdooDouble.start({ db: 'acme', login: 'admin', password: PASSWORD, ...options });
    doubles.push(double);
    const connection = new OdooConnection(loadConfig({ ODOO_URL: double.url, ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: PASSWORD, ODOO_TIMEOUT_MS: '5000', ODOO_MODULE_TIMEOUT_MS: String(moduleTimeoutMs) }));
    return { double, modules: new InstallModulesStep(connection, dataSource), users: new CreateUsersStep(connection, dataSource), fiscal: new ConfigureFiscalStep(connection, dataSource) };
  }

  const context = (parameters: Record<string, unknown>, options: { key?: string; last?: boolean; dryRun?: boolean } = {}): StepContext => ({
    tenantId: 'tenant_default',
    planId: 'plan_odoo',
    runId: 'run_odoo',
    stepId: 'step_odoo',
    attempt: 1,
    isLastAttempt: options.last ?? false,
    dryRun: options.dryRun ?? false,
    idempotencyKey: options.key ?? `run_${randomBytes(4).toString('hex')}:step_odoo`,
    parameters,
    templateId: null,
    runState: {},
  });

  async function run(call: Promise<StepOutcome>): Promise<StepOutcome> {
    const outcome = await call;
    seen.push(outcome);
    return outcome;
  }

  async function failure(call: Promise<unknown>): Promise<Error> {
    const error = await call.then(
      () => new Error('expected the step to fail'),
      (thrown: Error) => thrown,
    );
    seen.push(error);
    return error;
  }

  const artifact = (outcome: StepOutcome, name: string) => {
    const found = outcome.artifacts?.find((item) => item.name === name);
    expect(found).toBeDefined();
    return { text: String(found!.content), json: JSON.parse(String(found!.content)) };
  };
  const installCalls = (double: OdooDouble) => double.calls.filter((call) => call.modelMethod === 'button_immediate_install').length;

  describe('odoo.install_modules', () => {
    it('installs what is missing, skips what was there (not ours), and keeps that on a redelivered attempt', async () => {
      const { double, modules } = await odoo({ installed: ['crm'] });
      const ctx = context({ modules: ['crm', 'timesheets'] });
      const first = await run(modules.execute(ctx));
      expect(first.result.modules).toEqual([
        { name: 'crm', previous_state: 'installed', state: 'installed', installed_by_us: false },
        { name: 'hr_timesheet', previous_state: 'uninstalled', state: 'installed', installed_by_us: true },
      ]);
      expect(first.result.dependencies_installed).toEqual(['hr', 'project']);
      expect(first.outputs).toEqual({ odoo_modules: ['crm', 'hr_timesheet'] });
      const exported = artifact(first, 'installed_modules.json');
      expect(exported.json.modules[0]).toEqual({ installed_by_us: false, name: 'crm', previous_state: 'installed', state: 'installed' });
      expect(Object.keys(exported.json.modules[1])).toEqual(['installed_by_us', 'name', 'previous_state', 'state']);

      const calls = installCalls(double);
      const again = await run(modules.execute(ctx));
      expect(again.result).toEqual(first.result);
      expect(artifact(again, 'installed_modules.json').text).toBe(exported.text);
      expect(installCalls(double)).toBe(calls);
    });

    it('rollback uninstalls only the modules it installed, newest first, and is safe to run twice', async () => {
      const { double, modules } = await odoo({ installed: ['crm'] });
      const ctx = context({ modules: ['crm', 'projects', 'inventory'] });
      const done = await run(modules.execute(ctx));
      const undone = await run(modules.rollback(ctx, done));
      expect(undone.result.actions).toEqual([
        { name: 'stock', action: 'uninstalled' },
        { name: 'project', action: 'uninstalled' },
      ]);
      expect(undone.result.left_alone).toEqual(['crm: installed before this step, not ours to remove']);
      expect(double.moduleState('crm')).toBe('installed');
      expect(double.moduleState('project')).toBe('uninstalled');
      expect(double.moduleState('stock')).toBe('uninstalled');
      const twice = await run(modules.rollback(ctx, done));
      expect(twice.result.actions).toEqual([
        { name: 'stock', action: 'already_uninstalled' },
        { name: 'project', action: 'already_uninstalled' },
      ]);
    });

    it('refuses an Enterprise module on Community by name and undoes what it had installed', async () => {
      const { double, modules } = await odoo();
      const error = await failure(modules.execute(context({ modules: ['crm', 'helpdesk'] })));
      expect(error).toBeInstanceOf(PermanentStepError);
      expect(error.message).toMatch(/cannot install 'helpdesk': it is an Odoo Enterprise module/);
      expect(error.message).toMatch(/the step undid its installs: uninstalled crm/);
      expect(double.moduleState('crm')).toBe('uninstalled');
      expect(double.moduleState('helpdesk')).toBe('uninstallable');
    });

    it('waits out "currently processing a scheduled action" through the client', async () => {
      const { double, modules } = await odoo();
      double.injectScheduledActionBusy(1);
      const done = await run(modules.execute(context({ modules: ['crm'] })));
      expect(done.result.modules).toEqual([{ name: 'crm', previous_state: 'uninstalled', state: 'installed', installed_by_us: true }]);
      expect(double.calls.filter((call) => call.modelMethod === 'button_immediate_install' && call.fault === 2)).toHaveLength(1);
    }, 20_000);

    it('reads the module again when an install outlasts the deadline, and counts a finished install as its own', async () => {
      const { double, modules } = await odoo({}, 1000);
      double.moduleOperationDelayMs = 1500;
      const done = await run(modules.execute(context({ modules: ['crm'] })));
      expect(done.result.modules).toEqual([{ name: 'crm', previous_state: 'uninstalled', state: 'installed', installed_by_us: true }]);
      expect(installCalls(double)).toBe(1);
    }, 20_000);

    it('keeps its dry run as it was', async () => {
      const { modules } = await odoo();
      const dry = await modules.dryRun(context({ modules: ['crm'], technical_names: ['crm'], enterprise_only: [] }, { dryRun: true }));
      expect(dry.outputs).toEqual({ odoo_modules: ['crm'] });
      expect(dry.result.mode).toBe('dry_run');
    });
  });

  describe('odoo.create_users', () => {
    const requested = [
      { name: 'Ada Admin', email: 'ada@acme.example', role: 'admin' },
      { name: 'Max Manager', email: 'max@acme.example', role: 'manager' },
      { name: 'Uma User', email: 'uma@acme.example', role: 'user' },
    ];

    it.each(['17.0', '18.1'])('creates users with their role groups through the %s groups field, language and time zone', async (version) => {
      const { double, users } = await odoo({ version, installed: ['crm', 'project'] });
      const done = await run(users.execute(context({ users: requested, language: 'de_DE', timezone: 'Europe/Berlin' })));
      const field = version === '17.0' ? 'groups_id' : 'group_ids';
      expect(double.calls.find((call) => call.model === 'res.users' && call.modelMethod === 'create')?.args?.[0]).toHaveProperty(field);
      const ids = (...xmlIds: string[]) => xmlIds.map((xmlId) => double.xmlId(xmlId));
      expect(double.user('ada@acme.example')![field]).toEqual(ids('base.group_user', 'base.group_system'));
      expect(double.user('max@acme.example')![field]).toEqual(ids('base.group_user', 'sales_team.group_sale_manager', 'project.group_project_manager'));
      expect(double.user('uma@acme.example')![field]).toEqual(ids('base.group_user'));
      expect(double.user('uma@acme.example')).toMatchObject({ lang: 'de_DE', tz: 'Europe/Berlin', email: 'uma@acme.example' });
      expect(double.language('de_DE')!.active).toBe(true);
      expect(done.result.users).toEqual([
        { login: 'ada@acme.example', id: double.user('ada@acme.example')!.id, created_by_us: true, groups: ['base.group_user', 'base.group_system'] },
        { login: 'max@acme.example', id: double.user('max@acme.example')!.id, created_by_us: true, groups: ['base.group_user', 'sales_team.group_sale_manager', 'project.group_project_manager'] },
        { login: 'uma@acme.example', id: double.user('uma@acme.example')!.id, created_by_us: true, groups: ['base.group_user'] },
      ]);
      expect(done.result.language).toEqual({ code: 'de_DE', activated: true });
    });

    it('leaves an existing login untouched and remembers its own users on a redelivered attempt', async () => {
      const { double, users } = await odoo();
      const existing = double.addUser('ada@acme.example', 'her-own-password', ['base.group_user']);
      const before = structuredClone(double.user('ada@acme.example'));
      const ctx = context({ users: requested.filter((user) => user.role !== 'manager') });
      const first = await run(users.execute(ctx));
      expect(first.result.users).toEqual([
        { login: 'ada@acme.example', id: existing, created_by_us: false, groups: null },
        { login: 'uma@acme.example', id: double.user('uma@acme.example')!.id, created_by_us: true, groups: ['base.group_user'] },
      ]);
      expect(double.user('ada@acme.example')).toEqual(before);
      const creates = double.calls.filter((call) => call.modelMethod === 'create').length;
      const again = await run(users.execute(ctx));
      expect(again.result.users).toEqual(first.result.users);
      expect(double.calls.filter((call) => call.modelMethod === 'create').length).toBe(creates);
    });

    it('rollback deletes its users, archives the ones Odoo will not delete, and never touches existing ones', async () => {
      const { double, users } = await odoo({ installed: ['account'] });
      double.addUser('ada@acme.example', 'her-own-password');
      const ctx = context({ users: requested });
      const done = await run(users.execute(ctx));
      double.addJournalItem('max@acme.example');
      const undone = await run(users.rollback(ctx, done));
      const maxId = (done.result.users as Array<{ login: string; id: number }>).find((user) => user.login === 'max@acme.example')!.id;
      expect(undone.result.actions).toEqual([
        { login: 'uma@acme.example', id: expect.any(Number), action: 'deleted' },
        { login: 'max@acme.example', id: maxId, action: 'archived', reason: expect.stringMatching(/another model requires the record being deleted/) },
      ]);
      expect(undone.result.not_deleted).toEqual([expect.stringMatching(/^max@acme.example was archived, not deleted: /)]);
      expect(undone.result.left_alone).toEqual(['ada@acme.example: existed before this step, not ours to remove']);
      expect(double.user('uma@acme.example')).toBeUndefined();
      expect(double.user('max@acme.example')!.active).toBe(false);
      expect(double.user('ada@acme.example')!.active).toBe(true);
    });

    it('fails permanently, naming the group and its module, when a role group is missing, and removes the users it created', async () => {
      const { double, users } = await odoo();
      const row = double.store.find('ir.model.data', (data) => data.module === 'base' && data.name === 'group_system')!;
      double.store.table('ir.model.data').delete(row.id);
      const error = await failure(users.execute(context({ users: [requested[2], requested[0]] })));
      expect(error).toBeInstanceOf(PermanentStepError);
      expect(error.message).toMatch(/role 'admin' needs the group base.group_system.*install the module 'base'/);
      expect(error.message).toMatch(/removed the users it had created: deleted uma@acme.example/);
      expect(double.user('uma@acme.example')).toBeUndefined();
    });
  });

  describe('odoo.configure_fiscal', () => {
    const parameters = { company_name: 'Acme GmbH', country: 'DE', currency: 'EUR', fiscal_year_start: '04-01', language: 'de_DE', timezone: 'Europe/Berlin' };
    const previousValues = { name: 'My Company', currency: 'USD', country: null, fiscalyear_last_day: 31, fiscalyear_last_month: '12', lang: 'en_US', tz: null };

    it('says to install invoicing/account first when the account module is missing', async () => {
      const { double, fiscal } = await odoo();
      const error = await failure(fiscal.execute(context(parameters)));
      expect(error).toBeInstanceOf(PermanentStepError);
      expect(error.message).toMatch(/need the Odoo module 'account' \(Invoicing\).*install invoicing\/account first/);
      expect(double.records('res.company')[0].name).toBe('My Company');
    });

    it('sets the company, fiscal year end, language and time zone, recording the values from before its first attempt', async () => {
      const { double, fiscal } = await odoo({ installed: ['account'] });
      const ctx = context(parameters);
      const done = await run(fiscal.execute(ctx));
      const [company] = double.records('res.company');
      const eur = double.records('res.currency').find((currency) => currency.name === 'EUR')!.id;
      const de = double.records('res.country').find((country) => country.code === 'DE')!.id;
      expect(company).toMatchObject({ name: 'Acme GmbH', currency_id: eur, country_id: de, fiscalyear_last_day: 31, fiscalyear_last_month: '3' });
      expect(double.user('admin')).toMatchObject({ lang: 'de_DE', tz: 'Europe/Berlin' });
      expect(done.result.previous).toEqual(previousValues);
      expect(done.outputs).toEqual({ odoo_currency: 'EUR' });
      const exported = artifact(done, 'odoo_config_export.json');
      expect(exported.json).toEqual({
        admin_user: { id: 2, lang: 'de_DE', tz: 'Europe/Berlin' },
        company: { country: 'DE', currency: 'EUR', fiscalyear_last_day: 31, fiscalyear_last_month: '3', id: 1, name: 'Acme GmbH' },
      });
      expect(exported.text.indexOf('"admin_user"')).toBeLessThan(exported.text.indexOf('"company"'));

      const again = await run(fiscal.execute(ctx));
      expect(again.result.previous).toEqual(previousValues);
    });

    it('activates an inactive currency', async () => {
      const { double, fiscal } = await odoo({ installed: ['account'] });
      const done = await run(fiscal.execute(context({ ...parameters, currency: 'SEK', language: null, timezone: null })));
      expect(done.result.currency_activated).toBe('SEK');
      expect(double.records('res.currency').find((currency) => currency.name === 'SEK')!.active).toBe(true);
    });

    it('fails permanently with Odoo\'s words when journal items lock the currency', async () => {
      const { double, fiscal } = await odoo({ installed: ['account'] });
      double.addJournalItem();
      const error = await failure(fiscal.execute(context(parameters)));
      expect(error).toBeInstanceOf(PermanentStepError);
      expect(error.message).toMatch(/refused to change the company currency from USD to EUR: You cannot change the currency of the company since some journal items already exist/);
      expect(double.records('res.company')[0]).toMatchObject({ name: 'My Company', currency_id: 1 });
    });

    it('rollback restores what is safe and names what needs manual restoration', async () => {
      const { double, fiscal } = await odoo({ installed: ['account'] });
      const ctx = context(parameters);
      const done = await run(fiscal.execute(ctx));
      double.addJournalItem();
      // What it cannot restore fails the compensation (the run ends partially rolled back), naming it and what was restored.
      const refusal = await fiscal.rollback(ctx, done).then(() => undefined, (error: Error) => error);
      expect(refusal).toBeInstanceOf(PermanentStepError);
      expect(refusal!.message).toMatch(/^fiscal settings need manual restoration: company currency: was USD, is EUR; journal items exist now/);
      expect(refusal!.message).toMatch(/\(restored: .*company name → "My Company".*admin user lang → "en_US"/);
      expect(double.records('res.company')[0]).toMatchObject({ name: 'My Company', country_id: false, fiscalyear_last_day: 31, fiscalyear_last_month: '12' });
      expect(double.user('admin')).toMatchObject({ lang: 'en_US', tz: false });
    });

    it('rollback also restores the currency while no journal items exist, and leaves values changed since', async () => {
      const { double, fiscal } = await odoo({ installed: ['account'] });
      const ctx = context(parameters);
      const done = await run(fiscal.execute(ctx));
      double.records('res.company')[0].name = 'Renamed By Someone';
      const undone = await run(fiscal.rollback(ctx, done));
      expect(double.records('res.company')[0]).toMatchObject({ name: 'Renamed By Someone', currency_id: 1 });
      expect(undone.result.restored).toContain('company currency → USD');
      expect(undone.result.left_alone).toEqual(['company name: now "Renamed By Someone", changed since this step set "Acme GmbH"']);
      expect(undone.result.needs_manual_restoration).toEqual([]);
    });
  });
});
