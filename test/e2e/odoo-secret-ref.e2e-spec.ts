import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_ID } from '@bf/persistence';
import { StepContext } from '@bf/step-sdk';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { checkIntegrationRoundtrip } from '../../apps/evidence/src/validation/odoo-checks';
import { ConfigureIntegrationStep } from '../../apps/odoo/src/configure-integration.step';
import { LeadRouting } from '../../apps/odoo/src/crm/lead-routing';
import { OdooConnection } from '../../apps/odoo/src/odoo-connection';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';
import { authHeaders, roleFor } from '../support/auth';
import { freePort } from '../support/net';
import { eventually, fromWorkers, secretsOnlyOdooEnv, startTestSystem } from '../support/system';

const PASSWORD = `odoo-tenant-pw-${randomBytes(8).toString('hex')}`;
const SITE = 'secret-leads.example';
const TENANT = DEFAULT_TENANT_ID;

/**
 * The Odoo in a tenant secret (`secret_ref`) on a system with no ODOO_* at all:
 * the integration step routes a site's contact form to it, the routing records
 * only the secret's name, the later delivery job resolves it, and a run with
 * `dry_run_unavailable=true` counts a resolving secret as a live-capable Odoo.
 */
describe('secret_ref for the CRM integration, lead delivery and step modes (no ODOO_* configured)', () => {
  let system: RunningSystem;
  let odoo: OdooDouble;
  let dataSource: DataSource;
  let run: { id: string; plan_id: string; context: Record<string, unknown> };

  const call = async (method: string, path: string, body?: unknown, headers = authHeaders(system, roleFor(path))) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const raw = await response.text();
    return { status: response.status, raw, body: raw ? JSON.parse(raw) : undefined };
  };
  const worker = <T>(type: new (...args: any[]) => T): T => fromWorkers(system, type);
  const context = (parameters: Record<string, unknown>): StepContext => ({
    tenantId: TENANT,
    planId: run.plan_id,
    runId: run.id,
    stepId: 'integrate',
    attempt: 1,
    isLastAttempt: true,
    dryRun: false,
    idempotencyKey: `${run.id}:integrate`,
    parameters,
    templateId: null,
    runState: Object.freeze({ ...run.context, odoo_modules: ['crm'] }),
  });
  const leadsFor = (id: string) => odoo.records('crm.lead').filter((lead) => String(lead.description).includes(`[bf:${id}]`));
  const integration = { name: 'Contact form to CRM', source: 'website', target: 'odoo', type: 'contact_form', enabled: true, config: {} };

  beforeAll(async () => {
    odoo = await OdooDouble.start({ db: 'acme', login: 'admin', password: PASSWORD, installed: ['crm'] });
    system = await startTestSystem('odoosecretref', {
      PORT: String(await freePort()),
      SITE_SCREENSHOT: 'off',
      ...secretsOnlyOdooEnv(),
    });
    dataSource = system.gateway.get(DataSource);
    const stored = await call('PUT', '/api/v1/secrets/odoo-tenant', { value: { url: odoo.url, db: 'acme', user: 'admin', password: PASSWORD } }, authHeaders(system, 'admin'));
    expect(stored.status).toBe(201);
    const deployed = await call('POST', '/api/pipeline/execute', {
      graph_id: 'secret-leads-site',
      business_intent_id: 'intent_secret_leads_site',
      nodes: [
        { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Secret Leads GmbH', domain: SITE, pages: ['home', 'contact'], primary_color: '#1e40af' } },
        { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: SITE } },
      ],
    });
    expect(deployed.body).toMatchObject({ status: 'completed' });
    [run] = await dataSource.query('SELECT id, plan_id, context FROM runs WHERE plan_id = $1', [deployed.body.plan_id]);
  }, 90_000);
  afterAll(async () => {
    await system?.stop();
    await odoo?.close();
  });

  it('integration.configure routes to the secret`s Odoo and records only its name; the delivery job resolves it later', async () => {
    const step = worker(ConfigureIntegrationStep);
    // Without a secret_ref the step needs ODOO_*, which are unset: it says so.
    await expect(step.execute(context(integration))).rejects.toThrow(/Odoo is not configured: ODOO_URL/);
    await expect(step.execute(context({ ...integration, secret_ref: 'odoo-absent' }))).rejects.toThrow(/secret_ref 'odoo-absent'/);

    const outcome = await step.execute(context({ ...integration, secret_ref: 'odoo-tenant' }));
    expect(outcome.result).toMatchObject({ mode: 'live', site: SITE, target: { model: 'crm.lead', secret_ref: 'odoo-tenant' } });
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
    expect(JSON.stringify(outcome)).not.toContain(odoo.url);
    expect(await new LeadRouting(dataSource).find(TENANT, SITE)).toMatchObject({ secretRef: 'odoo-tenant', odooUrl: null, odooDb: null, runId: run.id });
    const [row] = await dataSource.query('SELECT * FROM site_integrations WHERE tenant_id = $1 AND site_id = $2', [TENANT, SITE]);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(JSON.stringify(row)).not.toContain(odoo.url);

    // A contact form post, later: the odoo worker's crm.deliver_lead job signs in with the secret (ODOO_* still unset).
    const posted = await call('POST', `/api/v1/sites/${SITE}/contact`, { name: 'Grace', email: 'grace@example.com', message: 'Routed through a tenant secret' }, {});
    expect(posted.status).toBe(201);
    const id = posted.body.submission_id;
    const delivered = await eventually(async () => {
      const [submission] = await dataSource.query('SELECT status, lead_id, delivery_error FROM contact_submissions WHERE id = $1', [id]);
      return submission?.status === 'delivered' ? submission : undefined;
    });
    const leads = leadsFor(id);
    expect(leads).toHaveLength(1);
    expect(delivered).toMatchObject({ lead_id: leads[0].id, delivery_error: null });

    // The final validation's round trip talks to the same secret and sees the routing as active.
    const api = await worker(OdooConnection).forSecret(TENANT, 'odoo-tenant');
    const roundtrip = await checkIntegrationRoundtrip(api, dataSource, system.runtime.config, { tenantId: TENANT, runId: run.id }, SITE, 'odoo-tenant');
    expect(roundtrip).toMatchObject({ passed: true, detail: { routing_active: true } });
    expect((await checkIntegrationRoundtrip(api, dataSource, system.runtime.config, { tenantId: TENANT, runId: run.id }, SITE)).detail).toMatchObject({ routing_active: false });
  }, 60_000);

  it('a deleted secret fails the delivery for good, naming the secret and never a value', async () => {
    await dataSource.query(`UPDATE site_integrations SET secret_ref = 'odoo-gone' WHERE tenant_id = $1 AND site_id = $2`, [TENANT, SITE]);
    const posted = await call('POST', `/api/v1/sites/${SITE}/contact`, { name: 'Linus', email: 'linus@example.com', message: 'No secret any more' }, {});
    const failed = await eventually(async () => {
      const [submission] = await dataSource.query('SELECT status, delivery_error FROM contact_submissions WHERE id = $1', [posted.body.submission_id]);
      return submission?.status === 'failed' ? submission : undefined;
    });
    expect(failed.delivery_error).toContain("secret_ref 'odoo-gone'");
    await dataSource.query(`UPDATE site_integrations SET secret_ref = 'odoo-tenant' WHERE tenant_id = $1 AND site_id = $2`, [TENANT, SITE]);
  }, 60_000);

  it('dry_run_unavailable=true: Odoo steps whose secret resolves run live, those whose secret does not run dry, and the preflight agrees', async () => {
    const plan = async (name: string, ref: string) => {
      const planned = await call('POST', '/api/factory/plan', { business_name: name, business_type: 'consulting', erp_config: { modules: ['crm'], secret_ref: ref }, dry_run: false }, authHeaders(system, 'operator'));
      expect(planned.status).toBe(201);
      return planned.body as { plan_id: string; steps: Array<{ step_id: string; action: string }> };
    };
    const odooStepIds = (planned: { steps: Array<{ step_id: string; action: string }> }) => planned.steps.filter((step) => step.action.startsWith('odoo.')).map((step) => step.step_id);

    const resolving = await plan('Resolving Secret GmbH', 'odoo-tenant');
    const started = await call('POST', `/api/factory/execute?plan_id=${resolving.plan_id}&confirm=true&dry_run_unavailable=true`, undefined, authHeaders(system, 'operator'));
    expect(started.status).toBe(202);
    expect(started.body.dry_run_steps.map((step: any) => step.step_id)).not.toEqual(expect.arrayContaining(odooStepIds(resolving)));
    const checks = new Map(started.body.preflight.checks.map((check: any) => [check.check, check]));
    expect(checks.get('odoo')).toMatchObject({ passed: true, detail: expect.stringContaining("secret 'odoo-tenant'") });
    expect(checks.get('secret_ref:odoo-tenant')).toMatchObject({ passed: true });
    const done = await eventually(async () => {
      const view = (await call('GET', `/api/factory/${resolving.plan_id}`, undefined, authHeaders(system, 'viewer'))).body;
      return view.run?.status !== 'running' ? view : undefined;
    }, 60_000);
    // Each Odoo step ran live against the secret's Odoo; the double has no accounting module, so the live fiscal step fails and the run rolls back (live too).
    expect(done.run).toMatchObject({ dry_run: false });
    for (const step of done.steps.filter((candidate: any) => candidate.action.startsWith('odoo.') && candidate.status !== 'skipped')) expect([step.action, step.mode]).toEqual([step.action, 'live']);
    expect(done.steps.find((step: any) => step.action === 'odoo.install_modules')).toMatchObject({ status: expect.stringMatching(/^(completed|rolled_back)$/), mode: 'live', result: { mode: 'live' } });

    const missing = await plan('Missing Secret GmbH', 'odoo-absent');
    const mixed = await call('POST', `/api/factory/execute?plan_id=${missing.plan_id}&confirm=true&dry_run_unavailable=true`, undefined, authHeaders(system, 'operator'));
    expect(mixed.status).toBe(202);
    const dry = new Map(mixed.body.dry_run_steps.map((step: any) => [step.step_id, step.reason]));
    for (const stepId of odooStepIds(missing)) expect(dry.get(stepId)).toMatch(/secret_ref 'odoo-absent'.*\(dry_run_unavailable=true\)/);
    // The preflight saw the same modes: the missing secret is no failure, since no live step uses it.
    const mixedChecks = new Map(mixed.body.preflight.checks.map((check: any) => [check.check, check]));
    expect(mixedChecks.has('secret_ref:odoo-absent')).toBe(false);
    expect(mixedChecks.get('odoo')).toMatchObject({ passed: true, detail: expect.stringContaining('not probed') });
  }, 120_000);
});
