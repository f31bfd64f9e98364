import { isDeepStrictEqual } from 'node:util';
import { escapeLiteral } from 'pg';
import { ConflictException, Inject, Injectable, NotFoundException, Optional, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { DataSource, EntityManager, In } from 'typeorm';
import { StepReport, StepStatus } from '@bf/contracts';
import { adoptCorrelationId } from '@bf/observability';
import { AuditEntry, AuditLog, graphSpecOf, PlanEntity, PlanStepEntity, RunEntity, StepRunEntity } from '@bf/persistence';
import { PlanStepCache } from './plan-step.cache';
import { endRun } from './end-run';
import { eventType } from './event-names';
import { Compensation, RunSettler } from './run-settler';
import { ProgressExtra, ReadyStep, RunRef } from './step-dispatcher';
import { SqlBatch } from './sql-batch';
import { twoTripTransaction } from './two-trip-transaction';

/** What `bf_lock_run` returns: the locked run, its step runs, and its audit chain's head (under the chain's lock). */
interface LockedRun {
  run: Record<string, unknown>;
  step_runs: Record<string, unknown>[];
  chain_key: string;
  prev_hash: string | null;
  now: string;
}

export interface Advance {
  run: RunRef;
  /** Whether this report changed the step's state (false for duplicates and late reports). */
  applied: boolean;
  /** The statuses the step moved through, in order (e.g. running then completed when the running report came late). */
  transitions: string[];
  /** The reported step's mode, for its progress events. */
  stepMode?: ProgressExtra;
  /** Steps whose prerequisites are complete: to (re)dispatch; job ids make repeats no-ops. */
  ready: ReadyStep[];
  /** The next compensation to dispatch during a rollback. */
  compensate: Compensation[];
  runStatus: RunEntity['status'];
  /** Nothing more will happen to the run: its evidence pack can be built. */
  settled: boolean;
}

type ForwardReport = Extract<StepReport, { status: 'running' | 'completed' | 'failed' }>;
type RollbackReport = Extract<StepReport, { status: 'rolled_back' | 'rollback_failed' }>;

/**
 * Applies step reports to a run in PostgreSQL. The run row is locked for the
 * transaction, so reports for the same run are applied one at a time even across
 * gateway replicas; every update is conditional on the step's current status, so
 * duplicate or out-of-order reports change nothing twice. Re-entrant: it always
 * returns every step that is ready, so a report redelivered after a crash between
 * commit and enqueue dispatches what was missed.
 */
@Injectable()
export class RunAdvancer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly settler: RunSettler,
    private readonly planSteps: PlanStepCache,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  /** Seed 001 safe mode: a rollback of live changes is live execution too. */
  private get safeMode(): boolean {
    return this.config?.safeMode ?? false;
  }

  /**
   * One report, in two round trips for the usual one: BEGIN with `bf_lock_run`
   * (locks the run, reads its step runs and audit chain head), then the writes
   * (the step, the run's context, newly ready steps, the audit events: one
   * statement, SqlBatch) with COMMIT (twoTripTransaction). A less usual path
   * (a failure, the run's end, a rollback) flushes before it reads, in between.
   */
  apply(report: StepReport): Promise<Advance | undefined> {
    const lock = `SELECT bf_lock_run(${escapeLiteral(report.runId)}, ${escapeLiteral(report.tenantId)}) AS locked`;
    return twoTripTransaction(this.dataSource, lock, async (manager, rows) => {
      const locked = rows[0].locked as LockedRun | null;
      if (!locked) return { result: undefined, last: null };
      const run = hydrate(manager, RunEntity, locked.run);
      // A report enqueued without a correlation id (before they existed) takes its run's: the events and jobs it leads to carry it.
      adoptCorrelationId(run.correlationId);
      const steps = await this.planSteps.of(manager, run.planId);
      const step = steps.find((candidate) => candidate.stepId === report.stepId);
      if (!step) return { result: undefined, last: null };
      const stepRuns = new Map(locked.step_runs.map((raw) => hydrate(manager, StepRunEntity, raw)).map((row) => [row.stepId, row]));
      this.audit.begin(manager);
      try {
        this.audit.prime(manager, locked.chain_key, locked.prev_hash, locked.now);
        const batch = new SqlBatch();
        const transitions =
          report.status === 'rolled_back' || report.status === 'rollback_failed'
            ? await this.applyRollbackReport(manager, run, step, report, stepRuns.get(step.stepId))
            : await this.applyStepReport(manager, run, step, report, steps, stepRuns, batch);
        const advance = await this.advance(manager, run, steps, transitions, stepRuns, batch, { holdLastWrite: true });
        // The last writes (and the audit rows) go with the COMMIT: nothing reads after them.
        return { result: { ...advance, stepMode: progressMode(stepRuns.get(step.stepId)) }, last: batch.takeInline(manager, this.audit) };
      } finally {
        this.audit.discard(manager);
      }
    });
  }

  /** `POST /api/factory/{plan_id}/rollback[?to_step=N]`: compensate the latest run's completed steps. */
  requestRollback(tenantId: string, planId: string, toStep: number | null): Promise<Advance> {
    return this.withLatestRun(tenantId, planId, async (manager, run, steps) => {
      if (run.rollbackStatus === 'rolling_back' || run.rollbackRequested) throw new ConflictException(`run ${run.id} is already being rolled back`);
      if (run.status === 'running') throw new ConflictException(`run ${run.id} is still executing; cancel it first (POST /api/v1/plans/${planId}/cancel?rollback=true)`);
      if (toStep !== null && !steps.some((step) => step.sequence === toStep)) throw new NotFoundException(`plan ${planId} has no step ${toStep}`);
      if (this.safeMode && !run.dryRun) throw new ServiceUnavailableException('rolling back live changes is blocked: the system is in SAFE_MODE');
      run.rollbackRequested = true;
      run.rollbackToStep = toStep;
      await manager.update(RunEntity, { id: run.id }, { rollbackRequested: true, rollbackToStep: toStep });
      return this.advance(manager, run, steps, [], await this.stepRunsOf(manager, run.id));
    });
  }

  /** `POST /api/v1/plans/{plan_id}/cancel[?rollback=true]`: stop dispatching; running steps finish. */
  requestCancel(tenantId: string, planId: string, rollback: boolean): Promise<Advance> {
    return this.withLatestRun(tenantId, planId, async (manager, run, steps) => {
      if (run.status !== 'running' || run.cancelRequested) throw new ConflictException(`run ${run.id} is ${run.cancelRequested ? 'already being cancelled' : run.status}; only a running run can be cancelled`);
      run.cancelRequested = true;
      run.rollbackRequested = rollback;
      await manager.update(RunEntity, { id: run.id }, { cancelRequested: true, rollbackRequested: rollback });
      return this.advance(manager, run, steps, [], await this.stepRunsOf(manager, run.id));
    });
  }

  private async withLatestRun<T>(tenantId: string, planId: string, work: (manager: EntityManager, run: RunEntity, steps: PlanStepEntity[]) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const latest = await manager.getRepository(RunEntity).findOne({ where: { planId, tenantId }, order: { startedAt: 'DESC' } });
      if (!latest) throw new NotFoundException(`plan ${planId} has no run`);
      const run = await manager.getRepository(RunEntity).findOneOrFail({ where: { id: latest.id }, lock: { mode: 'pessimistic_write' } });
      const steps = await this.planSteps.of(manager, planId);
      return work(manager, run, steps);
    });
  }

  /** The run's step runs by step id, read once per report and kept current by the writes below. */
  private async stepRunsOf(manager: EntityManager, runId: string): Promise<Map<string, StepRunEntity>> {
    const rows = await manager.getRepository(StepRunEntity).findBy({ runId });
    return new Map(rows.map((row) => [row.stepId, row]));
  }

  private async advance(
    manager: EntityManager,
    run: RunEntity,
    steps: PlanStepEntity[],
    transitions: string[],
    stepRuns: Map<string, StepRunEntity>,
    batch = new SqlBatch(),
    { holdLastWrite = false } = {},
  ): Promise<Advance> {
    if (run.status === 'running' && !run.cancelRequested) await this.finishIfDone(manager, run, steps, stepRuns, batch);
    const dispatching = run.status === 'running' && !run.cancelRequested;
    const ready = dispatching ? this.markReady(manager, run, steps, stepRuns, batch) : [];
    // Settling reads and writes step runs unless the run is plainly still going: what is held back goes first.
    if (!dispatching) await batch.flush(manager);
    const settlement = await this.settler.settle(manager, run, steps, stepRuns);
    // Held back, the caller sends the last writes with its COMMIT (apply: takeInline).
    if (!holdLastWrite) await batch.flush(manager, this.audit);
    return {
      run: { tenantId: run.tenantId, planId: run.planId, runId: run.id, dryRun: run.dryRun },
      applied: transitions.length > 0,
      transitions,
      ready,
      compensate: settlement.compensate,
      runStatus: run.status,
      settled: settlement.settled,
    };
  }

  private async applyStepReport(
    manager: EntityManager,
    run: RunEntity,
    step: PlanStepEntity,
    report: ForwardReport,
    steps: PlanStepEntity[],
    stepRuns: Map<string, StepRunEntity>,
    batch: SqlBatch,
  ): Promise<StepStatus[]> {
    const current = stepRuns.get(step.stepId);
    // A skipped step was never dispatched, so no report is due for it; one arriving anyway changes nothing.
    if (!current || current.status === 'completed' || current.status === 'failed' || current.status === 'skipped') return [];
    if (current.status === 'running' && report.status === 'running') return [];
    const transitions: StepStatus[] = [];
    const events: AuditEntry[] = [];
    const changes: Partial<StepRunEntity> = { worker: report.worker };
    const base = { tenantId: run.tenantId, planId: run.planId, runId: run.id };
    const metadata = {
      step_id: step.stepId,
      step_name: step.name,
      executor: step.executor,
      sequence: step.sequence,
      attempt: report.attempt,
      worker: report.worker,
      ...(run.source === 'graph' ? { node_id: step.name, node_type: step.action } : {}),
      ...modeMetadata(current, run),
    };
    // A fast step reports its start with its outcome (and a running report may arrive late):
    // the step still went pending -> running -> done, so the start is recorded first either way.
    if (current.status === 'pending') {
      const startedAt = report.status === 'running' ? report.at : report.startedAt;
      Object.assign(changes, { status: 'running', startedAt: new Date(startedAt) });
      events.push({ ...base, eventType: eventType(run.source, 'step_started'), severity: 'info', reason: `Step ${step.sequence} '${step.name}' started`, success: true, metadata: { ...metadata, started_at: startedAt } });
      transitions.push('running');
    }
    switch (report.status) {
      case 'running':
        break;
      case 'completed': {
        Object.assign(changes, { status: 'completed', finishedAt: new Date(report.at), result: report.result, dryRun: report.dryRun, error: null });
        // Outputs that add nothing new (a redelivered step, or none at all) leave the run row alone.
        const context = { ...run.context, ...report.outputs };
        if (!isDeepStrictEqual(context, run.context)) {
          run.context = context;
          batch.update(manager, RunEntity, { id: run.id }, { context: run.context as never });
        }
        events.push({
          ...base,
          eventType: eventType(run.source, 'step_completed'),
          severity: 'info',
          reason: `Step ${step.sequence} '${step.name}' completed${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
          success: true,
          metadata: { ...metadata, dry_run: report.dryRun, duration_ms: report.durationMs },
        });
        transitions.push('completed');
        break;
      }
      case 'failed': {
        Object.assign(changes, { status: 'failed', finishedAt: new Date(report.at), error: report.error, dryRun: current.dryRun ?? run.dryRun });
        events.push({
          ...base,
          eventType: eventType(run.source, 'step_failed'),
          severity: 'error',
          reason: `Step ${step.sequence} '${step.name}' failed: ${report.error.message}`,
          success: false,
          metadata: { ...metadata, error: report.error.message, permanent: report.error.permanent, attempts: report.error.attempts },
        });
        transitions.push('failed');
        break;
      }
    }
    batch.update(manager, StepRunEntity, { runId: run.id, stepId: step.stepId }, changes as never);
    Object.assign(current, changes);
    await this.audit.appendAll(manager, events);
    if (report.status === 'failed' && run.status === 'running') {
      await batch.flush(manager);
      await this.onStepFailed(manager, run, step, steps, stepRuns, report.error.message);
    }
    return transitions;
  }

  private async applyRollbackReport(manager: EntityManager, run: RunEntity, step: PlanStepEntity, report: RollbackReport, stepRun: StepRunEntity | undefined): Promise<string[]> {
    const { affected } = await manager.update(
      StepRunEntity,
      { runId: run.id, stepId: step.stepId, rollbackStatus: In(['pending', 'dispatched']) },
      report.status === 'rolled_back'
        ? { rollbackStatus: 'rolled_back', rollbackResult: report.result as never, rolledBackAt: new Date(report.at), status: 'rolled_back' }
        : { rollbackStatus: 'failed', rollbackError: report.error, rolledBackAt: new Date(report.at) },
    );
    if (!affected) return [];
    const ok = report.status === 'rolled_back';
    await this.audit.append(manager, {
      tenantId: run.tenantId,
      planId: run.planId,
      runId: run.id,
      eventType: eventType(run.source, ok ? 'step_rolled_back' : 'step_rollback_failed'),
      severity: ok ? 'info' : 'error',
      reason: ok ? `Step ${step.sequence} '${step.name}' rolled back` : `Rolling back step ${step.sequence} '${step.name}' failed: ${report.error.message}`,
      success: ok,
      metadata: { step_id: step.stepId, sequence: step.sequence, worker: report.worker, ...modeMetadata(stepRun, run), ...(ok ? { compensation: report.result } : { error: report.error.message }) },
    });
    return [ok ? 'rolled_back' : 'rollback_failed'];
  }

  private async finishIfDone(manager: EntityManager, run: RunEntity, steps: PlanStepEntity[], stepRuns: Map<string, StepRunEntity>, batch: SqlBatch): Promise<void> {
    if (run.source === 'graph') return this.finishGraphIfDone(manager, run, steps, stepRuns, batch);
    const completed = steps.filter((step) => stepRuns.get(step.stepId)?.status === 'completed').length;
    if (completed < steps.length) return;
    const dryRunIds = steps.filter((step) => stepRuns.get(step.stepId)?.dryRun).map((step) => step.stepId);
    await batch.flush(manager);
    await endRun(manager, this.audit, run, 'completed', {
      eventType: 'factory.execution_completed',
      severity: 'info',
      reason: `All steps completed${run.dryRun ? ' (dry run: nothing was changed)' : dryRunIds.length ? ` (${dryRunIds.length} of them as dry runs, which changed nothing)` : ''}`,
      success: true,
      metadata: { dry_run: run.dryRun, ...(!run.dryRun && dryRunIds.length ? { dry_run_steps: dryRunIds } : {}) },
    });
  }

  /**
   * A briefing plan stops at its first failed step. A graph (seed 001) goes by
   * its policy: a failed node that is critical, with stop_on_first_error, stops
   * the run as a briefing's would, and every node not yet dispatched is skipped.
   * Otherwise only the nodes that depend on the failed one (transitively) are
   * skipped, everything else keeps running, and the run ends once nothing more
   * can run (finishGraphIfDone). A non-critical node never stops the run.
   */
  private async onStepFailed(manager: EntityManager, run: RunEntity, step: PlanStepEntity, steps: PlanStepEntity[], stepRuns: Map<string, StepRunEntity>, message: string): Promise<void> {
    if (run.source !== 'graph') return this.failRun(manager, run, { stepId: step.stepId, message });
    const policy = await this.graphPolicy(manager, run);
    if (policy.critical(step.name) && policy.stopOnFirstError) {
      const undispatched = steps.filter((candidate) => stepRuns.get(candidate.stepId)?.status === 'pending' && !stepRuns.get(candidate.stepId)?.dispatchedAt);
      await this.skip(manager, run, undispatched, stepRuns, `not run: node '${step.name}' failed and the graph stops on its first error`, step);
      return this.failRun(manager, run, { stepId: step.stepId, message }, policy.plan);
    }
    await this.skip(manager, run, dependentsOf(step, steps), stepRuns, `skipped: depends on failed node '${step.name}'`, step);
  }

  /** Marks pending steps skipped (they will never run) with one `pipeline.node_skipped` event each. */
  private async skip(manager: EntityManager, run: RunEntity, candidates: PlanStepEntity[], stepRuns: Map<string, StepRunEntity>, why: string, failed: PlanStepEntity): Promise<void> {
    const skipped = candidates.filter((step) => stepRuns.get(step.stepId)?.status === 'pending');
    if (!skipped.length) return;
    const error = { message: why, permanent: true, attempts: 0 };
    await manager.update(StepRunEntity, { runId: run.id, stepId: In(skipped.map((step) => step.stepId)), status: 'pending' }, { status: 'skipped', error });
    for (const step of skipped) Object.assign(stepRuns.get(step.stepId)!, { status: 'skipped', error });
    const type = eventType(run.source, 'step_skipped');
    if (!type) return;
    await this.audit.appendAll(
      manager,
      skipped.map((step) => ({
        tenantId: run.tenantId,
        planId: run.planId,
        runId: run.id,
        eventType: type,
        severity: 'warning' as const,
        reason: `Node '${step.name}' ${why.replace(/^skipped: /, 'skipped: it ')}`,
        success: false,
        metadata: { step_id: step.stepId, node_id: step.name, node_type: step.action, sequence: step.sequence, failed_node: failed.name, failed_step_id: failed.stepId, dry_run: run.dryRun },
      })),
    );
  }

  /**
   * A graph run ends once every node has completed, failed or been skipped. It
   * fails if a critical node failed (then auto_rollback applies as for any failed
   * run); failures of non-critical nodes, and the nodes skipped because of them,
   * leave it completed, with the failures listed.
   */
  private async finishGraphIfDone(manager: EntityManager, run: RunEntity, steps: PlanStepEntity[], stepRuns: Map<string, StepRunEntity>, batch: SqlBatch): Promise<void> {
    const statusOf = (step: PlanStepEntity) => stepRuns.get(step.stepId)?.status;
    if (!steps.every((step) => ['completed', 'failed', 'skipped'].includes(statusOf(step) ?? ''))) return;
    await batch.flush(manager);
    const failed = steps.filter((step) => statusOf(step) === 'failed');
    const skipped = steps.filter((step) => statusOf(step) === 'skipped');
    const policy = failed.length ? await this.graphPolicy(manager, run) : undefined;
    const critical = policy && failed.find((step) => policy.critical(step.name));
    if (critical) return this.failRun(manager, run, { stepId: critical.stepId, message: stepRuns.get(critical.stepId)!.error?.message ?? 'failed' }, policy.plan);
    const names = (list: PlanStepEntity[]) => list.map((step) => step.name);
    await endRun(manager, this.audit, run, 'completed', {
      eventType: eventType(run.source, 'run_completed'),
      severity: failed.length ? 'warning' : 'info',
      reason: failed.length
        ? `Graph completed: only non-critical node(s) failed (${names(failed).join(', ')})${skipped.length ? `; skipped: ${names(skipped).join(', ')}` : ''}`
        : `All nodes completed${run.dryRun ? ' (dry run: nothing was changed)' : ''}`,
      success: true,
      metadata: { dry_run: run.dryRun, failed_nodes: names(failed), skipped_nodes: names(skipped) },
    });
  }

  /** A graph plan's failure policy (loaded only when a node fails or the run ends with failures). */
  private async graphPolicy(manager: EntityManager, run: RunEntity) {
    const plan = await manager.getRepository(PlanEntity).findOneByOrFail({ id: run.planId });
    const nonCritical = new Set((graphSpecOf(plan)?.nodes ?? []).filter((node) => !node.critical).map((node) => node.node_id));
    return { plan, stopOnFirstError: plan.stopOnFirstError, critical: (nodeId: string) => !nonCritical.has(nodeId) };
  }

  /**
   * Ends the run failed: at a briefing plan's first failed step (stop on first
   * error), or a graph's as its policy says; with auto_rollback, compensation
   * follows once in-flight steps end.
   */
  private async failRun(manager: EntityManager, run: RunEntity, error: { stepId: string; message: string }, loaded?: PlanEntity): Promise<void> {
    const plan = loaded ?? (await manager.getRepository(PlanEntity).findOneByOrFail({ id: run.planId }));
    const graph = run.source === 'graph';
    await endRun(
      manager,
      this.audit,
      run,
      'failed',
      {
        eventType: eventType(run.source, 'run_failed'),
        severity: 'error',
        reason: `${graph ? 'Graph failed' : 'Execution stopped'}: ${error.message}${plan.autoRollback ? '; auto_rollback will compensate completed steps' : ''}`,
        success: false,
        metadata: { dry_run: run.dryRun, failed_step_id: error.stepId, auto_rollback: plan.autoRollback, ...(graph ? { stop_on_first_error: plan.stopOnFirstError } : {}) },
      },
      { error, rollbackRequested: plan.autoRollback },
    );
  }

  /** Pending steps whose prerequisites have all completed; newly ready ones are stamped dispatched (with the batch's flush). */
  private markReady(manager: EntityManager, run: RunEntity, steps: PlanStepEntity[], status: Map<string, StepRunEntity>, batch: SqlBatch): ReadyStep[] {
    const ready = steps.filter(
      (step) => status.get(step.stepId)?.status === 'pending' && step.dependsOn.every((dep) => status.get(dep)?.status === 'completed'),
    );
    const fresh = ready.filter((step) => !status.get(step.stepId)?.dispatchedAt).map((step) => step.stepId);
    if (fresh.length) {
      const now = new Date();
      batch.update(manager, StepRunEntity, { runId: run.id }, { dispatchedAt: now }, `step_id = ANY(${batch.param(fresh)}::text[]) AND dispatched_at IS NULL`);
      for (const stepId of fresh) status.get(stepId)!.dispatchedAt = now;
    }
    return ready.map((step) => {
      const stepRun = status.get(step.stepId)!;
      return { stepId: step.stepId, action: step.action, attempt: stepRun.attempt, dryRun: stepRun.dryRun ?? run.dryRun };
    });
  }
}

/** Every step that depends on `failed`, directly or through other steps. */
export function dependentsOf(failed: Pick<PlanStepEntity, 'stepId'>, steps: PlanStepEntity[]): PlanStepEntity[] {
  const reached = new Set([failed.stepId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of steps) {
      if (!reached.has(step.stepId) && step.dependsOn.some((dep) => reached.has(dep))) {
        reached.add(step.stepId);
        grew = true;
      }
    }
  }
  return steps.filter((step) => step.stepId !== failed.stepId && reached.has(step.stepId));
}

/** A step's mode for its audit events; the reason only where the step changes nothing while its run is live. */
function modeMetadata(stepRun: StepRunEntity | undefined, run: RunEntity): { dry_run: boolean; dry_run_reason?: string } {
  const dryRun = stepRun?.dryRun ?? run.dryRun;
  return dryRun && !run.dryRun && stepRun?.dryRunReason ? { dry_run: true, dry_run_reason: stepRun.dryRunReason } : { dry_run: dryRun };
}

function progressMode(stepRun: StepRunEntity | undefined): ProgressExtra | undefined {
  if (stepRun?.dryRun === null || stepRun?.dryRun === undefined) return undefined;
  return stepRun.dryRun ? { mode: 'dry_run', ...(stepRun.dryRunReason ? { detail: stepRun.dryRunReason } : {}) } : { mode: 'live' };
}

/** An entity from a row as `to_jsonb` renders it (column names, timestamps as text). */
function hydrate<T extends object>(manager: EntityManager, target: new () => T, raw: Record<string, unknown>): T {
  const meta = manager.connection.getMetadata(target);
  const entity = meta.create() as T;
  for (const column of meta.columns) {
    const value = raw[column.databaseName];
    column.setEntityValue(entity, value !== null && value !== undefined && String(column.type).startsWith('timestamp') ? new Date(value as string) : value);
  }
  return entity;
}
