import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { INestApplication } from '@nestjs/common';
import { createGateway } from '../../apps/gateway/src/gateway-bootstrap';
import { RunningSystem, WORKERS } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';
import { currentTestEnv } from '../support/test-env';

const QUICK_START = require('../../templates/briefings/acme-quick-start.json');
const LOCK_MS = 1500;

/**
 * Crash safety with real processes: a worker SIGKILLed mid-step, the gateway
 * (orchestrator) restarted mid-run, Redis stopped mid-run. In each case the run
 * must reach its terminal state with every step applied exactly once.
 */
describe('crash safety (real processes, Redis and PostgreSQL)', () => {
  const call = async (system: RunningSystem, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const planAndExecute = async (system: RunningSystem, domain: string) => {
    const plan = (await call(system, 'POST', '/api/factory/plan', { ...QUICK_START, dry_run: true, website_config: { ...QUICK_START.website_config, domain } })).body;
    const started = await call(system, 'POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);
    expect(started.status).toBe(202);
    return plan;
  };
  const completed = (system: RunningSystem, planId: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const { body } = await call(system, 'GET', `/api/factory/${planId}`);
      return body.run?.status === 'completed' ? body : undefined;
    }, timeoutMs);
  /** Every step started and completed exactly once, in the audit trail. */
  const expectEachStepOnce = async (system: RunningSystem, plan: any) => {
    const events = (await call(system, 'GET', `/api/sovereign/audit/events?plan_id=${plan.plan_id}&limit=500`)).body.events;
    for (const step of plan.steps) {
      for (const type of ['factory.step_started', 'factory.step_completed']) {
        expect(events.filter((e: any) => e.event_type === type && e.metadata.step_id === step.step_id)).toHaveLength(1);
      }
    }
    expect(events.filter((e: any) => e.event_type === 'factory.execution_completed')).toHaveLength(1);
    expect((await call(system, 'GET', `/api/v1/audit/verify?plan_id=${plan.plan_id}`)).body.valid).toBe(true);
  };

  describe('with the shared Redis', () => {
    let system: RunningSystem;
    beforeAll(async () => {
      system = await startTestSystem('crash', { WORKER_LOCK_MS: String(LOCK_MS) });
    });
    afterAll(() => system?.stop());

    it('finishes a run exactly once after a worker process is SIGKILLed mid-step', async () => {
      const env = currentTestEnv();
      const webgen = system.workers[WORKERS.findIndex(([queue]) => queue === 'webgen')].unwrap<Worker>();
      await webgen.pause(true);
      let crashing: ChildProcess | undefined;
      try {
        const plan = await planAndExecute(system, 'crash-worker.example');
        crashing = spawn(process.execPath, [join(__dirname, '../support/take-job-and-hang.js'), env.redisUrl, `${env.queuePrefix}_crash`, 'webgen', String(LOCK_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
        // Pausing the local worker is not airtight (it may already be waiting on Redis), so
        // follow whichever webgen step the crashing process took: its job id is run.step.aN.
        const taken = await new Promise<string>((resolve) => crashing!.stdout!.once('data', (data) => resolve(String(data).trim().split(' ')[1])));
        const stepId = taken.split('.')[1];
        expect(plan.steps.map((s: any) => s.step_id)).toContain(stepId);
        // The step is now running in the other process, as the durable state shows.
        const stepStatus = async () => (await call(system, 'GET', `/api/factory/${plan.plan_id}`)).body.steps.find((s: any) => s.step_id === stepId).status;
        await eventually(async () => ((await stepStatus()) === 'running' ? true : undefined));
        crashing.kill('SIGKILL');
        webgen.resume();
        const done = await completed(system, plan.plan_id);
        expect(done.steps.find((s: any) => s.step_id === stepId)).toMatchObject({ status: 'completed', mode: 'dry_run' });
        await expectEachStepOnce(system, plan);
      } finally {
        crashing?.kill('SIGKILL');
        webgen.resume();
      }
    });

    it('ignores a duplicated delivery of a step job whose outcome is recorded', async () => {
      const plan = await planAndExecute(system, 'crash-duplicate.example');
      await completed(system, plan.plan_id);
      const before = (await call(system, 'GET', `/api/sovereign/audit/events?plan_id=${plan.plan_id}&limit=500`)).body.events.length;
      const generate = plan.steps.find((s: any) => s.action === 'website.generate');
      const run = (await call(system, 'GET', `/api/factory/${plan.plan_id}`)).body.run;
      // The same step job again, under another job id: what a redelivery after job cleanup looks like.
      const duplicate = await system.runtime.producer.enqueue(
        'webgen',
        'website.generate',
        { tenantId: 'tenant_default', planId: plan.plan_id, runId: run.run_id, stepId: generate.step_id, attempt: 1, dryRun: true },
        { jobId: 'duplicate-delivery' },
      );
      const result = await eventually(async () => (await duplicate.isCompleted()) ? (await system.runtime.producer.queue('webgen').getJob('duplicate-delivery'))!.returnvalue : undefined);
      expect(result).toEqual({ reported: 'completed', dryRun: true });
      const after = (await call(system, 'GET', `/api/sovereign/audit/events?plan_id=${plan.plan_id}&limit=500`)).body.events.length;
      expect(after).toBe(before);
      await expectEachStepOnce(system, plan);
    });

    it('finishes a run after the gateway (the orchestrator) goes down mid-run and comes back', async () => {
      const plan = await planAndExecute(system, 'crash-gateway.example');
      await system.gateway.close();
      // Workers keep reporting; the reports wait, durably, in the step-status queue.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = await system.runtime.dataSource.query('SELECT status FROM runs WHERE plan_id = $1', [plan.plan_id]);
      expect(before[0].status).toBe('running');
      const restarted: INestApplication = await createGateway(system.runtime);
      await restarted.listen(0, '127.0.0.1');
      system.gateway = restarted;
      const url = `http://127.0.0.1:${(restarted.getHttpServer().address() as { port: number }).port}`;
      system.url = url;
      await completed(system, plan.plan_id);
      await expectEachStepOnce(system, plan);
    });
  });

  describe('with a private Redis that is stopped mid-run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-redis-'));
    let port = 0;
    let redis: ChildProcess | undefined;
    let system: RunningSystem;
    const startRedis = async () => {
      // Append-only file with fsync always: a stop and restart keeps every queue entry.
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
      await eventually(async () => (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG' ? true : undefined), 10_000);
    };

    beforeAll(async () => {
      port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = server.address() as { port: number };
          server.close(() => resolve(free));
        });
      });
      await startRedis();
      system = await startTestSystem('crash_redis', { REDIS_URL: `redis://127.0.0.1:${port}`, WORKER_LOCK_MS: String(LOCK_MS) });
    });
    afterAll(async () => {
      await system?.stop();
      redis?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('resumes the run when Redis comes back after a few seconds', async () => {
      const plan = await planAndExecute(system, 'crash-redis.example');
      redis!.kill('SIGTERM');
      await new Promise((resolve) => redis!.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await startRedis();
      await completed(system, plan.plan_id, 45_000);
      await expectEachStepOnce(system, plan);
    });
  });
});
