import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditLog, PlanEntity, PlanStepEntity, RunEntity, settleRunCredits, StepRunEntity } from '@bf/persistence';
import { endRun } from './end-run';
import { eventType } from './event-names';

export interface Compensation {
  stepId: string;
  action: PlanStepEntity['action'];
}

export interface Settlement {
  /** The next compensation to dispatch, if a rollback is under way. */
  compensate: Compensation[];
  /** Nothing more will happen to the run (its evidence pack can be built). */
  settled: boolean;
}

/**
 * What happens to a run once no step is in flight: a requested cancel ends it
 * cancelled; a requested rollback (manual, to_step, auto_rollback) compensates
 * its completed steps one at a time in reverse completion order; and at the end
 * the run and plan get their final status. Called with the run row locked.
 */
@Injectable()
export class RunSettler {
  constructor(private readonly audit: AuditLog) {}

  /** `stepRuns`: the run's step runs as the caller read them under the lock and kept current, which saves counting them again. */
  async settle(manager: EntityManager, run: RunEntity, steps: PlanStepEntity[], stepRuns: Map<string, StepRunEntity>): Promise<Settlement> {
    if (run.status === 'running' && !run.cancelRequested) return { compensate: [], settled: false };
    if (this.inFlightOf(stepRuns)) return { compensate: [], settled: false };
    if (run.status === 'running') await this.cancel(manager, run);
    // The run has ended and nothing of it is in flight: its step outcomes are final, so its credits settle (once).
    // Only live steps are priced (CreditsService.reserveForRun, from the modes the step runs record), so a run
    // whose every step ran as a dry run reserved nothing, and there is nothing to look up.
    if (![...stepRuns.values()].every((stepRun) => stepRun.dryRun === true)) await settleRunCredits(manager, run);
    if (!run.rollbackRequested) return { compensate: [], settled: true };
    if (!run.rollbackStatus) await this.startRollback(manager, run, steps);
    if (run.rollbackStatus !== 'rolling_back') return { compensate: [], settled: true };
    const next = await this.nextCompensation(manager, run, steps);
    if (next === 'waiting') return { compensate: [], settled: false };
    if (next) return { compensate: [next], settled: false };
    await this.finishRollback(manager, run);
    return { compensate: [], settled: true };
  }

  /** Steps dispatched or running, whose outcome is still to come. */
  private inFlightOf(stepRuns: Map<string, StepRunEntity>): boolean {
    return [...stepRuns.values()].some((stepRun) => stepRun.status === 'running' || (stepRun.status === 'pending' && stepRun.dispatchedAt !== null && stepRun.dispatchedAt !== undefined));
  }

  private async cancel(manager: EntityManager, run: RunEntity): Promise<void> {
    await endRun(manager, this.audit, run, 'cancelled', {
      eventType: eventType(run.source, 'run_cancelled'),
      severity: 'warning',
      reason: run.rollbackRequested ? 'Execution cancelled; completed steps will be rolled back' : 'Execution cancelled; completed steps stay in place',
      success: true,
      metadata: { dry_run: run.dryRun },
    });
  }

  private async startRollback(manager: EntityManager, run: RunEntity, steps: PlanStepEntity[]): Promise<void> {
    const sequenceOf = new Map(steps.map((step) => [step.stepId, step.sequence]));
    const completed = (await manager.getRepository(StepRunEntity).findBy({ runId: run.id, status: 'completed' }))
      .filter((stepRun) => sequenceOf.get(stepRun.stepId)! > (run.rollbackToStep ?? 0))
      // Reverse completion order (seed 001): what finished last is undone first.
      .sort((a, b) => b.finishedAt!.getTime() - a.finishedAt!.getTime() || sequenceOf.get(b.stepId)! - sequenceOf.get(a.stepId)!);
    for (const [index, stepRun] of completed.entries()) {
      await manager.update(StepRunEntity, { runId: run.id, stepId: stepRun.stepId }, { rollbackStatus: 'pending', rollbackOrder: index + 1 });
    }
    run.rollbackStatus = 'rolling_back';
    await manager.update(RunEntity, { id: run.id }, { rollbackStatus: 'rolling_back' });
    await this.audit.append(manager, {
      ...this.ref(run),
      eventType: eventType(run.source, 'rollback_started'),
      severity: 'warning',
      reason: `Rolling back ${completed.length} completed step(s)${run.rollbackToStep ? ` after step ${run.rollbackToStep}` : ''}, in reverse completion order`,
      success: true,
      metadata: { steps: completed.map((stepRun) => stepRun.stepId), to_step: run.rollbackToStep, dry_run: run.dryRun },
    });
  }

  /**
   * The next compensation to run, 'waiting' while one is dispatched, or null when
   * all are done. A step the catalogue marks as not fully reversible (fiscal
   * settings) is dispatched too: its executor restores what it safely can and
   * fails its compensation naming what needs manual restoration, which leaves
   * the run partially rolled back.
   */
  private async nextCompensation(manager: EntityManager, run: RunEntity, steps: PlanStepEntity[]): Promise<Compensation | 'waiting' | null> {
    const stepRuns = manager.getRepository(StepRunEntity);
    if (await stepRuns.countBy({ runId: run.id, rollbackStatus: 'dispatched' })) return 'waiting';
    const next = await stepRuns.findOne({ where: { runId: run.id, rollbackStatus: 'pending' }, order: { rollbackOrder: 'ASC' } });
    if (!next) return null;
    const step = steps.find((candidate) => candidate.stepId === next.stepId)!;
    await stepRuns.update({ runId: run.id, stepId: next.stepId }, { rollbackStatus: 'dispatched' });
    await this.recordDispatched(manager, run, step, next.rollbackOrder);
    return { stepId: step.stepId, action: step.action };
  }

  /** Seed 001 records the start of each node's compensation (`pipeline.node_rollback_started`); seed 000 has no such event. */
  private async recordDispatched(manager: EntityManager, run: RunEntity, step: PlanStepEntity, order: number | null): Promise<void> {
    const type = eventType(run.source, 'step_rollback_started');
    if (!type) return;
    await this.audit.append(manager, {
      ...this.ref(run),
      eventType: type,
      severity: 'info',
      reason: `Rolling back node '${step.name}'`,
      success: true,
      metadata: { step_id: step.stepId, node_id: step.name, sequence: step.sequence, rollback_order: order },
    });
  }

  private async finishRollback(manager: EntityManager, run: RunEntity): Promise<void> {
    const failed = await manager.getRepository(StepRunEntity).findBy({ runId: run.id, rollbackStatus: 'failed' });
    const rolledBack = await manager.getRepository(StepRunEntity).countBy({ runId: run.id, rollbackStatus: 'rolled_back' });
    const status = failed.length ? 'partially_rolled_back' : 'rolled_back';
    run.rollbackStatus = status;
    await manager.update(RunEntity, { id: run.id }, { rollbackStatus: status, rollbackFinishedAt: new Date() });
    await manager.update(PlanEntity, { id: run.planId }, { status });
    await this.audit.append(manager, {
      ...this.ref(run),
      eventType: eventType(run.source, 'rollback_completed'),
      severity: failed.length ? 'error' : 'info',
      reason: failed.length ? `Rollback finished with ${failed.length} failed compensation(s): plan partially rolled back` : `Rollback finished: ${rolledBack} step(s) compensated`,
      success: !failed.length,
      metadata: { steps_rolled_back: rolledBack, errors: failed.map((stepRun) => ({ step_id: stepRun.stepId, error: stepRun.rollbackError?.message })) },
    });
  }

  private ref(run: RunEntity) {
    return { tenantId: run.tenantId, planId: run.planId, runId: run.id };
  }
}

