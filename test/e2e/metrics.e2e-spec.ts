import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { freePort } from '../support/net';
import { authHeaders } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

/**
 * What Prometheus scrapes after real work: the families the dashboards and
 * alerts use are there, promtool's linter accepts the exposition, and no label
 * carries a plan id, run id or domain.
 */
describe('Prometheus metrics (gateway + workers in one process)', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startTestSystem('metrics', { PORT: String(await freePort()), SITE_SCREENSHOT: 'off' });
  });
  afterAll(() => system?.stop());

  it('exposes the pipeline, step, queue, evidence and HTTP families in a form promtool accepts, with bounded labels', async () => {
    const sample = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));
    const briefing = { ...sample, dry_run: true, website_config: { ...sample.website_config, domain: 'metrics-run.example' } };
    const plan: any = await (await fetch(`${system.url}/api/factory/plan`, { method: 'POST', headers: { ...authHeaders(system, 'operator'), 'content-type': 'application/json' }, body: JSON.stringify(briefing) })).json();
    expect((await fetch(`${system.url}/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`, { method: 'POST', headers: authHeaders(system, 'operator') })).status).toBe(202);
    await eventually(async () => ((await fetch(`${system.url}/api/factory/${plan.plan_id}/evidence`, { headers: authHeaders(system, 'viewer') })).status === 200 ? true : undefined), 30_000);

    const exposition = await eventually(async () => {
      const text = await (await fetch(`${system.url}/metrics`)).text();
      return /bf_queue_jobs\{/.test(text) && /bf_evidence_duration_seconds_count\{phase="finalize"\}/.test(text) ? text : undefined;
    }, 15_000);
    for (const family of [
      'bf_http_request_duration_seconds_bucket{le="0.001",method="POST",route="/api/factory/plan",status="201"}',
      'bf_runs_finished_total{outcome="completed",mode="dry_run"}',
      'bf_step_duration_seconds_count{executor="webgen",action="website.generate",mode="dry_run",outcome="completed"}',
      'bf_jobs_processed_total{queue="webgen",job="website.generate",outcome="completed"}',
      'bf_queue_jobs{queue="webgen",state="waiting"}',
      'bf_evidence_duration_seconds_count{phase="sign"}',
      'bf_process_cpu_seconds_total',
    ]) {
      expect(exposition).toContain(family);
    }
    expect(exposition).not.toMatch(/plan_[0-9a-f]{12}|run_[0-9a-f]{12}|step_[0-9a-f]{12}|metrics-run\.example/);

    const lint = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect({ status: lint.status, problems: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({ status: 0, problems: '' });
  });
});
