import { liveUnavailableReason } from '@bf/contracts';
import { Injectable } from '@nestjs/common';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Seed 000 step "Configure Fiscal Settings". Only partly reversible, as the plan says. */
@Injectable()
export class ConfigureFiscalStep implements StepExecutor {
  readonly action = 'odoo.configure_fiscal' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const { currency, fiscal_year_start: start, company_name: company } = context.parameters as Record<string, string>;
    const [month, day] = start.split('-').map(Number);
    return {
      result: {
        mode: 'dry_run',
        would: `set res.company '${company}' currency ${currency}, fiscal year starting ${start} (MM-DD)`,
        company: { name: company, currency, fiscalyear_start_month: month, fiscalyear_start_day: day },
      },
      outputs: { odoo_currency: currency },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'nothing automatically: fiscal settings need manual restoration');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
