import { INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { APP_CONFIG, AppConfig, loadConfig } from '@bf/config';
import { liveUnavailableReason } from '@bf/contracts';
import { createDataSource, DEFAULT_TENANT_ID, ensureDatabase, migrate } from '@bf/persistence';
import { DataSource } from 'typeorm';
import { StepContext, StepExecutor } from '@bf/step-sdk';
import { ConfigureFiscalStep } from '../../apps/odoo/src/configure-fiscal.step';
import { ConfigureIntegrationStep } from '../../apps/odoo/src/configure-integration.step';
import { LeadDelivery } from '../../apps/odoo/src/crm/lead-delivery';
import { CreateUsersStep } from '../../apps/odoo/src/create-users.step';
import { CustomModuleGenerator } from '../../apps/odoo/src/custom-module/custom-module.generator';
import { InstallCustomModuleStep } from '../../apps/odoo/src/install-custom-module.step';
import { InstallModulesStep } from '../../apps/odoo/src/install-modules.step';
import { OdooConnection } from '../../apps/odoo/src/odoo-connection';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';
import { percentile, round3 } from './stats';

const WARMUP = 2;
const PASSWORD = 'bench-admin-pw';

/** The Acme briefing's ERP branch as the planner writes it, in run order. */
const BRANCH: Array<{ stepId: string; executor: Type<StepExecutor>; parameters: Record<string, unknown> }> = [
  { stepId: 'install_odoo_modules', executor: InstallModulesStep, parameters: { modules: ['crm', 'projects', 'invoicing'], technical_names: ['crm', 'project', 'account'], enterprise_only: [] } },
  { stepId: 'create_odoo_users', executor: CreateUsersStep, parameters: { users: [{ name: 'Admin User', email: 'admin@acme.example', role: 'admin' }, { name: 'Sam Sales', email: 'sam@acme.example', role: 'user' }], language: 'de_DE', timezone: 'Europe/Berlin' } },
  { stepId: 'configure_fiscal_settings', executor: ConfigureFiscalStep, parameters: { company_name: 'Acme Consulting', country: 'DE', currency: 'EUR', fiscal_year_start: '01-01', language: 'de_DE', timezone: 'Europe/Berlin' } },
  {
    stepId: 'install_custom_module_1',
    executor: InstallCustomModuleStep,
    parameters: { module: { module_name: 'acme_engagement', title: 'Acme Engagements', depends: ['base'], models: [{ name: 'acme.engagement', description: 'A consulting engagement', fields: [{ name: 'name', type: 'char', required: true }, { name: 'hours', type: 'float' }, { name: 'start', type: 'date' }] }] } },
  },
  { stepId: 'configure_integration_1', executor: ConfigureIntegrationStep, parameters: { name: 'Contact Form to CRM', source: 'website', target: 'odoo', type: 'contact_form', enabled: true, config: { create_lead: true } } },
];

export interface ErpBranchBench {
  p50_ms: number;
  p99_ms: number;
  iterations: number;
  /** Steps left out of the timing: still dry-run only ("not available"), or not constructible outside the worker. */
  skipped: string[];
  /** Median time of each step that ran, to show where the branch spends it. */
  step_p50_ms: Record<string, number>;
  /** Steps that threw anything else, first message each: the timing then covers a partial branch. */
  failed: string[];
}

/**
 * The ERP branch, live, against a fresh Odoo double per iteration (no
 * simulated latency) and a fresh addons folder: every sample is a first
 * provisioning. Steps are built by Nest with what the worker gives them
 * (configuration, the Odoo connection, the module generator, loaded once as
 * at worker boot); building them is outside the timing.
 */
export async function benchErpBranch(iterations: number): Promise<ErpBranchBench> {
  const generator = new CustomModuleGenerator(join(process.cwd(), 'templates'));
  await generator.load();
  const dataSource = await openDatabase();
  const skipped = new Map<string, string>();
  const failed = new Map<string, string>();
  const samples: number[] = [];
  const perStep = new Map<string, number[]>();
  // Run ids unique to this bench run: the steps key their journal rows on them.
  const benchRun = randomUUID().slice(0, 8);
  try {
    for (let i = 0; i < WARMUP + iterations; i++) {
      const elapsed = await runBranchOnce({ generator, dataSource }, `bench-erp-${benchRun}-${i}`, skipped, failed);
      if (i < WARMUP) continue;
      samples.push(elapsed.total);
      for (const [step, ms] of elapsed.steps) perStep.set(step, [...(perStep.get(step) ?? []), ms]);
    }
  } finally {
    await dataSource?.destroy();
  }
  return {
    p50_ms: round3(percentile(samples, 50)),
    p99_ms: round3(percentile(samples, 99)),
    iterations,
    step_p50_ms: Object.fromEntries([...perStep].map(([step, values]) => [step, round3(percentile(values, 50))])),
    skipped: [...skipped].map(([step, why]) => `${step}: ${why}`),
    failed: [...failed].map(([step, why]) => `${step}: ${why}`),
  };
}

interface Shared {
  generator: CustomModuleGenerator;
  /** The steps journal their Odoo changes in PostgreSQL, as in the worker; undefined when none is reachable. */
  dataSource?: DataSource;
}

/** DATABASE_URL as configured, migrated like start:all does; without it the steps that need it are skipped and say so. */
async function openDatabase(): Promise<DataSource | undefined> {
  const { url } = loadConfig().database;
  try {
    await ensureDatabase(url);
    await migrate(url);
    return await createDataSource({ url, poolSize: 2 }).initialize();
  } catch {
    return undefined;
  }
}

async function runBranchOnce(shared: Shared, runId: string, skipped: Map<string, string>, failed: Map<string, string>): Promise<{ total: number; steps: Map<string, number> }> {
  const addonsPath = mkdtempSync(join(tmpdir(), 'bf-bench-addons-'));
  const double = await OdooDouble.start({ db: 'acme', password: PASSWORD, addonsPath, latencyMs: 0 });
  const config = loadConfig({ ...process.env, ODOO_URL: double.url, ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: PASSWORD, ODOO_ADDONS_PATH: addonsPath });
  const connection = new OdooConnection(config);
  const contexts: INestApplicationContext[] = [];
  try {
    const executors: Array<{ stepId: string; executor: StepExecutor; parameters: Record<string, unknown> }> = [];
    for (const entry of BRANCH) {
      if (skipped.has(entry.stepId)) continue;
      const built = await build(entry.executor, config, connection, shared);
      if (typeof built === 'string') skipped.set(entry.stepId, built);
      else {
        contexts.push(built);
        executors.push({ ...entry, executor: built.get(entry.executor) });
      }
    }
    const steps = new Map<string, number>();
    const runState: Record<string, unknown> = { deployed_url: 'http://acme-consulting.example', domain: 'acme-consulting.example' };
    for (const { stepId, executor, parameters } of executors) {
      const started = performance.now();
      try {
        const outcome = await executor.execute(context(runId, stepId, parameters, runState));
        steps.set(stepId, performance.now() - started);
        Object.assign(runState, outcome.outputs ?? {});
      } catch (error) {
        const message = (error as Error).message;
        if (message === liveUnavailableReason(executor.action)) skipped.set(stepId, 'live execution not available yet');
        else if (!failed.has(stepId)) failed.set(stepId, message);
      }
    }
    return { total: [...steps.values()].reduce((sum, ms) => sum + ms, 0), steps };
  } finally {
    await Promise.all(contexts.map((app) => app.close()));
    connection.onModuleDestroy();
    await double.close();
    rmSync(addonsPath, { recursive: true, force: true });
  }
}

/** The executor as the worker's injector would build it, or why it can't be built here. */
async function build(executor: Type<StepExecutor>, config: AppConfig, connection: OdooConnection, { generator, dataSource }: Shared): Promise<INestApplicationContext | string> {
  const database = dataSource ? [{ provide: DataSource, useValue: dataSource }, LeadDelivery] : [];
  @Module({
    providers: [{ provide: APP_CONFIG, useValue: config }, { provide: OdooConnection, useValue: connection }, { provide: CustomModuleGenerator, useValue: generator }, ...database, executor],
  })
  class BenchStepModule {}
  try {
    return await NestFactory.createApplicationContext(BenchStepModule, { logger: false, abortOnError: false });
  } catch (error) {
    return `needs more than configuration, the Odoo connection, the generator${dataSource ? ' and PostgreSQL' : ' (no PostgreSQL reachable at DATABASE_URL)'} (${(error as Error).message.split('\n')[0]})`;
  }
}

function context(runId: string, stepId: string, parameters: Record<string, unknown>, runState: Record<string, unknown>): StepContext {
  return { tenantId: DEFAULT_TENANT_ID, planId: runId, runId, stepId, attempt: 1, isLastAttempt: true, dryRun: false, idempotencyKey: `${runId}_${stepId}`, parameters, templateId: null, runState };
}
