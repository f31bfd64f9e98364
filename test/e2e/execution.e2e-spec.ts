import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_CATALOGUE } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { FaultInjector } from '../support/fault-injector';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const COMPLETE_EXAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));

/**
 * The engine under faults: real gateway, queues, orchestrator and PostgreSQL,
 * with the webgen and odoo executors wrapped so a test can slow an attempt down
 * or fail it. Checks parallel branches, retry of transient errors and immediate
 * failure on permanent ones.
 */
describe('execution engine under injected delays and faults (real Redis and PostgreSQL)', () => {
  const faults = new FaultInjector();
  let system: RunningSystem;
  let domains = 0;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const planAndExecute = async () => {
    const domain = `engine-${++domains}.example`;
    const plan = (await call('POST', '/api/factory/plan', { ...COMPLETE_EXAMPLE, dry_run: true, website_config: { ...COMPLETE_EXAMPLE.website_config, domain } })).body;
    expect((await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`)).status).toBe(202);
    return plan;
  };
  /** Waits for the plan to reach one of `statuses` (a failed run with auto_rollback passes through 'failed' first). */
  const settled = (planId: string, statuses = ['completed']) =>
    eventually(async () => {
      const { body } = await call('GET', `/api/factory/${planId}`);
      return statuses.includes(body.status) ? body : undefined;
    }, 30_000);
  const ROLLED_BACK = ['rolled_back', 'partially_rolled_back'];
  const auditOf = async (planId: string) => (await call('GET', `/api/sovereign/audit/events?plan_id=${planId}&limit=500`)).body.events as any[];
  const stepOf = (state: any, action: string) => state.steps.find((step: any) => step.action === action);

  beforeAll(async () => {
    system = await startTestSystem('engine', {}, faults.workers());
  });
  afterAll(() => system?.stop());
  beforeEach(() => faults.reset());

  it('runs independent branches at the same time: the website and ERP roots overlap', async () => {
    faults.plan('website.generate', { delayMs: 400 });
    faults.plan('odoo.install_modules', { delayMs: 400 });
    const plan = await planAndExecute();
    const roots = plan.steps.filter((step: any) => step.depends_on.length === 0).map((step: any) => step.action);
    expect(roots).toEqual(expect.arrayContaining(['website.generate', 'odoo.install_modules']));
    const end = await settled(plan.plan_id);
    expect(end.run.status).toBe('completed');

    const [web] = faults.callsOf('website.generate');
    const [erp] = faults.callsOf('odoo.install_modules');
    // Each branch worked for 400 ms; they overlap when each started before the other finished.
    expect(web.startedAt).toBeLessThan(erp.finishedAt);
    expect(erp.startedAt).toBeLessThan(web.finishedAt);
    // The durable record says the same.
    const [webRow, erpRow] = [stepOf(end, 'website.generate'), stepOf(end, 'odoo.install_modules')];
    expect(Date.parse(webRow.started_at)).toBeLessThan(Date.parse(erpRow.finished_at));
    expect(Date.parse(erpRow.started_at)).toBeLessThan(Date.parse(webRow.finished_at));
  });

  it('retries a transient failure with backoff, then succeeds: the step is applied and audited once', async () => {
    faults.plan('odoo.install_modules', { fail: 'transient' });
    const plan = await planAndExecute();
    const end = await settled(plan.plan_id);
    expect(end.run.status).toBe('completed');

    const calls = faults.callsOf('odoo.install_modules');
    expect(calls.map((c) => c.outcome)).toEqual(['transient', 'ok']);
    // The catalogue's backoff (plus jitter) separates the attempts.
    expect(calls[1].startedAt - calls[0].finishedAt).toBeGreaterThanOrEqual(JOB_CATALOGUE.odoo['odoo.install_modules'].retry.backoffMs * 0.5);
    const step = stepOf(end, 'odoo.install_modules');
    const events = (await auditOf(plan.plan_id)).filter((e) => e.metadata.step_id === step.step_id);
    expect(events.map((e) => e.event_type)).toEqual(['factory.step_started', 'factory.step_completed']);
  });

  it('fails a permanent error at once, without retrying, and auto-rolls back what completed', async () => {
    faults.plan('odoo.install_modules', { fail: 'permanent' });
    const plan = await planAndExecute();
    const end = await settled(plan.plan_id, ROLLED_BACK);
    expect(end.run.status).toBe('failed');
    expect(faults.callsOf('odoo.install_modules').map((c) => c.outcome)).toEqual(['permanent']);
    expect(stepOf(end, 'odoo.install_modules')).toMatchObject({ status: 'failed', error: { permanent: true, attempts: 1, message: expect.stringContaining('403 forbidden') } });
    // Nothing that depends on the failed step ran.
    const dependents = plan.steps.filter((step: any) => step.depends_on.includes(stepOf(end, 'odoo.install_modules').step_id));
    expect(dependents.length).toBeGreaterThan(0);
    for (const dependent of dependents) expect(stepOf(end, dependent.action).status).toBe('pending');
    expect(end.status).toBe('rolled_back');
    const types = (await auditOf(plan.plan_id)).map((e) => e.event_type);
    expect(types).toContain('factory.execution_failed');
    expect(types[types.length - 1]).toBe('factory.rollback_completed');
  });

  it('fails after the last attempt when a transient error persists', async () => {
    const attempts = JOB_CATALOGUE.odoo['odoo.install_modules'].retry.attempts;
    faults.plan('odoo.install_modules', ...Array.from({ length: attempts }, () => ({ fail: 'transient' as const })));
    const plan = await planAndExecute();
    const end = await settled(plan.plan_id, ROLLED_BACK);
    expect(faults.callsOf('odoo.install_modules')).toHaveLength(attempts);
    expect(stepOf(end, 'odoo.install_modules')).toMatchObject({ status: 'failed', error: { permanent: false, attempts } });
    expect(end.run.status).toBe('failed');
  });
});
