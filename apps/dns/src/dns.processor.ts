import { Controller } from '@nestjs/common';
import { JobPayload, StepJobResult } from '@bf/contracts';
import { JobContext, JobHandler } from '@bf/queue';
import { StepRunner } from '@bf/step-sdk';
import { ConfigureDnsStep } from './configure-dns.step';

@Controller()
export class DnsProcessor {
  constructor(
    private readonly runner: StepRunner,
    private readonly configure: ConfigureDnsStep,
  ) {}

  @JobHandler('dns', 'dns.configure')
  configureDns(payload: JobPayload<'dns', 'dns.configure'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.configure, payload, job);
  }

  /** Compensation of any step this worker runs, chosen by the step's action. */
  @JobHandler('dns', 'step.rollback')
  rollbackStep(payload: JobPayload<'dns', 'step.rollback'>, job: JobContext) {
    return this.runner.rollback([this.configure], payload, job);
  }
}
