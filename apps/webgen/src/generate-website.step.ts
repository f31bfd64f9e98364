import { liveUnavailableReason } from '@bf/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { DEFAULT_WEBSITE_TEMPLATE, TemplateRegistry, TemplateVariablesError } from '@bf/templates';

/** Renders the briefing's website template (seed 000 step "Generate Website"). */
@Injectable()
export class GenerateWebsiteStep implements StepExecutor {
  readonly action = 'website.generate' as const;
  private readonly templates: TemplateRegistry;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.templates = new TemplateRegistry(config.storage.templatesDir);
  }

  /** Renders every file in memory and reports what would be written, with sizes and hashes. */
  async dryRun(context: StepContext): Promise<StepOutcome> {
    const templateId = context.templateId ?? DEFAULT_WEBSITE_TEMPLATE;
    const manifest = await this.templates.find(templateId);
    if (!manifest) throw new PermanentStepError(`template ${templateId} does not exist`);
    try {
      const files = await this.templates.render(manifest, context.parameters);
      return {
        result: {
          mode: 'dry_run',
          would: `write ${files.length} file(s) rendered from ${manifest.template_id}@${manifest.version}`,
          template: { template_id: manifest.template_id, version: manifest.version },
          files: files.map(({ output_path, sha256, size_bytes }) => ({ output_path, sha256, size_bytes })),
        },
        outputs: { website_template: manifest.template_id, website_files: files.length },
      };
    } catch (error) {
      if (error instanceof TemplateVariablesError) throw new PermanentStepError(error.message);
      throw error;
    }
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'delete the generated files');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
