import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, otherTenantHeaders } from '../support/auth';
import { FaultInjector } from '../support/fault-injector';
import { eventually, startTestSystem } from '../support/system';

const SAMPLE = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));

/**
 * Seed 004 execution history: GET /api/v1/runs (filters, newest first, cursor
 * pages that new runs do not disturb) and GET /api/v1/runs/{id} (steps with
 * timing, attempts and cost, the run's response metadata); 404 for a run that is
 * unknown or another tenant's.
 */
describe('execution history (gateway + workers, real Redis and PostgreSQL)', () => {
  const faults = new FaultInjector();
  let system: RunningSystem;
  let domains = 0;
  let since: string;
  const call = async (method: string, path: string, headers: Record<string, string> = authHeaders(system, 'operator')) => {
    const response = await fetch(`${system.url}${path}`, { method, headers });
    return { status: response.status, body: (await response.json()) as any };
  };
  const viewer = (path: string) => call('GET', path, authHeaders(system, 'viewer'));
  /** Plans a dry run of the sample briefing on a domain of its own, executes it and waits for its end. */
  const run = async (statuses = ['completed']) => {
    const domain = `history-${++domains}.example`;
    const body = JSON.stringify({ ...SAMPLE, dry_run: true, auto_rollback: false, website_config: { ...SAMPLE.website_config, domain } });
    const planned = await fetch(`${system.url}/api/factory/plan`, { method: 'POST', headers: { ...authHeaders(system, 'operator'), 'content-type': 'application/json' }, body });
    const plan = (await planned.json()) as any;
    const started = await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);
    expect(started.status).toBe(202);
    await eventually(async () => {
      const { body: view } = await call('GET', `/api/factory/${plan.plan_id}`);
      return statuses.includes(view.status) && view.run?.status !== 'running' ? view : undefined;
    }, 30_000);
    return { planId: plan.plan_id as string, runId: started.body.run_id as string };
  };
  /** Every run of this suite (started since `since`), newest first, following the cursor `limit` at a time. */
  const allPages = async (limit: number, between?: () => Promise<unknown>) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await viewer(`/api/v1/runs?since=${since}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)).body;
      ids.push(...page.runs.map((entry: any) => entry.run_id));
      cursor = page.next_cursor;
      if (between) await between();
      between = undefined;
    } while (cursor);
    return ids;
  };

  beforeAll(async () => {
    system = await startTestSystem('history', {}, faults.workers());
    since = new Date(Date.now() - 1000).toISOString();
  });
  afterAll(() => system?.stop());
  beforeEach(() => faults.reset());

  it('lists runs newest first with seed 004 metadata, filtered by plan, status and time', async () => {
    const first = await run();
    faults.plan('website.generate', { fail: 'permanent' });
    const failed = await run(['failed']);
    const third = await run();

    const listed = (await viewer(`/api/v1/runs?since=${since}`)).body;
    expect(listed.runs.map((entry: any) => entry.run_id)).toEqual([third.runId, failed.runId, first.runId]);
    expect(listed.next_cursor).toBeNull();
    expect(listed.runs[0]).toMatchObject({
      run_id: third.runId,
      plan_id: third.planId,
      status: 'completed',
      dry_run: true,
      source: 'briefing',
      started_at: expect.stringMatching(/Z$/),
      finished_at: expect.stringMatching(/Z$/),
      error: null,
      metadata: { duration_ms: expect.any(Number), credits_reserved: 0, credits_consumed: 0, steps_total: 8, steps_executed: 8, steps_completed: 8, steps_failed: 0, steps_dry_run: 8 },
    });
    expect(listed.runs[1]).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('403 forbidden') }, metadata: { steps_failed: 1 } });

    expect((await viewer(`/api/v1/runs?plan_id=${first.planId}`)).body.runs.map((entry: any) => entry.run_id)).toEqual([first.runId]);
    expect((await viewer(`/api/v1/runs?since=${since}&status=failed`)).body.runs.map((entry: any) => entry.run_id)).toEqual([failed.runId]);
    const between = (await viewer(`/api/v1/runs?since=${since}&status=completed`)).body.runs.map((entry: any) => entry.run_id);
    expect(between).toEqual([third.runId, first.runId]);
    const startOfFailed = (await viewer(`/api/v1/runs/${failed.runId}`)).body.started_at;
    const upTo = (await viewer(`/api/v1/runs?since=${since}&until=${startOfFailed}`)).body.runs.map((entry: any) => entry.run_id);
    expect(upTo).toEqual([first.runId]);
  });

  it('shows one run with its steps: status, times, duration, attempts and cost', async () => {
    const { runId, planId } = await run();
    const { status, body } = await viewer(`/api/v1/runs/${runId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ run_id: runId, plan_id: planId, status: 'completed', metadata: { steps_total: 8, credits_consumed: 0 } });
    expect(body.steps.map((step: any) => step.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const step of body.steps) {
      expect(step).toMatchObject({ status: 'completed', dry_run: true, cost: 0, attempts: expect.any(Number), duration_ms: expect.any(Number) });
      // Stored to the microsecond, shown rounded to the millisecond.
      expect(Math.abs(Date.parse(step.finished_at) - Date.parse(step.started_at) - step.duration_ms)).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(Date.parse(body.finished_at) - Date.parse(body.started_at) - body.metadata.duration_ms)).toBeLessThanOrEqual(1);
  });

  it('pages with a cursor that new runs do not disturb', async () => {
    const before = await allPages(100);
    expect(before.length).toBeGreaterThanOrEqual(4);
    let added = '';
    // A run started while paging is newer than every page: it appears on none of the later pages.
    const paged = await allPages(1, async () => {
      added = (await run()).runId;
    });
    expect(paged).toEqual(before);
    expect((await allPages(100))[0]).toBe(added);
    expect(await allPages(3)).toEqual([added, ...before]);
  });

  it('answers 404 for an unknown run, a malformed id and another tenant`s run; 400 for bad filters', async () => {
    const { runId } = await run();
    expect((await viewer('/api/v1/runs/run_000000000000')).status).toBe(404);
    expect((await viewer('/api/v1/runs/not-a-run')).status).toBe(404);
    const other = otherTenantHeaders(system, 'viewer');
    expect((await call('GET', `/api/v1/runs/${runId}`, other)).status).toBe(404);
    const listed = await call('GET', `/api/v1/runs?since=${since}`, other);
    expect(listed.status).toBe(200);
    expect(listed.body.runs).toEqual([]);
    const bad = await viewer('/api/v1/runs?status=done&limit=0&since=yesterday&cursor=xyz');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((detail: any) => detail.path).sort()).toEqual(['cursor', 'limit', 'since', 'status']);
  });
});
