import { Controller } from '@nestjs/common';
import { JobPayload, JobResult } from '@bf/contracts';
import { JobHandler } from '@bf/queue';
import { RunAdvancer } from './run-advancer';
import { RunFollowUp } from './run-follow-up';

/**
 * Consumes the durable `step-status` queue: applies each worker report to the
 * run, then carries out what it implies. If anything after the commit fails, the
 * job is retried and the advancer returns the same ready steps again.
 */
@Controller()
export class OrchestratorProcessor {
  constructor(
    private readonly advancer: RunAdvancer,
    private readonly followUp: RunFollowUp,
  ) {}

  @JobHandler('step-status', 'step.report')
  async applyStepReport(report: JobPayload<'step-status', 'step.report'>): Promise<JobResult<'step-status', 'step.report'>> {
    const advance = await this.advancer.apply(report);
    if (!advance) return { applied: false };
    await this.followUp.carryOut(advance, report.stepId);
    return { applied: advance.applied };
  }
}
