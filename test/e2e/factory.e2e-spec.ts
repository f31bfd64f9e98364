import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_CAPABLE_ACTIONS, SYSTEM_VERSION } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

/** Seed 000 Quick Start, verbatim. */
const QUICK_START = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-quick-start.json'), 'utf8'));
const COMPLETE_EXAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));

describe('factory API end to end (gateway + seven workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  let api: (path: string, init?: RequestInit) => Promise<{ status: number; body: any; headers: Headers; raw: Buffer }>;

  beforeAll(async () => {
    system = await startTestSystem('factory');
    api = async (path, init) => {
      const response = await fetch(`${system.url}${path}`, { ...init, headers: { ...authHeaders(system, roleFor(path)), ...(init?.headers as Record<string, string> | undefined) } });
      const raw = Buffer.from(await response.arrayBuffer());
      const json = response.headers.get('content-type')?.includes('json');
      return { status: response.status, body: json ? JSON.parse(raw.toString()) : undefined, headers: response.headers, raw };
    };
  });
  afterAll(() => system?.stop());

  const postJson = (path: string, body: unknown) =>
    api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function runToEnd(planId: string) {
    return eventually(async () => {
      const { body } = await api(`/api/factory/${planId}`);
      return body.run && body.run.status !== 'running' ? body : undefined;
    });
  }

  it('1. plans the seed 000 Quick Start briefing in the seed shape', async () => {
    const { status, body, headers } = await postJson('/api/factory/plan', QUICK_START);
    expect(status).toBe(201);
    expect(headers.get('location')).toBe(`/api/factory/${body.plan_id}`);
    expect(body).toMatchObject({ business_name: 'Acme Consulting GmbH', business_type: 'consulting', status: 'draft', steps_total: 6 });
    expect(body.plan_id).toMatch(/^plan_[0-9a-f]{12}$/);
    expect(body.briefing_id).toMatch(/^brief_[0-9a-f]{12}$/);
    for (const step of body.steps) {
      expect(Object.keys(step)).toEqual(
        expect.arrayContaining(['step_id', 'sequence', 'name', 'description', 'executor', 'template_id', 'parameters', 'depends_on', 'status', 'rollback_possible', 'rollback_steps']),
      );
      expect(step.status).toBe('pending');
    }
    expect(body.steps.map((step: any) => [step.name, step.executor])).toEqual([
      ['Generate Website', 'webgen'],
      ['Deploy Website', 'webgen'],
      ['Configure DNS', 'dns'],
      ['Install Odoo Modules', 'odoo'],
      ['Configure Fiscal Settings', 'odoo'],
      ['Final Validation', 'validation'],
    ]);
    expect(body.risk_assessment).toMatchObject({ overall_risk_level: 'medium', estimated_cost_euros: 0 });
    expect(body.risk_assessment.risks[0]).toEqual(
      expect.objectContaining({ risk_id: expect.any(String), severity: expect.any(String), probability: expect.any(String), impact: expect.any(String), mitigation: expect.any(String) }),
    );
  });

  it('2+3. executes a dry-run plan through every worker in dependency order and serves a verifiable evidence pack', async () => {
    const planned = await postJson('/api/factory/plan', { ...COMPLETE_EXAMPLE, dry_run: true });
    expect(planned.status).toBe(201);
    const planId = planned.body.plan_id;
    const stepsById = new Map<string, any>(planned.body.steps.map((step: any) => [step.step_id, step]));

    const started = await api(`/api/factory/execute?plan_id=${planId}&confirm=true`, { method: 'POST' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ plan_id: planId, status: 'executing', dry_run: true, steps_total: 8 });
    // Only the steps without prerequisites go out first: the website and ERP branches, in parallel.
    expect(started.body.steps_dispatched.map((id: string) => stepsById.get(id).name).sort()).toEqual(['Generate Website', 'Install Odoo Modules']);

    const done = await runToEnd(planId);
    expect(done.status).toBe('completed');
    expect(done.run).toMatchObject({ status: 'completed', dry_run: true });
    expect(done.run.dry_run_steps).toHaveLength(8);
    expect(done.steps.map((step: any) => [step.status, step.mode])).toEqual(Array(8).fill(['completed', 'dry_run']));
    expect(done.run.context).toMatchObject({ deployed_url: 'https://acme.example', odoo_modules: ['crm', 'project', 'hr_timesheet', 'account'] });

    // Each step went pending -> running -> completed, and started only after its prerequisites completed.
    const audit = await api(`/api/sovereign/audit/events?plan_id=${planId}&limit=1000`);
    const events: any[] = audit.body.events;
    expect(events[0].event_type).toBe('factory.plan_generated');
    expect(events[1].event_type).toBe('factory.execution_started');
    expect(events[events.length - 1].event_type).toBe('factory.execution_completed');
    const indexOf = (type: string, stepId: string) => events.findIndex((event) => event.event_type === type && event.metadata.step_id === stepId);
    for (const step of done.steps) {
      const startedAt = indexOf('factory.step_started', step.step_id);
      const completedAt = indexOf('factory.step_completed', step.step_id);
      expect(startedAt).toBeGreaterThan(1);
      expect(completedAt).toBeGreaterThan(startedAt);
      for (const dep of step.depends_on) expect(indexOf('factory.step_completed', dep)).toBeLessThan(startedAt);
      expect(Date.parse(step.started_at)).toBeLessThanOrEqual(Date.parse(step.finished_at));
    }

    const pack = await eventually(async () => {
      const response = await api(`/api/factory/${planId}/evidence`);
      return response.status === 200 && response.headers.get('x-evidence-signed') === 'true' ? response : undefined;
    });
    expect(pack.headers.get('content-type')).toBe('application/zip');
    const dir = mkdtempSync(join(tmpdir(), 'bf-evidence-'));
    writeFileSync(join(dir, 'pack.zip'), pack.raw);
    execFileSync('unzip', ['-q', 'pack.zip', '-d', 'unpacked'], { cwd: dir });
    const unpacked = join(dir, 'unpacked');
    const verified = execFileSync('sha256sum', ['-c', 'verification_checksums.txt'], { cwd: unpacked }).toString();
    expect(verified).toMatch(/plan\.json: OK/);
    expect(verified).toMatch(/briefing\.json: OK/);
    expect(verified).toMatch(/audit_events\.jsonl: OK/);
    expect(verified).not.toMatch(/FAILED/);
    const lines = readFileSync(join(unpacked, 'audit_events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((event) => event.event_type)).toEqual(events.map((event) => event.event_type));
    expect(JSON.parse(readFileSync(join(unpacked, 'briefing.json'), 'utf8')).business_name).toBe('Acme Consulting GmbH');
    expect(JSON.parse(readFileSync(join(unpacked, 'plan.json'), 'utf8')).plan_id).toBe(planId);
    // The pack pins the plan's audit chain head, and the exported events carry their links.
    const chain = JSON.parse(readFileSync(join(unpacked, 'audit_chain.json'), 'utf8'));
    expect(chain).toMatchObject({ chain_key: `plan:${planId}`, head_hash: lines[lines.length - 1].hash });
    lines.slice(1).forEach((event, index) => expect(event.prev_hash).toBe(lines[index].hash));
    expect((await api(`/api/v1/audit/verify?plan_id=${planId}`)).body).toMatchObject({ valid: true, first_broken: null });

    // A tampered file is caught by the same standard tool.
    writeFileSync(join(unpacked, 'plan.json'), '{}');
    expect(() => execFileSync('sha256sum', ['-c', '--quiet', 'verification_checksums.txt'], { cwd: unpacked, stdio: 'pipe' })).toThrow();
  });

  it('4. answers bad input with clear 4xx errors, never a 500', async () => {
    const noConfirm = await api('/api/factory/execute?plan_id=plan_000000000000', { method: 'POST' });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(noConfirm.body.message).toMatch(/confirm=true is required/);

    const unknownExecute = await api('/api/factory/execute?plan_id=plan_000000000000&confirm=true', { method: 'POST' });
    expect(unknownExecute.status).toBe(404);
    expect((await api('/api/factory/plan_000000000000')).status).toBe(404);
    expect((await api('/api/factory/not-a-plan-id')).status).toBe(404);
    expect((await api('/api/factory/plan_000000000000/evidence')).status).toBe(404);

    const bad = await postJson('/api/factory/plan', {
      ...QUICK_START,
      business_type: 'bakery',
      website_config: { ...QUICK_START.website_config, primary_color: 'blue' },
      erp_config: { modules: ['crm', 'astrology'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((detail: any) => detail.path).sort()).toEqual(['business_type', 'erp_config.modules.1', 'website_config.primary_color']);

    const malformed = await api('/api/factory/plan', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"business_name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/malformed JSON/);

    const notAnObject = await postJson('/api/factory/plan', ['a']);
    expect(notAnObject.status).toBe(400);
  });

  it('refuses a live run whose ERP steps have no Odoo to act on, with every reason (422), and changes nothing', async () => {
    const planned = await postJson('/api/factory/plan', { ...QUICK_START, dry_run: false });
    const response = await api(`/api/factory/execute?plan_id=${planned.body.plan_id}&confirm=true`, { method: 'POST' });
    expect(response.status).toBe(422);
    expect(response.body.details.preflight.passed).toBe(false);
    const failed = response.body.details.preflight.checks.filter((check: any) => !check.passed);
    // Every step has a live mode; the ERP steps need an Odoo, which this system has none of.
    expect(planned.body.steps.every((step: any) => LIVE_CAPABLE_ACTIONS.includes(step.action))).toBe(true);
    expect(failed.map((check: any) => check.check)).toEqual(['odoo']);
    expect(failed[0].detail).toBe('the plan has Odoo steps but Odoo is not configured: ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD are not set');
    expect(response.body.message).toMatch(/dry_run_unavailable=true/);
    // The embedded DNS server, the deploy target, the disk, the template and every step's live mode are fine.
    const passed = response.body.details.preflight.checks.filter((check: any) => check.passed).map((check: any) => check.check);
    expect(passed).toEqual(expect.arrayContaining(['deploy_target', 'disk_space', 'dns_provider', 'mode', 'template:modern_landing_v1', 'web_target', ...planned.body.steps.map((step: any) => `live:${step.action}`)]));
    expect((await api(`/api/factory/${planned.body.plan_id}`)).body).toMatchObject({ status: 'draft', run: null });
  });

  it('answers a concurrent second execute of the same plan with 409 naming the active run', async () => {
    const planned = await postJson('/api/factory/plan', { ...QUICK_START, dry_run: true });
    const url = `/api/factory/execute?plan_id=${planned.body.plan_id}&confirm=true`;
    const [a, b] = await Promise.all([api(url, { method: 'POST' }), api(url, { method: 'POST' })]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([202, 409]);
    const [winner, loser] = a.status === 202 ? [a, b] : [b, a];
    expect(loser.body.message).toContain(winner.body.run_id);
    await runToEnd(planned.body.plan_id);
  });

  it('streams progress as Server-Sent Events: a snapshot, then every step transition until the run ends', async () => {
    const planned = await postJson('/api/factory/plan', { ...QUICK_START, dry_run: true });
    const planId = planned.body.plan_id;
    const controller = new AbortController();
    const stream = await fetch(`${system.url}/api/factory/${planId}/events`, { signal: controller.signal, headers: authHeaders(system, 'viewer') });
    try {
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events: { event: string; data: any }[] = [];
      const reading = (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
            if (event === 'progress' && JSON.parse(data!).kind === 'run' && JSON.parse(data!).status === 'completed') return;
          }
        }
      })();
      await eventually(async () => (events.length ? true : undefined));
      expect(events[0]).toMatchObject({ event: 'snapshot', data: { plan_id: planId, status: 'draft', run: null } });
      expect((await api(`/api/factory/execute?plan_id=${planId}&confirm=true`, { method: 'POST' })).status).toBe(202);
      await reading;
      const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
      for (const step of planned.body.steps) {
        expect(progress.filter((e) => e.stepId === step.step_id).map((e) => e.status)).toEqual(['running', 'completed']);
      }
      expect(progress[progress.length - 1]).toMatchObject({ kind: 'run', status: 'completed', planId });
    } finally {
      controller.abort();
    }
    expect((await api('/api/factory/plan_000000000000/events')).status).toBe(404);
  });

  it('serves health, metrics, the template list and seed 000 audit queries', async () => {
    // Readiness in full: test/integration/health.int-spec.ts.
    for (const path of ['/health', '/health/ready']) expect((await api(path)).body).toMatchObject({ status: 'healthy', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    expect((await api('/health/live')).body).toEqual({ status: 'alive' });
    const healthz = await api('/api/healthz');
    expect(healthz.status).toBe(200);
    expect(healthz.body).toEqual({
      status: 'healthy',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      version: SYSTEM_VERSION,
      environment: 'development',
      checks: {
        database: { status: 'healthy', responseTime: expect.any(Number), details: { connectionPool: 'active', migrations: 'up_to_date' } },
        redis: { status: 'healthy', responseTime: expect.any(Number), details: { connection: 'active', memory: expect.stringMatching(/^used_memory:\d+$/) } },
        queue: { status: 'healthy', responseTime: expect.any(Number), details: expect.objectContaining({ name: 'step-status' }) },
        workers: { status: 'healthy', responseTime: expect.any(Number), details: { queues: expect.any(Object) } },
      },
    });
    const metrics = await api('/metrics');
    expect(metrics.raw.toString()).toMatch(/bf_jobs_processed_total\{queue="webgen",job="website.generate",outcome="completed"\} \d+/);
    const templates = await api('/api/factory/templates');
    expect(templates.body.map((t: any) => t.template_id)).toContain('modern_landing_v1');
    const generated = await api('/api/sovereign/audit/events?event_type=factory.plan_generated');
    expect(generated.status).toBe(200);
    expect(generated.body.events.every((event: any) => event.event_type === 'factory.plan_generated')).toBe(true);
    expect((await api('/api/sovereign/audit/events?event_type=factory.nonsense')).status).toBe(400);
  });

  it('resolves a business idea through the intent worker (seed 001)', async () => {
    const { status, body } = await postJson('/api/pipeline/intent/resolve', { vision: 'Ich möchte eine IT-Beratung in Berlin gründen', region: 'Berlin' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ business_type: 'SERVICE', industry: 'CONSULTING', region: { currency: 'EUR', timezone: 'Europe/Berlin' } });
    expect((await postJson('/api/pipeline/intent/resolve', { vision: '' })).status).toBe(400);
  });
});
