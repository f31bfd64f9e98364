import { liveUnavailableReason } from '@bf/contracts';
import { Injectable } from '@nestjs/common';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Seed 000 step "Configure Integration": the website's contact form creates CRM leads. */
@Injectable()
export class ConfigureIntegrationStep implements StepExecutor {
  readonly action = 'integration.configure' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const { type, name } = context.parameters as { type: string; name: string };
    const site = context.runState.deployed_domain;
    const modules = (context.runState.odoo_modules as string[] | undefined) ?? [];
    if (type === 'contact_form' && !modules.includes('crm')) {
      throw new PermanentStepError(`integration '${name}' creates CRM leads, but the plan does not install crm`);
    }
    return {
      result: {
        mode: 'dry_run',
        would: `accept ${String(site ?? 'the site')}'s contact form and create crm.lead records from it`,
        integration: name,
      },
      outputs: { [`integration_${context.stepId}`]: 'configured' },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'remove the webhook and API connection this step created');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
