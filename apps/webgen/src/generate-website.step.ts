import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { DEFAULT_WEBSITE_TEMPLATE, RenderedFile, TemplateManifest, TemplateRegistry, TemplateVariablesError } from '@bf/templates';
import { OutputPathError, siteContentHash, SiteStaging } from './deploy';

/** Renders the briefing's website template (seed 000 step "Generate Website"). */
@Injectable()
export class GenerateWebsiteStep implements StepExecutor {
  readonly action = 'website.generate' as const;
  private readonly templates: TemplateRegistry;
  private readonly staging: SiteStaging;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.templates = new TemplateRegistry(config.storage.templatesDir);
    this.staging = new SiteStaging(join(config.storage.dataDir, 'staging'));
  }

  /** Renders every file in memory and reports what would be written, with sizes and hashes. */
  async dryRun(context: StepContext): Promise<StepOutcome> {
    const { manifest, files } = await this.render(context);
    return {
      result: {
        mode: 'dry_run',
        would: `write ${files.length} file(s) rendered from ${manifest.template_id}@${manifest.version}`,
        template: { template_id: manifest.template_id, version: manifest.version },
        files: files.map(({ output_path, sha256, size_bytes }) => ({ output_path, sha256, size_bytes })),
      },
      outputs: { website_template: manifest.template_id, website_files: files.length },
    };
  }

  /**
   * Writes the rendered site into the run's staging folder (keyed by run and step,
   * so a retry rewrites the same folder with the same content) for the deploy step.
   */
  async execute(context: StepContext): Promise<StepOutcome> {
    const { manifest, files: rendered } = await this.render(context);
    const files = servedFiles(manifest, rendered);
    const contentHash = siteContentHash(files);
    let stagingDir: string;
    try {
      stagingDir = await this.staging.write(context.idempotencyKey, files);
    } catch (error) {
      if (error instanceof OutputPathError) throw new PermanentStepError((error as Error).message);
      throw error;
    }
    const index = files.find((file) => file.output_path === 'index.html');
    return {
      result: {
        mode: 'live',
        template: { template_id: manifest.template_id, version: manifest.version },
        staging_dir: stagingDir,
        site_content_hash: contentHash,
        ...(manifest.public_root ? { public_root: manifest.public_root, files_not_served: rendered.length - files.length } : {}),
        files: files.map(({ output_path, sha256, size_bytes }) => ({ output_path, sha256, size_bytes })),
      },
      outputs: {
        website_template: manifest.template_id,
        website_files: files.length,
        site_content_hash: contentHash,
        site_staging_dir: stagingDir,
        site_index_sha256: index?.sha256 ?? null,
      },
    };
  }

  /** Removes the staging folder (a deployed release is the deploy step's to undo). */
  async rollback(context: StepContext): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'delete the generated files');
    const folder = this.staging.folderFor(context.idempotencyKey);
    const removed = await this.staging.remove(context.idempotencyKey);
    return { result: { mode: 'live', undone: removed ? `removed the staging folder ${folder}` : `nothing: the staging folder ${folder} was already gone`, staging_dir: folder } };
  }

  private async render(context: StepContext): Promise<{ manifest: TemplateManifest; files: RenderedFile[] }> {
    const templateId = context.templateId ?? DEFAULT_WEBSITE_TEMPLATE;
    const manifest = await this.templates.find(templateId);
    if (!manifest) throw new PermanentStepError(`template ${templateId} does not exist`);
    try {
      return { manifest, files: await this.templates.render(manifest, context.parameters) };
    } catch (error) {
      if (error instanceof TemplateVariablesError) throw new PermanentStepError(error.message);
      throw error;
    }
  }
}

/**
 * What a site serves. A template with a `public_root` (nextjs_business: a
 * Next.js project plus its static export in `out/`) publishes the export alone,
 * at the site's root; the project sources stay in the dry run's file list and
 * are never served.
 */
export function servedFiles(manifest: TemplateManifest, files: RenderedFile[]): RenderedFile[] {
  if (!manifest.public_root) return files;
  const prefix = `${manifest.public_root.replace(/\/+$/, '')}/`;
  return files.filter((file) => file.output_path.startsWith(prefix)).map((file) => ({ ...file, output_path: file.output_path.slice(prefix.length) }));
}
