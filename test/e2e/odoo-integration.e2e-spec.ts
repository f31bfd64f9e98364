import { DataSource } from 'typeorm';
import { loadConfig, redactUrl } from '@bf/config';
import { leadDeliveryJobId, newId } from '@bf/contracts';
import { OdooApi, OdooClient } from '@bf/odoo';
import { DEFAULT_TENANT_ID } from '@bf/persistence';
import { JobProducer } from '@bf/queue';
import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { ValidateRunStep } from '../../apps/evidence/src/validate-run.step';
import { checkIntegrationRoundtrip, checkOdooLogin } from '../../apps/evidence/src/validation/odoo-checks';
import { ConfigureIntegrationStep } from '../../apps/odoo/src/configure-integration.step';
import { LeadDelivery } from '../../apps/odoo/src/crm/lead-delivery';
import { LeadRouting } from '../../apps/odoo/src/crm/lead-routing';
import { OdooConnection } from '../../apps/odoo/src/odoo-connection';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';
import { freePort } from '../support/net';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, fromWorkers, startTestSystem } from '../support/system';

const PASSWORD = 'Odoo-Adm1n-s3cret-pw';
const SITE = 'leads-e2e.example';
const TENANT = DEFAULT_TENANT_ID;

/**
 * Website contact form → Odoo CRM, end to end: the whole system on real Redis and
 * PostgreSQL, a live-deployed site on the built-in host, the embedded DNS server,
 * and the odoo worker talking XML-RPC over HTTP to the Odoo double.
 */
describe('contact form → crm.lead integration and final validation', () => {
  let system: RunningSystem;
  let odoo: OdooDouble;
  let dataSource: DataSource;
  let planId: string;
  let run: { id: string; context: Record<string, unknown> };

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const raw = await response.text();
    return { status: response.status, body: raw ? JSON.parse(raw) : undefined };
  };
  const submit = (name: string, message: string, extra: Record<string, string> = {}) => call('POST', `/api/v1/sites/${SITE}/contact`, { name, email: `${name.toLowerCase()}@example.com`, message, ...extra });
  const submission = async (id: string) => (await call('GET', `/api/v1/sites/${SITE}/contact-submissions?limit=100`)).body.submissions.find((s: any) => s.submission_id === id);
  const leadsFor = (id: string) => odoo.records('crm.lead').filter((lead) => String(lead.description).includes(`[bf:${id}]`));
  const context = (stepId: string, action: string, parameters: Record<string, unknown>, dryRun = false): StepContext => ({
    tenantId: TENANT,
    planId,
    runId: run.id,
    stepId,
    attempt: 1,
    isLastAttempt: true,
    dryRun,
    idempotencyKey: `${run.id}:${stepId}`,
    parameters,
    templateId: null,
    runState: Object.freeze({ ...run.context, odoo_modules: ['crm'] }),
  });
  const integration = { name: 'Contact form to CRM', source: 'website', target: 'odoo', type: 'contact_form', enabled: true, config: {} };
  const worker = <T>(type: new (...args: any[]) => T): T => fromWorkers(system, type);

  beforeAll(async () => {
    odoo = await OdooDouble.start({ db: 'acme', login: 'admin', password: PASSWORD, installed: ['crm'] });
    system = await startTestSystem('odoointegration', {
      PORT: String(await freePort()),
      SITE_SCREENSHOT: 'off',
      ODOO_URL: odoo.url,
      ODOO_DB: 'acme',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: PASSWORD,
    });
    dataSource = system.gateway.get(DataSource);
    const deployed = await call('POST', '/api/pipeline/execute', {
      graph_id: 'leads-site',
      business_intent_id: 'intent_leads_site',
      nodes: [
        { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Leads GmbH', domain: SITE, pages: ['home', 'contact'], primary_color: '#1e40af' } },
        { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: SITE } },
        { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain: SITE, records: ['A'] } },
      ],
    });
    expect(deployed.body).toMatchObject({ status: 'completed' });
    planId = deployed.body.plan_id;
    [run] = await dataSource.query('SELECT id, context FROM runs WHERE plan_id = $1', [planId]);
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
    await odoo?.close();
  });

  it('integration.configure: refuses without crm, then routes the site and delivers the submissions stored before it', async () => {
    const early = await submit('Early', 'Stored before the integration existed');
    expect(early.body).toMatchObject({ status: 'received', lead_id: null });

    const step = worker(ConfigureIntegrationStep);
    odoo.store.find('ir.module.module', (m) => m.name === 'crm')!.state = 'uninstalled';
    await expect(step.execute(context('integrate', 'integration.configure', integration))).rejects.toThrow(/crm module is uninstalled/);
    odoo.store.find('ir.module.module', (m) => m.name === 'crm')!.state = 'installed';
    await expect(step.execute({ ...context('integrate', 'integration.configure', integration), runState: { ...run.context, deployed_domain: 'other.example' } })).rejects.toThrow(
      /other.example was not deployed live by this run/,
    );

    const outcome = await step.execute(context('integrate', 'integration.configure', integration));
    expect(outcome.result).toMatchObject({ mode: 'live', site: SITE, target: { model: 'crm.lead', odoo_url: redactUrl(odoo.url), odoo_db: 'acme' }, backlog: { delivered: 1, failed: [] } });
    expect(outcome.outputs).toEqual({ integration_integrate: 'configured' });
    expect(await new LeadRouting(dataSource).find(TENANT, SITE)).toMatchObject({ odooUrl: redactUrl(odoo.url), odooDb: 'acme', runId: run.id, stepId: 'integrate' });
    const [lead] = leadsFor(early.body.submission_id);
    expect(await submission(early.body.submission_id)).toMatchObject({ status: 'delivered', lead_id: lead.id, delivered_at: expect.any(String), delivery_error: null });
    // Running the step again changes nothing: same routing, no second lead.
    expect((await step.execute(context('integrate', 'integration.configure', integration))).result).toMatchObject({ backlog: { delivered: 0 } });
    expect(leadsFor(early.body.submission_id)).toHaveLength(1);
  });

  it('delivers a new submission through the odoo queue as one crm.lead, HTML-escaped, and a redelivery creates no second lead', async () => {
    const stored = await submit('Ada', 'Hello <b>there</b>\nline & two', { phone: '+49 30 1234567', company: 'Analytical Engines' });
    expect(stored.status).toBe(201);
    const id = stored.body.submission_id;
    const delivered = await eventually(async () => {
      const row = await submission(id);
      return row?.status === 'delivered' ? row : undefined;
    });
    const leads = leadsFor(id);
    expect(leads).toHaveLength(1);
    expect(delivered.lead_id).toBe(leads[0].id);
    expect(leads[0]).toMatchObject({
      name: 'Website contact: Ada',
      contact_name: 'Ada',
      email_from: 'ada@example.com',
      phone: '+49 30 1234567',
      partner_name: 'Analytical Engines',
      type: 'lead',
    });
    expect(leads[0].description).toContain('Hello &lt;b&gt;there&lt;/b&gt;<br>line &amp; two');

    const job = await system.gateway.get(JobProducer).queue('odoo').getJob(leadDeliveryJobId(id));
    expect(job?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 2000 } });

    // A redelivered job (another id, as after a lost completion) finds the row delivered.
    const again = await system.gateway.get(JobProducer).enqueue('odoo', 'crm.deliver_lead', { tenantId: TENANT, submissionId: id }, { jobId: `${leadDeliveryJobId(id)}.again` });
    const redelivered = await eventually(async () => {
      const finished = await system.gateway.get(JobProducer).queue('odoo').getJob(again.id!);
      return (await finished?.getState()) === 'completed' ? finished!.returnvalue : undefined;
    });
    expect(redelivered).toEqual({ outcome: 'already_delivered', leadId: leads[0].id });
    // A crash after Odoo's create but before our update: the marker finds the lead.
    await dataSource.query(`UPDATE contact_submissions SET status = 'received', lead_id = NULL WHERE id = $1`, [id]);
    expect(await worker(LeadDelivery).deliver({ tenantId: TENANT, submissionId: id }, false)).toEqual({ outcome: 'delivered', leadId: leads[0].id });
    expect(leadsFor(id)).toHaveLength(1);
    expect(await submission(id)).toMatchObject({ status: 'delivered', lead_id: leads[0].id });
  });

  it('Odoo down: a retry keeps the submission received with the error; the last attempt marks it failed, without the password', async () => {
    const port = await freePort();
    const config = loadConfig({ ODOO_URL: `http://admin:${PASSWORD}@127.0.0.1:${port}/`, ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: PASSWORD, ODOO_TIMEOUT_MS: '1000' });
    const delivery = new LeadDelivery(dataSource, new OdooConnection(config), config);
    const site = 'down.example';
    const id = newId('msg');
    await dataSource.query(`INSERT INTO contact_submissions (id, tenant_id, site_id, name, email, message, client_address, status) VALUES ($1, $2, $3, 'Bob', 'bob@example.com', 'hi', '127.0.0.1', 'received')`, [id, TENANT, site]);
    await new LeadRouting(dataSource).activate({ tenantId: TENANT, siteId: site, target: 'odoo.crm_lead', odooUrl: redactUrl(config.odoo.url!), odooDb: 'acme', runId: 'run_down', stepId: 'integrate' });

    const first = await delivery.deliver({ tenantId: TENANT, submissionId: id }, false).catch((error: Error) => error);
    expect(first).toBeInstanceOf(Error);
    expect(first.constructor.name).toBe('Error'); // transient: BullMQ retries it
    let [row] = await dataSource.query('SELECT status, delivery_error, delivery_attempts FROM contact_submissions WHERE id = $1', [id]);
    expect(row).toMatchObject({ status: 'received', delivery_attempts: 1 });
    expect(row.delivery_error).toMatch(/127\.0\.0\.1/);

    await expect(delivery.deliver({ tenantId: TENANT, submissionId: id }, true)).rejects.toThrow();
    [row] = await dataSource.query('SELECT status, delivery_error, delivery_attempts FROM contact_submissions WHERE id = $1', [id]);
    expect(row).toMatchObject({ status: 'failed', delivery_attempts: 2 });
    expect(row.delivery_error).not.toContain(PASSWORD);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  it('final validation: website and DNS checked live, Odoo checks skipped for a run without live Odoo steps; a failing check fails the step', async () => {
    const step = worker(ValidateRunStep);
    const checks = ['website_http_200', 'dns_answer', 'odoo_login', 'integration_roundtrip'];
    const outcome = await step.execute(context('validate', 'validation.run', { checks, domain: SITE }));
    const results = outcome.result.checks as any[];
    expect(results.map((r) => [r.check, r.passed])).toEqual([
      ['website_http_200', true],
      ['dns_answer', true],
      ['odoo_login', null],
      ['integration_roundtrip', null],
    ]);
    expect(results[0].detail).toMatchObject({ status: 200 });
    expect(results[1].detail).toMatchObject({ rcode: 'NOERROR', authoritative: true, addresses: ['127.0.0.1'] });
    expect(results[2].skipped).toBe('no completed odoo.install_modules step in this run');
    expect(results[3].skipped).toBe('no completed integration.configure step in this run');
    expect(outcome.artifacts?.map((a) => a.name)).toEqual(['validation_results.json']);
    expect(JSON.parse(String(outcome.artifacts![0].content)).checks).toHaveLength(4);

    const failing = await step.execute(context('validate', 'validation.run', { checks: ['website_http_200'], domain: 'not-served.example' })).catch((error: Error) => error);
    expect(failing).toBeInstanceOf(PermanentStepError);
    expect((failing as Error).message).toMatch(/validation failed: website_http_200; results: .*"status":404/);
    expect((await step.rollback(context('validate', 'validation.run', { checks }))).result.undone).toMatch(/nothing/);
  });

  it('odoo_login and integration_roundtrip against the double: admin, module states, and a test lead that is gone afterwards', async () => {
    const api = new OdooApi(new OdooClient({ url: odoo.url, db: 'acme', login: 'admin', password: PASSWORD }));
    expect(await checkOdooLogin(api, ['crm'])).toMatchObject({ passed: true, detail: { admin: true, modules: { crm: 'installed' } } });
    expect(await checkOdooLogin(api, ['crm', 'project'])).toMatchObject({ passed: false, detail: { not_installed: ['project'] } });
    odoo.addUser('clerk', 'clerk-pw');
    const clerk = new OdooApi(new OdooClient({ url: odoo.url, db: 'acme', login: 'clerk', password: 'clerk-pw' }));
    expect(await checkOdooLogin(clerk, [])).toMatchObject({ passed: false, detail: { admin: false } });

    const before = odoo.records('crm.lead').length;
    const config = system.runtime.config;
    const roundtrip = await checkIntegrationRoundtrip(api, dataSource, config, { tenantId: TENANT, runId: run.id }, SITE);
    expect(roundtrip).toMatchObject({ passed: true, detail: { routing_active: true, read_back: true, removed: true } });
    expect(odoo.records('crm.lead')).toHaveLength(before);
    expect(odoo.calls.some((c) => c.model === 'crm.lead' && c.modelMethod === 'unlink')).toBe(true);
  });

  it('rollback removes the routing, keeps the leads, and later submissions are stored but not delivered', async () => {
    const step = worker(ConfigureIntegrationStep);
    const leads = odoo.records('crm.lead').length;
    const pending = newId('msg');
    await dataSource.query(`INSERT INTO contact_submissions (id, tenant_id, site_id, name, email, message, client_address, status) VALUES ($1, $2, $3, 'Dan', 'dan@example.com', 'queued', '127.0.0.1', 'received')`, [pending, TENANT, SITE]);
    const undone = await step.rollback(context('integrate', 'integration.configure', integration), { result: { site: SITE } });
    expect(undone.result).toMatchObject({ mode: 'live', site: SITE, submissions_marked_undelivered: 1, kept: expect.stringMatching(/stay: they are the business/) });
    expect(undone.result.leads_kept).toBeGreaterThanOrEqual(2);
    expect(await new LeadRouting(dataSource).find(TENANT, SITE)).toBeNull();
    // Safe twice.
    expect((await step.rollback(context('integrate', 'integration.configure', integration), { result: { site: SITE } })).result.undone).toMatch(/^nothing/);

    const later = await submit('Eve', 'After the rollback');
    expect(later.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await submission(later.body.submission_id)).toMatchObject({ status: 'received', lead_id: null });
    expect(await submission(pending)).toMatchObject({ status: 'undelivered', lead_id: null });
    expect(odoo.records('crm.lead')).toHaveLength(leads);
    // A job still queued for a site whose routing is gone marks its submission undelivered instead of creating a lead.
    expect(await worker(LeadDelivery).deliver({ tenantId: TENANT, submissionId: later.body.submission_id }, false)).toEqual({ outcome: 'not_routed', leadId: null });
  });
});
