import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_CATALOGUE } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const COMPLETE_EXAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));

describe('rollback end to end (gateway + workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  // A private copy of the templates, so one test can break a template between review and execution.
  const templatesDir = mkdtempSync(join(tmpdir(), 'bf-templates-'));
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const briefing = (domain: string, extra: object = {}) => ({ ...COMPLETE_EXAMPLE, dry_run: true, website_config: { ...COMPLETE_EXAMPLE.website_config, domain }, ...extra });
  const plan = async (body: object) => (await call('POST', '/api/factory/plan', body)).body;
  const settled = (planId: string, statuses: string[]) =>
    eventually(async () => {
      const { body } = await call('GET', `/api/factory/${planId}`);
      return statuses.includes(body.status) && body.run?.status !== 'running' ? body : undefined;
    });

  beforeAll(async () => {
    cpSync(join(__dirname, '../../templates'), templatesDir, { recursive: true });
    system = await startTestSystem('rollback', { TEMPLATES_DIR: templatesDir });
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(templatesDir, { recursive: true, force: true });
  });

  it('rolls back every completed step through the workers, in reverse completion order, with the seed response', async () => {
    const p = await plan(briefing('undo-all.example'));
    await call('POST', `/api/factory/execute?plan_id=${p.plan_id}&confirm=true`);
    const done = await settled(p.plan_id, ['completed']);
    const rollback = await call('POST', `/api/factory/${p.plan_id}/rollback`);
    expect(rollback.status).toBe(200);
    expect(rollback.body).toMatchObject({ plan_id: p.plan_id, success: true, status: 'rolled_back', steps_rolled_back: 8, errors: [] });
    expect(Date.parse(rollback.body.timestamp)).not.toBeNaN();
    const after = (await call('GET', `/api/factory/${p.plan_id}`)).body;
    expect(after.status).toBe('rolled_back');
    expect(after.steps.every((step: any) => step.status === 'rolled_back')).toBe(true);

    const events = (await call('GET', `/api/sovereign/audit/events?plan_id=${p.plan_id}&limit=200`)).body.events;
    const undone = events.filter((e: any) => e.event_type === 'factory.step_rolled_back').map((e: any) => e.metadata.step_id);
    const completionOrder = [...done.steps].sort((a: any, b: any) => Date.parse(a.finished_at) - Date.parse(b.finished_at) || a.sequence - b.sequence).map((s: any) => s.step_id);
    expect(undone).toEqual([...completionOrder].reverse());
    expect(events[events.length - 1]).toMatchObject({ event_type: 'factory.rollback_completed', success: true });
    expect((await call('POST', `/api/factory/${p.plan_id}/rollback`)).status).toBe(409);
    expect((await call('GET', `/api/v1/audit/verify?plan_id=${p.plan_id}`)).body.valid).toBe(true);
  });

  it('with ?to_step=N compensates only the steps after N', async () => {
    const p = await plan(briefing('undo-some.example'));
    await call('POST', `/api/factory/execute?plan_id=${p.plan_id}&confirm=true`);
    await settled(p.plan_id, ['completed']);
    const rollback = await call('POST', `/api/factory/${p.plan_id}/rollback?to_step=5`);
    expect(rollback.body).toMatchObject({ success: true, steps_rolled_back: 3 });
    const steps = (await call('GET', `/api/factory/${p.plan_id}`)).body.steps;
    expect(steps.map((s: any) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'rolled_back', 'rolled_back', 'rolled_back']);
    expect((await call('POST', `/api/factory/${p.plan_id}/rollback?to_step=abc`)).status).toBe(400);
  });

  it('auto-rolls back when a step fails mid-run (its template broke after review)', async () => {
    cpSync(join(templatesDir, 'websites/modern_landing_v1'), join(templatesDir, 'websites/doomed_v1'), { recursive: true });
    const manifest = join(templatesDir, 'websites/doomed_v1/manifest.json');
    const text = readFileSync(manifest, 'utf8').replace('"modern_landing_v1"', '"doomed_v1"');
    writeFileSync(manifest, text);
    const p = await plan(briefing('doomed.example', { website_config: { ...COMPLETE_EXAMPLE.website_config, domain: 'doomed.example', template: 'doomed_v1' } }));
    expect(p.plan_id).toBeDefined();
    // Preflight sees a missing template or manifest, so break what only rendering finds: the page template itself.
    appendFileSync(join(templatesDir, 'websites/doomed_v1/index.html.hbs'), '\n{{#each pages}}\n');

    expect((await call('POST', `/api/factory/execute?plan_id=${p.plan_id}&confirm=true`)).status).toBe(202);
    const end = await settled(p.plan_id, ['rolled_back', 'partially_rolled_back']);
    expect(end.status).toBe('rolled_back');
    expect(end.run).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^Parse error on line \d+/) } });
    const generate = end.steps.find((s: any) => s.action === 'website.generate');
    // A render error is not classified as permanent, so the step used all its tries first.
    expect(generate).toMatchObject({ status: 'failed', error: { permanent: false, attempts: JOB_CATALOGUE.webgen['website.generate'].retry.attempts } });
    // Whatever completed before the failure (the ERP branch) was compensated; nothing after it ran.
    const compensated = end.steps.filter((s: any) => s.status === 'rolled_back');
    expect(compensated.length).toBeGreaterThan(0);
    expect(end.steps.filter((s: any) => s.status === 'completed')).toEqual([]);
    expect(end.steps.find((s: any) => s.action === 'validation.run').status).toBe('pending');
    const types = (await call('GET', `/api/sovereign/audit/events?plan_id=${p.plan_id}&limit=200`)).body.events.map((e: any) => e.event_type);
    expect(types.indexOf('factory.execution_failed')).toBeLessThan(types.indexOf('factory.rollback_started'));
    expect(types[types.length - 1]).toBe('factory.rollback_completed');
  });

  it('allows one active run per domain across plans: the second gets 409 naming the active run', async () => {
    const [a, b] = [await plan(briefing('shared.example')), await plan(briefing('shared.example', { business_name: 'Other Owner GmbH' }))];
    const [ra, rb] = await Promise.all([
      call('POST', `/api/factory/execute?plan_id=${a.plan_id}&confirm=true`),
      call('POST', `/api/factory/execute?plan_id=${b.plan_id}&confirm=true`),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([202, 409]);
    const [winner, loser] = ra.status === 202 ? [ra, rb] : [rb, ra];
    expect(loser.body.message).toContain(`run ${winner.body.run_id}`);
    expect(loser.body.details.domain).toBe('shared.example');
    await settled(winner.body.plan_id, ['completed']);
  });

  it('cancel answers 409 for a run that is no longer running, and 404 for an unknown plan', async () => {
    const p = await plan(briefing('cancel-late.example'));
    await call('POST', `/api/factory/execute?plan_id=${p.plan_id}&confirm=true`);
    await settled(p.plan_id, ['completed']);
    expect((await call('POST', `/api/v1/plans/${p.plan_id}/cancel`)).status).toBe(409);
    expect((await call('POST', '/api/v1/plans/plan_000000000000/cancel')).status).toBe(404);
  });
});
