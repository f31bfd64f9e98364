import { liveUnavailableReason } from '@bf/contracts';
import { Injectable } from '@nestjs/common';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Seed 000 step "Create Odoo Users". */
@Injectable()
export class CreateUsersStep implements StepExecutor {
  readonly action = 'odoo.create_users' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const users = context.parameters.users as { name: string; email: string; role: string }[];
    return {
      result: {
        mode: 'dry_run',
        would: `create ${users.length} res.users record(s)`,
        users: users.map(({ email, role }) => ({ login: email, role })),
      },
      outputs: { odoo_users: users.map((user) => user.email) },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'delete (archive) the users this step created');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
