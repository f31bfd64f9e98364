import { liveUnavailableReason } from '@bf/contracts';
import { Injectable } from '@nestjs/common';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Seed 000 step "Install Odoo Modules". */
@Injectable()
export class InstallModulesStep implements StepExecutor {
  readonly action = 'odoo.install_modules' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const technical = context.parameters.technical_names as string[];
    const enterprise = context.parameters.enterprise_only as string[];
    return {
      result: {
        mode: 'dry_run',
        would: `install ${technical.join(', ')} with ir.module.module button_immediate_install`,
        modules: technical,
        ...(enterprise.length ? { warning: `${enterprise.join(', ')} need Odoo Enterprise` } : {}),
      },
      outputs: { odoo_modules: technical },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'uninstall the modules this step installed (their data may remain)');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
