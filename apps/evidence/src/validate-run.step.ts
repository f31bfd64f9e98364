import { Injectable } from '@nestjs/common';
import { liveUnavailableReason } from '@bf/contracts';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** The run-state key each validation check needs, i.e. what an earlier step must have produced. */
const CHECK_NEEDS: Record<string, (state: Readonly<Record<string, unknown>>) => boolean> = {
  website_http_200: (state) => typeof state.deployed_url === 'string',
  dns_answer: (state) => Array.isArray(state.dns_records),
  odoo_login: (state) => Array.isArray(state.odoo_modules),
  integration_roundtrip: (state) => Object.keys(state).some((key) => key.startsWith('integration_')),
};

/** Seed 000 step "Final Validation". */
@Injectable()
export class ValidateRunStep implements StepExecutor {
  readonly action = 'validation.run' as const;

  /** In a dry run, checks that every earlier step left what its live check would need. */
  async dryRun(context: StepContext): Promise<StepOutcome> {
    const checks = context.parameters.checks as string[];
    const missing = checks.filter((check) => !(CHECK_NEEDS[check]?.(context.runState) ?? false));
    if (missing.length) throw new PermanentStepError(`earlier steps left nothing to validate for: ${missing.join(', ')}`);
    return {
      result: { mode: 'dry_run', would: `run ${checks.length} live check(s): ${checks.join(', ')}`, checks },
      outputs: { validation: 'planned' },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'nothing: validation changes nothing');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
