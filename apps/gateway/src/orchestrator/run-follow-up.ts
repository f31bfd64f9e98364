import { Injectable } from '@nestjs/common';
import { compensations, runsFinished } from '@bf/observability';
import { JobProducer } from '@bf/queue';
import { Advance } from './run-advancer';
import { Announcement, StepDispatcher } from './step-dispatcher';

/**
 * Everything that follows a committed advance: dispatch ready steps, dispatch the
 * next compensation, announce progress, and once the run has settled, request its
 * evidence pack. Safe to repeat: every enqueue has a deterministic job id.
 */
@Injectable()
export class RunFollowUp {
  constructor(
    private readonly dispatcher: StepDispatcher,
    private readonly producer: JobProducer,
  ) {}

  async carryOut(advance: Advance, stepId: string | null = null): Promise<void> {
    const announcements: Announcement[] = advance.transitions.map((status) => ({ kind: 'step', status, stepId, extra: advance.stepMode }));
    if (advance.applied) countCompensations(advance.transitions);
    // The report that settles a run is applied once; its redeliveries are not `applied`.
    const ended = advance.settled && (advance.applied || !stepId);
    if (ended) {
      runsFinished.inc({ outcome: advance.runStatus, mode: advance.run.dryRun ? 'dry_run' : 'live' });
      announcements.push({ kind: 'run', status: advance.runStatus });
    }
    // All at once: the next steps' jobs, the next compensation, the progress events (in their order, one round trip)
    // and the evidence pack's job. A failed enqueue fails the report's job, whose retry returns the same work again.
    await Promise.all([
      this.dispatcher.dispatch(advance.run, advance.ready),
      this.dispatcher.compensate(advance.run, advance.compensate),
      this.dispatcher.announceAll(advance.run, announcements),
      advance.settled
        ? this.producer.enqueue('evidence', 'evidence.build', { tenantId: advance.run.tenantId, runId: advance.run.runId }, { jobId: `evidence.${advance.run.runId}` })
        : undefined,
    ]);
  }
}

function countCompensations(transitions: string[]): void {
  for (const status of transitions) if (status === 'rolled_back' || status === 'rollback_failed') compensations.inc({ outcome: status });
}
