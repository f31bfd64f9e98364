import { Controller } from '@nestjs/common';
import { JobPayload, StepJobResult } from '@bf/contracts';
import { JobContext, JobHandler } from '@bf/queue';
import { StepRunner } from '@bf/step-sdk';
import { DeployWebsiteStep } from './deploy-website.step';
import { GenerateWebsiteStep } from './generate-website.step';

@Controller()
export class WebgenProcessor {
  constructor(
    private readonly runner: StepRunner,
    private readonly generate: GenerateWebsiteStep,
    private readonly deploy: DeployWebsiteStep,
  ) {}

  @JobHandler('webgen', 'website.generate')
  generateWebsite(payload: JobPayload<'webgen', 'website.generate'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.generate, payload, job);
  }

  @JobHandler('webgen', 'website.deploy')
  deployWebsite(payload: JobPayload<'webgen', 'website.deploy'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.deploy, payload, job);
  }

  /** Compensation of any step this worker runs, chosen by the step's action. */
  @JobHandler('webgen', 'step.rollback')
  rollbackStep(payload: JobPayload<'webgen', 'step.rollback'>, job: JobContext) {
    return this.runner.rollback([this.generate, this.deploy], payload, job);
  }
}
