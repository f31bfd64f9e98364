import { Injectable } from '@nestjs/common';
import { compensations, runsFinished } from '@bf/observability';
import { JobProducer } from '@bf/queue';
import { Advance } from './run-advancer';
import { StepDispatcher } from './step-dispatcher';

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
    await this.dispatcher.dispatch(advance.run, advance.ready);
    await this.dispatcher.compensate(advance.run, advance.compensate);
    for (const status of advance.transitions) await this.dispatcher.announce(advance.run, 'step', status, stepId, advance.stepMode);
    if (advance.applied) countCompensations(advance.transitions);
    if (advance.settled) {
      // The report that settles a run is applied once; its redeliveries are not `applied`.
      if (advance.applied || !stepId) runsFinished.inc({ outcome: advance.runStatus, mode: advance.run.dryRun ? 'dry_run' : 'live' });
      await this.producer.enqueue('evidence', 'evidence.build', { tenantId: advance.run.tenantId, runId: advance.run.runId }, { jobId: `evidence.${advance.run.runId}` });
      if (advance.applied || !stepId) await this.dispatcher.announce(advance.run, 'run', advance.runStatus);
    }
  }
}

function countCompensations(transitions: string[]): void {
  for (const status of transitions) if (status === 'rolled_back' || status === 'rollback_failed') compensations.inc({ outcome: status });
}
