import { Injectable } from '@nestjs/common';
import { liveUnavailableReason, STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Generates a custom Odoo module from its spec and installs it (one step per spec). */
@Injectable()
export class InstallCustomModuleStep implements StepExecutor {
  readonly action = 'odoo.install_custom_module' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const parsed = STEP_PARAMETER_SCHEMAS[this.action].safeParse(context.parameters);
    if (!parsed.success) throw new PermanentStepError(`invalid custom module spec: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { module } = parsed.data;
    const files = [
      '__init__.py',
      '__manifest__.py',
      'models/__init__.py',
      ...module.models.map((model) => `models/${model.name.replace(/\./g, '_')}.py`),
      ...module.models.map((model) => `views/${model.name.replace(/\./g, '_')}_views.xml`),
      'security/ir.model.access.csv',
    ];
    return {
      result: {
        mode: 'dry_run',
        would: `generate module ${module.module_name} (${module.models.length} model(s), ${files.length} files), copy it to the addons path, update the module list and install it`,
        module: module.module_name,
        files,
      },
      outputs: { [`custom_module_${module.module_name}`]: 'planned' },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'uninstall the custom module and remove it from the addons path (its data may remain)');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
