import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { onLogLine } from '@bf/observability';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { FaultInjector } from '../support/fault-injector';
import { eventually, startTestSystem } from '../support/system';

const COMPLETE_EXAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));
const GENERATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A correlation id from the request travels with everything the request
 * causes: the answer's header, the planner's and workers' jobs and their log
 * lines, the run, every audit event of the plan and run, the evidence jobs.
 * Real gateway, workers, Redis and PostgreSQL; log lines are read as the
 * process writes them (the root logger's listeners).
 */
describe('correlation ids across requests, jobs, logs and audit events', () => {
  const faults = new FaultInjector();
  const logs: Record<string, any>[] = [];
  const stopListening = onLogLine((line) => logs.push(JSON.parse(line)));
  let system: RunningSystem;
  let domains = 0;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...authHeaders(system, 'admin'), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, correlationId: response.headers.get('x-correlation-id'), body: (await response.json()) as any };
  };
  const briefing = () => {
    const domain = `corr-${++domains}.example`;
    return { ...COMPLETE_EXAMPLE, dry_run: true, website_config: { ...COMPLETE_EXAMPLE.website_config, domain } };
  };
  const auditOf = async (query: string) => (await call('GET', `/api/sovereign/audit/events?${query}&limit=1000`)).body.events as any[];

  beforeAll(async () => {
    // info: the queue plumbing's job started/completed lines are what this suite reads. Workers send no
    // `running` report of their own within 10 s, so the last test's old-style report is the step's first.
    system = await startTestSystem('correlation', { LOG_LEVEL: 'info', SITE_SCREENSHOT: 'off', RUNNING_REPORT_DELAY_MS: '10000' }, faults.workers());
  });
  afterAll(async () => {
    stopListening();
    await system?.stop();
  });
  beforeEach(() => faults.reset());

  it("carries the caller's X-Correlation-Id from plan and execute to every job, log line and audit event of the run", async () => {
    const id = 'test-corr-123';
    const plan = await call('POST', '/api/factory/plan', briefing(), { 'x-correlation-id': id });
    expect(plan.status).toBe(201);
    expect(plan.correlationId).toBe(id);
    // Live progress (what the SSE route forwards) names the id too.
    const progress: any[] = [];
    const subscriber = system.runtime.redis.duplicate();
    subscriber.on('message', (_channel, message) => progress.push(JSON.parse(message)));
    await subscriber.subscribe(system.runtime.progress.channel(plan.body.plan_id));
    const execute = await call('POST', `/api/factory/execute?plan_id=${plan.body.plan_id}&confirm=true`, undefined, { 'x-correlation-id': id });
    expect(execute.status).toBe(202);
    expect(execute.correlationId).toBe(id);
    const runId: string = execute.body.run_id;

    // Signed evidence is the last thing a run causes (evidence.build → evidence.sign → evidence.finalize).
    await eventually(async () => ((await fetch(`${system.url}/api/factory/${plan.body.plan_id}/evidence`, { headers: authHeaders(system, 'admin') })).status === 200 ? true : undefined), 30_000);

    await subscriber.quit();
    expect(progress.map((event) => event.status)).toEqual(expect.arrayContaining(['running', 'completed']));
    expect(progress.filter((event) => event.correlationId !== id)).toEqual([]);

    const runEvents = await auditOf(`run_id=${runId}`);
    expect(runEvents.map((event) => event.event_type)).toEqual(expect.arrayContaining(['factory.execution_started', 'factory.step_started', 'factory.step_completed', 'factory.execution_completed']));
    expect(runEvents.filter((event) => event.correlation_id !== id)).toEqual([]);
    // The plan's own event came from the planner worker, through the plan.build job.
    const planEvents = await auditOf(`plan_id=${plan.body.plan_id}`);
    expect(planEvents.map((event) => event.event_type)).toContain('factory.plan_generated');
    expect(planEvents.filter((event) => event.correlation_id !== id)).toEqual([]);

    // The queue plumbing logged each job of the run once at its start and once at its end, with the id.
    const jobLines = logs.filter((line) => typeof line.jobId === 'string' && line.jobId.includes(runId));
    const stepJobIds = new Set(jobLines.filter((line) => line.queue !== 'step-status' && /\.a\d+$/.test(line.jobId)).map((line) => line.jobId));
    expect(stepJobIds.size).toBe(execute.body.steps_total);
    expect(new Set(jobLines.map((line) => line.queue))).toEqual(new Set(['webgen', 'dns', 'odoo', 'step-status', 'evidence', 'forge-sign']));
    expect(jobLines.map((line) => line.job)).toEqual(expect.arrayContaining(['evidence.build', 'evidence.sign', 'evidence.finalize']));
    expect(jobLines.filter((line) => line.correlation_id !== id)).toEqual([]);
    for (const jobId of new Set(jobLines.map((line) => line.jobId))) {
      const lines = jobLines.filter((line) => line.jobId === jobId);
      expect([jobId, lines.filter((line) => line.msg === 'job started').length]).toEqual([jobId, 1]);
      expect([jobId, lines.filter((line) => line.msg === 'job completed' && typeof line.ms === 'number' && line.level === 30).length]).toEqual([jobId, 1]);
    }

    const [stored] = await system.runtime.dataSource.query('SELECT correlation_id FROM runs WHERE id = $1', [runId]);
    expect(stored.correlation_id).toBe(id);
  });

  it('generates an id when the request has none or an unsafe one, takes X-Request-Id, and echoes it on errors', async () => {
    const none = await call('GET', '/api/factory/info');
    expect(none.status).toBe(200);
    expect(none.correlationId).toMatch(GENERATED);
    const again = await call('GET', '/api/factory/info');
    expect(again.correlationId).toMatch(GENERATED);
    expect(again.correlationId).not.toBe(none.correlationId);

    for (const unsafe of ['has spaces', 'x'.repeat(129), '<script>alert(1)</script>', 'a,b']) {
      const answer = await call('GET', '/api/factory/info', undefined, { 'x-correlation-id': unsafe });
      expect([unsafe, answer.correlationId]).toEqual([unsafe, expect.stringMatching(GENERATED)]);
    }
    expect((await call('GET', '/api/factory/info', undefined, { 'x-request-id': 'lb-req.42' })).correlationId).toBe('lb-req.42');

    // Errors, including a body the parser rejects before any route runs.
    const invalid = await call('POST', '/api/factory/plan', { business_name: '' }, { 'x-correlation-id': 'bad-body-1' });
    expect(invalid.status).toBe(400);
    expect(invalid.correlationId).toBe('bad-body-1');
    const malformed = await fetch(`${system.url}/api/factory/plan`, { method: 'POST', headers: { ...authHeaders(system, 'admin'), 'content-type': 'application/json', 'x-correlation-id': 'bad-json-1' }, body: '{"not json' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-correlation-id')).toBe('bad-json-1');
    const missing = await call('GET', '/api/factory/plan_doesnotexist', undefined, { 'x-correlation-id': 'not-found-1' });
    expect(missing.status).toBe(404);
    expect(missing.correlationId).toBe('not-found-1');

    // A generated id is used like a given one: the plan's audit event carries it.
    const plan = await call('POST', '/api/factory/plan', briefing(), { 'x-correlation-id': 'not safe!' });
    expect(plan.status).toBe(201);
    expect(plan.correlationId).toMatch(GENERATED);
    const events = await auditOf(`plan_id=${plan.body.plan_id}`);
    expect(events.map((event) => event.correlation_id)).toEqual([plan.correlationId]);
  });

  it("gives a job that arrives without an id (enqueued before ids existed) its run's id", async () => {
    // The website branch's first step is held up, and reports no `running` of its own in that time.
    faults.plan('website.generate', { delayMs: 1500 });
    const plan = await call('POST', '/api/factory/plan', briefing());
    const execute = await call('POST', `/api/factory/execute?plan_id=${plan.body.plan_id}&confirm=true`, undefined, { 'x-correlation-id': 'run-corr-7' });
    expect(execute.status).toBe(202);
    const runId: string = execute.body.run_id;
    const step = plan.body.steps.find((candidate: any) => candidate.action === 'website.generate');
    // An old-style report: job data without the correlation envelope, straight onto the step-status queue.
    const [{ tenant_id: tenantId }] = await system.runtime.dataSource.query('SELECT tenant_id FROM runs WHERE id = $1', [runId]);
    const queue = new Queue('step-status', { connection: system.runtime.redis, prefix: system.runtime.config.redis.queuePrefix });
    try {
      await queue.add('step.report', { status: 'running', tenantId, runId, stepId: step.step_id, attempt: 1, worker: 'old-worker', at: new Date().toISOString() });
    } finally {
      await queue.close();
    }
    const started = await eventually(async () => {
      const events = await auditOf(`run_id=${runId}`);
      return events.find((event) => event.event_type === 'factory.step_started' && event.metadata.step_id === step.step_id);
    });
    expect(started.correlation_id).toBe('run-corr-7');
  });
});
