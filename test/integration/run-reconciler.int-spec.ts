import { ACTION_QUEUE, StepAction, stepJobId } from '@bf/contracts';
import { reconcilerRedispatched } from '@bf/observability';
import { ArtifactEntity, PlanStepEntity } from '@bf/persistence';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { StepDispatcher } from '../../apps/gateway/src/orchestrator/step-dispatcher';
import { RunReconciler } from '../../apps/gateway/src/orchestrator/run-reconciler';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const QUICK_START = require('../../templates/briefings/acme-quick-start.json');
const GRACE_MS = 400;

/**
 * The gap between commit and enqueue: a run whose root jobs were never put on
 * BullMQ (Redis failing, or the gateway dying, right after the commit) is found
 * by the reconciler and completes exactly once; jobs that exist are left alone.
 */
describe('run reconciler (real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startTestSystem('reconciler', { RECONCILE_INTERVAL_MS: '200', RECONCILE_GRACE_MS: String(GRACE_MS) });
  });
  afterAll(() => system?.stop());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const plan = async (domain: string) => (await call('POST', '/api/factory/plan', { ...QUICK_START, dry_run: true, website_config: { ...QUICK_START.website_config, domain } })).body;
  const execute = (planId: string) => call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`);
  const completed = (planId: string) =>
    eventually(async () => {
      const { body } = await call('GET', `/api/factory/${planId}`);
      return body.run?.status === 'completed' ? body : undefined;
    }, 45_000);
  const redispatched = async (queue: string) => (await reconcilerRedispatched.get()).values.find((value) => value.labels.queue === queue)?.value ?? 0;
  const roots = async (planId: string) => (await system.runtime.dataSource.getRepository(PlanStepEntity).find({ where: { planId } })).filter((step) => step.dependsOn.length === 0);
  const rootQueues = async (planId: string) => [...new Set((await roots(planId)).map((step) => ACTION_QUEUE[step.action as StepAction]))];
  const sum = async (queues: string[]) => (await Promise.all(queues.map(redispatched))).reduce((a, b) => a + b, 0);
  /** Every step started and completed exactly once, the run completed once, the chain intact. */
  const expectEachStepOnce = async (stored: any) => {
    const events = (await call('GET', `/api/sovereign/audit/events?plan_id=${stored.plan_id}&limit=500`)).body.events;
    for (const step of stored.steps) {
      for (const type of ['factory.step_started', 'factory.step_completed']) {
        expect(events.filter((e: any) => e.event_type === type && e.metadata.step_id === step.step_id)).toHaveLength(1);
      }
    }
    expect(events.filter((e: any) => e.event_type === 'factory.execution_completed')).toHaveLength(1);
    expect(events.filter((e: any) => e.event_type === 'factory.execution_started')).toHaveLength(1);
  };

  it('re-dispatches the root steps of a run whose enqueue failed after the commit, and the run completes exactly once', async () => {
    const stored = await plan('reconcile-lost.example');
    const queues = await rootQueues(stored.plan_id);
    const before = await sum(queues);
    // Redis fails right after the run's transaction committed: the run is recorded, its root jobs are not.
    const dispatcher = system.gateway.get(StepDispatcher);
    const original = dispatcher.dispatch;
    dispatcher.dispatch = async () => {
      dispatcher.dispatch = original;
      throw new Error('Connection is closed.');
    };
    try {
      // The run exists, so the answer is the run (202), saying its first jobs are deferred to the reconciler.
      const deferred = await execute(stored.plan_id);
      expect(deferred.status).toBe(202);
      expect(deferred.body).toMatchObject({ steps_dispatched: [], dispatch_deferred: expect.stringContaining('Connection is closed.') });
    } finally {
      dispatcher.dispatch = original;
    }
    const [run] = await system.runtime.dataSource.query(`SELECT id, status FROM runs WHERE plan_id = $1`, [stored.plan_id]);
    expect(run.status).toBe('running');
    const rootSteps = await roots(stored.plan_id);
    for (const step of rootSteps) {
      expect(await system.runtime.producer.queue(ACTION_QUEUE[step.action as StepAction]).getJob(stepJobId(run.id, step.stepId, 1))).toBeUndefined();
    }

    const done = await completed(stored.plan_id);
    expect(done.run.run_id).toBe(run.id);
    await expectEachStepOnce(done);
    // Each lost root job was put back once, counted on its queue.
    expect((await sum(queues)) - before).toBe(rootSteps.length);
  });

  it('leaves a dispatched step whose job exists alone, however long it waits', async () => {
    const stored = await plan('reconcile-waiting.example');
    const queues = await rootQueues(stored.plan_id);
    const before = await sum(queues);
    // The executors' queues are paused: the root jobs wait, well past the grace period.
    await Promise.all(queues.map((queue) => system.runtime.producer.queue(queue as never).pause()));
    let runId: string;
    try {
      const started = await execute(stored.plan_id);
      expect(started.status).toBe(202);
      runId = started.body.run_id;
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 5));
      // A pass that scans now finds the jobs and changes nothing.
      const pass = await eventually(async () => {
        const result = await system.gateway.get(RunReconciler).reconcile();
        return result.scanned ? result : undefined;
      });
      expect(pass.redispatched.filter((jobId) => jobId.startsWith(runId))).toEqual([]);
      expect(await sum(queues)).toBe(before);
      for (const step of await roots(stored.plan_id)) {
        const queue = system.runtime.producer.queue(ACTION_QUEUE[step.action as StepAction]);
        const waiting = (await queue.getJobs(['wait', 'paused', 'prioritized', 'delayed'])).filter((job) => job.data.runId === runId && job.data.stepId === step.stepId);
        expect(waiting).toHaveLength(1);
      }
    } finally {
      await Promise.all(queues.map((queue) => system.runtime.producer.queue(queue as never).resume()));
    }
    const done = await completed(stored.plan_id);
    await expectEachStepOnce(done);
    expect(await sum(queues)).toBe(before);
  });

  it('scans on one replica at a time: a pass finds the lock taken and does nothing', async () => {
    const reconciler = system.gateway.get(RunReconciler);
    const runner = system.runtime.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // Another replica's pass, holding the lock in its transaction.
      await runner.startTransaction();
      await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended('bf:run-reconciler', 0))`);
      expect(await reconciler.reconcile()).toEqual({ scanned: false, redispatched: [] });
      await runner.commitTransaction();
      expect((await eventually(async () => ((await reconciler.reconcile()).scanned ? true : undefined)))).toBe(true);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('enqueues the evidence job again for a settled run that has no evidence pack and no job', async () => {
    const stored = await plan('reconcile-evidence.example');
    expect((await execute(stored.plan_id)).status).toBe(202);
    const done = await completed(stored.plan_id);
    const runId = done.run.run_id;
    const artifacts = system.runtime.dataSource.getRepository(ArtifactEntity);
    await eventually(() => artifacts.findOneBy({ runId, kind: 'evidence_pack' }).then((found) => found ?? undefined), 30_000);
    const evidence = system.runtime.producer.queue('evidence');
    await eventually(async () => ((await (await evidence.getJob(`evidence.${runId}`))?.isCompleted()) ? true : undefined));
    const before = await redispatched('evidence');
    // As if the gateway died before the evidence job was enqueued: no pack, and none of the jobs that lead to one
    // (build, then the signature on forge-sign, then finalize), whose ids would otherwise make a rebuild a no-op.
    for (const queue of [evidence, system.runtime.producer.queue('forge-sign')]) {
      for (const job of await queue.getJobs(['completed'])) if (job.id?.includes(runId)) await job.remove();
    }
    expect(await evidence.getJob(`evidence.${runId}`)).toBeUndefined();
    await artifacts.delete({ runId, kind: 'evidence_pack' });

    await eventually(() => artifacts.findOneBy({ runId, kind: 'evidence_pack' }).then((found) => found ?? undefined), 30_000);
    expect((await redispatched('evidence')) - before).toBe(1);
  });
});
