import { liveUnavailableReason } from '@bf/contracts';
import { Injectable } from '@nestjs/common';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Serves the generated site for its domain (seed 000 step "Deploy Website"). */
@Injectable()
export class DeployWebsiteStep implements StepExecutor {
  readonly action = 'website.deploy' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const domain = String(context.parameters.domain);
    if (context.runState.website_files === undefined) {
      throw new PermanentStepError('no generated website in the run state: the Generate Website step must run first');
    }
    return {
      result: {
        mode: 'dry_run',
        would: `publish ${context.runState.website_files} file(s) for ${domain} on the web host and check it answers HTTP 200`,
        domain,
      },
      outputs: { deployed_url: `https://${domain}`, deployed_domain: domain },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'remove the web host configuration and delete the deployed files');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
