import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { fromBuffer } from 'yauzl';
import { APP_CONFIG, AppConfig, loadConfig } from '@bf/config';
import { CustomModuleSpec } from '@bf/contracts';
import { PermanentStepError, StepContext, StepOutcome } from '@bf/step-sdk';
import { CUSTOM_MODULE_GENERATOR_PROVIDER, CustomModuleGenerator, CustomModuleTemplatesCheck, OWNERSHIP_MARKER } from '../../apps/odoo/src/custom-module';
import { InstallCustomModuleStep, ZIP_ONLY_NOTE } from '../../apps/odoo/src/install-custom-module.step';
import { OdooConnection } from '../../apps/odoo/src/odoo-connection';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';

const root = join(__dirname, '../..');
const PASSWORD = 'custom-module-admin-pw';

const SPEC: CustomModuleSpec = {
  module_name: 'acme_fleet',
  title: 'Acme Fleet',
  depends: ['base'],
  models: [{ name: 'acme.vehicle', description: 'A vehicle', fields: [{ name: 'name', type: 'char', required: true }, { name: 'seats', type: 'integer' }] }],
} as CustomModuleSpec;

function context(overrides: Partial<StepContext> = {}): StepContext {
  return {
    tenantId: 'tenant',
    planId: 'plan',
    runId: 'run-1',
    stepId: 'step-custom',
    attempt: 1,
    isLastAttempt: false,
    dryRun: false,
    idempotencyKey: 'run-1_step-custom',
    parameters: { module: SPEC },
    templateId: null,
    runState: {},
    ...overrides,
  };
}

function zipEntries(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      const names: string[] = [];
      file.on('entry', (entry: { fileName: string }) => (names.push(entry.fileName), file.readEntry()));
      file.on('end', () => resolve(names));
      file.readEntry();
    }),
  );
}

describe('odoo.install_custom_module', () => {
  const generator = new CustomModuleGenerator(join(root, 'templates'));
  let double: OdooDouble;
  let addons: string;

  function step(addonsPath: string | null = addons): InstallCustomModuleStep {
    const config: AppConfig = loadConfig({ ODOO_URL: double.url, ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: PASSWORD, ...(addonsPath ? { ODOO_ADDONS_PATH: addonsPath } : {}) });
    return new InstallCustomModuleStep(config, new OdooConnection(config), generator);
  }

  beforeEach(async () => {
    addons = mkdtempSync(join(tmpdir(), 'bf-addons-'));
    double = await OdooDouble.start({ db: 'acme', password: PASSWORD, addonsPath: addons });
  });
  afterEach(async () => {
    await double.close();
    rmSync(addons, { recursive: true, force: true });
  });

  it('dry run lists the generator\'s real files and touches neither disk nor Odoo', async () => {
    const outcome = await step().dryRun(context({ dryRun: true }));
    const expected = (await generator.generate(SPEC)).files.map((file) => file.path);
    expect(outcome.result.files).toEqual(expected);
    expect(expected).toContain('acme_fleet/views/menus.xml');
    expect(readdirSync(addons)).toEqual([]);
    expect(double.calls).toEqual([]);
  });

  it('writes the module, lists it with update_list, installs it; rollback uninstalls it and removes the folder', async () => {
    const outcome = await step().execute(context());
    const folder = join(addons, 'acme_fleet');
    expect(existsSync(join(folder, '__manifest__.py'))).toBe(true);
    expect(JSON.parse(readFileSync(join(folder, OWNERSHIP_MARKER), 'utf8'))).toMatchObject({ module_name: 'acme_fleet', written_by: 'run-1_step-custom', installed_by: 'run-1_step-custom' });
    // nothing but the module folder is left behind (no staging folders)
    expect(readdirSync(addons)).toEqual(['acme_fleet']);
    expect(double.moduleState('acme_fleet')).toBe('installed');
    const methods = double.calls.filter((call) => call.model === 'ir.module.module').map((call) => call.modelMethod);
    expect(methods.indexOf('update_list')).toBeLessThan(methods.indexOf('button_immediate_install'));
    expect(outcome.result).toMatchObject({ mode: 'live', installed: true, install: { folder_action: 'written', wrote_folder: true, installed_by_us: true, state_before: null, state_after: 'installed' } });

    const zip = outcome.artifacts!.find((artifact) => artifact.name === 'acme_fleet.zip')!;
    expect(zip.mediaType).toBe('application/zip');
    const listing = JSON.parse(String(outcome.artifacts!.find((artifact) => artifact.name === 'module_files.json')!.content));
    expect(listing.files.map((file: { path: string }) => file.path)).toEqual(await zipEntries(zip.content as Buffer));
    expect(listing.files[0]).toEqual({ path: expect.any(String), size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const undone = await step().rollback(context(), outcome);
    expect(double.moduleState('acme_fleet')).toBe('uninstalled');
    expect(existsSync(folder)).toBe(false);
    expect(undone.result.actions).toEqual([
      { action: 'uninstall', module: 'acme_fleet', outcome: 'state uninstalled' },
      { action: 'remove_folder', module: 'acme_fleet', outcome: 'removed' },
    ]);
    expect((undone.result.not_undone as string[]).join('\n')).toMatch(/cannot be restored/);
    // safe to run twice
    const again = await step().rollback(context(), outcome);
    expect(again.result.actions).toEqual([
      { action: 'uninstall', module: 'acme_fleet', outcome: 'nothing to do: already uninstalled' },
      { action: 'remove_folder', module: 'acme_fleet', outcome: 'absent' },
    ]);
  });

  it('is a no-op the second time (redelivery or another run with the same content)', async () => {
    await step().execute(context());
    const callsBefore = double.calls.length;
    const redelivered = await step().execute(context({ attempt: 2 }));
    expect(redelivered.result).toMatchObject({ installed: true, summary: 'already installed with this content: nothing to do', install: { folder_action: 'unchanged', wrote_folder: true, installed_by_us: true } });
    const moduleCalls = double.calls.slice(callsBefore).filter((call) => call.model === 'ir.module.module').map((call) => call.modelMethod);
    expect(moduleCalls).toEqual(['search_read']);

    const otherRun = await step().execute(context({ runId: 'run-2', idempotencyKey: 'run-2_step-custom' }));
    // another run found it installed: its rollback must leave it alone
    expect(otherRun.result).toMatchObject({ install: { folder_action: 'unchanged', wrote_folder: false, installed_by_us: false, state_before: 'installed' } });
    const undone = await step().rollback(context({ runId: 'run-2', idempotencyKey: 'run-2_step-custom' }), otherRun);
    expect(undone.result.actions).toEqual([]);
    expect(double.moduleState('acme_fleet')).toBe('installed');
    expect(existsSync(join(addons, 'acme_fleet'))).toBe(true);
  });

  it('replaces only its own folder when the content changes, and upgrades the installed module', async () => {
    await step().execute(context());
    const changed = { ...SPEC, title: 'Acme Fleet v2' };
    const outcome = await step().execute(context({ runId: 'run-2', idempotencyKey: 'run-2_step-custom', parameters: { module: changed } }));
    expect(outcome.result).toMatchObject({ install: { folder_action: 'replaced', upgraded: true, state_after: 'installed' } });
    expect(readFileSync(join(addons, 'acme_fleet', '__manifest__.py'), 'utf8')).toContain('Acme Fleet v2');
    expect(readdirSync(addons)).toEqual(['acme_fleet']);
  });

  it('refuses to overwrite a module folder it did not write', async () => {
    const foreign = join(addons, 'acme_fleet');
    mkdirSync(foreign);
    writeFileSync(join(foreign, '__manifest__.py'), "{'name': 'Someone else'}\n");
    const failure = step().execute(context({ isLastAttempt: true }));
    await expect(failure).rejects.toBeInstanceOf(PermanentStepError);
    await expect(failure).rejects.toThrow(`${foreign} exists and was not written by Business Factory`);
    expect(readFileSync(join(foreign, '__manifest__.py'), 'utf8')).toBe("{'name': 'Someone else'}\n");
    expect(readdirSync(addons)).toEqual(['acme_fleet']);
    expect(double.calls.some((call) => call.modelMethod === 'button_immediate_install')).toBe(false);
  });

  it('fails clearly, and takes its folder back, when Odoo does not read ODOO_ADDONS_PATH', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'bf-not-odoo-addons-'));
    try {
      await expect(step(elsewhere).execute(context())).rejects.toThrow(/does not list module acme_fleet after update_list: ODOO_ADDONS_PATH must be a folder on the Odoo server's addons_path/);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('without ODOO_ADDONS_PATH delivers the zip only and says it is not installed', async () => {
    const outcome: StepOutcome = await step(null).execute(context());
    expect(outcome.result).toMatchObject({ mode: 'live', module: 'acme_fleet', installed: false, note: ZIP_ONLY_NOTE });
    expect(outcome.result.note).toMatch(/not installed: ODOO_ADDONS_PATH is not set/);
    expect(outcome.outputs).toEqual({ custom_module_acme_fleet: 'delivered_zip' });
    expect(outcome.artifacts!.map((artifact) => [artifact.name, artifact.mediaType])).toEqual([
      ['acme_fleet.zip', 'application/zip'],
      ['module_files.json', 'application/json'],
    ]);
    expect(double.calls).toEqual([]);
    expect(double.moduleState('acme_fleet')).toBeUndefined();
    const undone = await step(null).rollback(context(), outcome);
    expect(undone.result).toMatchObject({ actions: [], note: expect.stringMatching(/zip only: nothing was installed/) });
  });

  it('rejects a spec the generator will not render, before touching Odoo', async () => {
    const bad = { ...SPEC, module_name: '../etc' };
    await expect(step().execute(context({ parameters: { module: bad } }))).rejects.toBeInstanceOf(PermanentStepError);
    expect(double.calls).toEqual([]);
  });
});

describe('odoo worker boot: custom module templates', () => {
  async function boot(templatesDir: string): Promise<void> {
    const config = loadConfig({ TEMPLATES_DIR: templatesDir });
    @Module({ providers: [{ provide: APP_CONFIG, useValue: config }, CUSTOM_MODULE_GENERATOR_PROVIDER, CustomModuleTemplatesCheck] })
    class BootModule {}
    const app = await NestFactory.createApplicationContext(BootModule, { logger: false, abortOnError: false });
    await app.close();
  }

  it('starts with the shipped templates', async () => {
    await expect(boot(join(root, 'templates'))).resolves.toBeUndefined();
  });

  it('refuses to start with a broken template, naming the file', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'bf-broken-templates-'));
    try {
      cpSync(join(root, 'templates', 'odoo'), join(copy, 'odoo'), { recursive: true });
      const broken = join(copy, 'odoo', 'custom_module', 'views', 'menus.xml.hbs');
      writeFileSync(broken, '<odoo>{{{ module_name }}}</odoo>\n');
      await expect(boot(copy)).rejects.toThrow(`invalid template ${broken}: line 1: unescaped output`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
