import { Injectable } from '@nestjs/common';
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
    if (advance.settled) {
      await this.producer.enqueue('evidence', 'evidence.build', { tenantId: advance.run.tenantId, runId: advance.run.runId }, { jobId: `evidence.${advance.run.runId}` });
      if (advance.applied || !stepId) await this.dispatcher.announce(advance.run, 'run', advance.runStatus);
    }
  }
}
