import { Injectable } from '@nestjs/common';
import { ACTION_QUEUE, rollbackJobId, StepAction, stepJobId } from '@bf/contracts';
import { JobProducer, ProgressPublisher } from '@bf/queue';

export interface ReadyStep {
  stepId: string;
  action: StepAction;
  attempt: number;
  /** The step's own mode: a live run may dry-run some steps (dry_run_unavailable=true). */
  dryRun: boolean;
}

/** What a progress event adds to the status: the step's mode, and why a step changes nothing. */
export interface ProgressExtra {
  mode?: 'dry_run' | 'live';
  detail?: string;
}

export interface RunRef {
  tenantId: string;
  planId: string;
  runId: string;
  dryRun: boolean;
}

/**
 * Puts ready steps on their executors' queues. Called after the transaction that
 * marked them dispatched has committed (so the worker finds the rows), and safe
 * to call again for the same steps: job ids are (run, step, attempt).
 */
@Injectable()
export class StepDispatcher {
  constructor(
    private readonly producer: JobProducer,
    private readonly progress: ProgressPublisher,
  ) {}

  async dispatch(run: RunRef, steps: ReadyStep[]): Promise<void> {
    await Promise.all(
      steps.map((step) =>
        this.producer.enqueue(
          ACTION_QUEUE[step.action],
          step.action as never,
          { tenantId: run.tenantId, planId: run.planId, runId: run.runId, stepId: step.stepId, attempt: step.attempt, dryRun: step.dryRun } as never,
          { jobId: stepJobId(run.runId, step.stepId, step.attempt) },
        ),
      ),
    );
  }

  /** Puts a compensation on the queue of the worker that runs the step; one job per (run, step). */
  async compensate(run: RunRef, compensations: { stepId: string; action: StepAction }[]): Promise<void> {
    for (const { stepId, action } of compensations) {
      await this.producer.enqueue(ACTION_QUEUE[action], 'step.rollback' as never, { tenantId: run.tenantId, planId: run.planId, runId: run.runId, stepId } as never, {
        jobId: rollbackJobId(run.runId, stepId),
      });
    }
  }

  async announce(run: RunRef, kind: 'step' | 'run', status: string, stepId: string | null = null, extra: ProgressExtra = {}): Promise<void> {
    await this.announceAll(run, [{ kind, status, stepId, extra }]);
  }

  /** Several progress events of one run, in order, in one round trip. */
  async announceAll(run: RunRef, announcements: Announcement[]): Promise<void> {
    if (!announcements.length) return;
    const at = new Date().toISOString();
    // Progress is best effort: losing one only delays a display, never the run.
    await this.progress
      .publishAll(announcements.map(({ kind, status, stepId = null, extra = {} }) => ({ planId: run.planId, runId: run.runId, kind, stepId, status, at, ...extra })))
      .catch(() => undefined);
  }
}

export interface Announcement {
  kind: 'step' | 'run';
  status: string;
  stepId?: string | null;
  extra?: ProgressExtra;
}
