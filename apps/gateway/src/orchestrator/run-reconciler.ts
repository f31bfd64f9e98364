import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ACTION_QUEUE, StepAction, stepJobId } from '@bf/contracts';
import { reconcilerRedispatched, rootLogger } from '@bf/observability';
import { JobProducer } from '@bf/queue';
import { StepDispatcher } from './step-dispatcher';

/** Ends of a run older than this are history: their evidence is not chased any more. */
const EVIDENCE_LOOKBACK = '1 day';
/** At most this many rows per kind and pass; the next pass takes the rest. */
const BATCH = 200;
/** One scanning replica at a time: a transaction-scoped advisory lock, released with the transaction. */
const LOCK_KEY = 'bf:run-reconciler';
/** How long shutdown waits for a pass in progress: a pass stuck on an absent Redis must not hold the process. */
const DESTROY_WAIT_MS = 1000;

interface DispatchedStep {
  run_id: string;
  step_id: string;
  tenant_id: string;
  plan_id: string;
  attempt: number;
  dry_run: boolean;
  action: StepAction;
}

interface EndedRun {
  id: string;
  tenant_id: string;
}

/** What one pass did, for tests and logs. */
export interface ReconcilePass {
  scanned: boolean;
  redispatched: string[];
}

/**
 * Heals the gap between a commit and its enqueue. A run's start (and every
 * advance) marks steps dispatched in PostgreSQL, then puts their jobs on
 * BullMQ; Redis failing, or the gateway dying, in between leaves a step
 * dispatched with no job, and its run running for ever. At boot and every
 * RECONCILE_INTERVAL_MS this finds steps dispatched longer ago than
 * RECONCILE_GRACE_MS that never reported, whose job (the same deterministic id)
 * is gone or failed, and puts it back; likewise the evidence job of a settled
 * run without an evidence pack. Re-adding an existing job id is a no-op, and
 * the advisory lock keeps two gateway replicas from scanning at once.
 */
@Injectable()
export class RunReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = rootLogger().child({ component: 'RunReconciler' });
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Failed jobs this process already retried: one that fails again without a report is left to an operator, not retried every pass. */
  private readonly retried = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    private readonly dispatcher: StepDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.config.reconciler;
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (waited = setTimeout(resolve, DESTROY_WAIT_MS)))]);
    clearTimeout(waited);
  }

  /** A failed pass (Redis or PostgreSQL away) is logged; the next tick tries again. */
  private tick(): void {
    if (this.running) return;
    this.running = this.reconcile()
      .catch((error: Error) => this.log.warn({ err: error.message }, 'reconcile pass failed'))
      .finally(() => (this.running = undefined));
  }

  async reconcile(): Promise<ReconcilePass> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [LOCK_KEY])) as { locked: boolean }[];
      if (!locked) return { scanned: false, redispatched: [] };
      const graceSeconds = this.config.reconciler.graceMs / 1000;
      const redispatched = [...(await this.redispatchSteps(manager, graceSeconds)), ...(await this.redispatchEvidence(manager, graceSeconds))];
      return { scanned: true, redispatched };
    });
  }

  /** Steps marked dispatched that never reported running: their job should be waiting, active or delayed. */
  private async redispatchSteps(manager: EntityManager, graceSeconds: number): Promise<string[]> {
    const steps = (await manager.query(
      `SELECT sr.run_id, sr.step_id, r.tenant_id, r.plan_id, sr.attempt, COALESCE(sr.dry_run, r.dry_run) AS dry_run, s.action
       FROM step_runs sr JOIN runs r ON r.id = sr.run_id JOIN plan_steps s ON s.step_id = sr.step_id
       WHERE r.status = 'running' AND sr.status = 'pending' AND sr.dispatched_at < now() - make_interval(secs => $1)
       ORDER BY sr.dispatched_at LIMIT ${BATCH}`,
      [graceSeconds],
    )) as DispatchedStep[];
    const done: string[] = [];
    for (const step of steps) {
      const queue = ACTION_QUEUE[step.action];
      const jobId = stepJobId(step.run_id, step.step_id, step.attempt);
      const missing = await this.missingOrFailed(queue, jobId, graceSeconds);
      if (!missing || (missing === 'failed' && this.retried.has(jobId))) continue;
      const ref = { tenantId: step.tenant_id, planId: step.plan_id, runId: step.run_id, dryRun: step.dry_run };
      if (missing === 'failed') {
        await this.producer.queue(queue).getJob(jobId).then((job) => job?.retry('failed'));
        if (this.retried.size >= 10_000) this.retried.clear();
        this.retried.add(jobId);
      }
      else await this.dispatcher.dispatch(ref, [{ stepId: step.step_id, action: step.action, attempt: step.attempt, dryRun: step.dry_run }]);
      this.counted(queue, jobId, missing, { runId: step.run_id, stepId: step.step_id });
      done.push(jobId);
    }
    return done;
  }

  /** Settled runs (nothing in flight, no rollback under way) with no evidence pack: the evidence job was lost with the report's follow-up. */
  private async redispatchEvidence(manager: EntityManager, graceSeconds: number): Promise<string[]> {
    const runs = (await manager.query(
      `SELECT r.id, r.tenant_id FROM runs r
       WHERE r.status <> 'running'
         AND (NOT r.rollback_requested OR r.rollback_status IN ('rolled_back', 'partially_rolled_back'))
         AND COALESCE(r.rollback_finished_at, r.finished_at) BETWEEN now() - interval '${EVIDENCE_LOOKBACK}' AND now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM step_runs sr WHERE sr.run_id = r.id AND (sr.status = 'running' OR (sr.status = 'pending' AND sr.dispatched_at IS NOT NULL)))
         AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.id AND a.kind = 'evidence_pack')
       ORDER BY r.finished_at LIMIT ${BATCH}`,
      [graceSeconds],
    )) as EndedRun[];
    const done: string[] = [];
    for (const run of runs) {
      const jobId = `evidence.${run.id}`;
      // A failed evidence build failed on its own merits (and is kept for inspection): only a missing job is put back.
      if ((await this.missingOrFailed('evidence', jobId, graceSeconds)) !== 'missing') continue;
      await this.producer.enqueue('evidence', 'evidence.build', { tenantId: run.tenant_id, runId: run.id }, { jobId });
      this.counted('evidence', jobId, 'missing', { runId: run.id });
      done.push(jobId);
    }
    return done;
  }

  /**
   * 'missing': no such job; 'failed': it failed for good longer than the grace
   * ago (a step that reported nothing: a worker that died before its running report,
   * or a refused payload); undefined: the job is there and will run or has run.
   */
  private async missingOrFailed(queue: Parameters<JobProducer['queue']>[0], jobId: string, graceSeconds: number): Promise<'missing' | 'failed' | undefined> {
    const job = await this.producer.queue(queue).getJob(jobId);
    if (!job) return 'missing';
    if (!(await job.isFailed())) return undefined;
    return job.finishedOn !== undefined && job.finishedOn < Date.now() - graceSeconds * 1000 ? 'failed' : undefined;
  }

  private counted(queue: string, jobId: string, why: 'missing' | 'failed', fields: Record<string, string>): void {
    reconcilerRedispatched.inc({ queue });
    this.log.warn({ ...fields, queue, jobId, why }, why === 'missing' ? 'job of a committed dispatch was missing: enqueued again' : 'job failed without a report: retried');
  }
}
