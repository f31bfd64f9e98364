import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { DEFAULT_WEBSITE_TEMPLATE, RenderedFile, TemplateManifest, TemplateRegistry, TemplateVariablesError } from '@bf/templates';
import { SsrfGuard } from '@bf/runtime';
import { LogoFetcher } from './assets/logo-fetcher';
import { OutputPathError, siteContentHash, SiteStaging } from './deploy';

/** What became of a briefing's logo_url, as recorded in the step's result. */
type LogoRecord =
  | { url: string; fetched: true; output_path: string; sha256: string; size_bytes: number; content_type: string; address: string }
  | { url: string; fetched: false; reason: string; kept: 'remote url' };

/** Renders the briefing's website template (seed 000 step "Generate Website"). */
@Injectable()
export class GenerateWebsiteStep implements StepExecutor {
  readonly action = 'website.generate' as const;
  private readonly templates: TemplateRegistry;
  private readonly staging: SiteStaging;
  private readonly logoFetcher: LogoFetcher | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.templates = new TemplateRegistry(config.storage.templatesDir);
    this.staging = new SiteStaging(join(config.storage.dataDir, 'staging'));
    const logo = config.site.logoFetch;
    this.logoFetcher = logo.enabled
      ? new LogoFetcher({ maxBytes: logo.maxBytes, timeoutMs: logo.timeoutMs, guard: new SsrfGuard(config.security.ssrf, { lookupTimeoutMs: logo.timeoutMs }) })
      : null;
  }

  /**
   * Renders every file in memory and reports what would be written, with sizes and
   * hashes, plus the home page as it would be served (an artifact, so a reviewer sees
   * the page before approving). Writes nothing and fetches nothing.
   */
  async dryRun(context: StepContext): Promise<StepOutcome> {
    const { manifest, files } = await this.render(context);
    const index = servedFiles(manifest, files).find((file) => file.output_path === 'index.html');
    const logoUrl = typeof context.parameters.logo_url === 'string' ? context.parameters.logo_url : null;
    return {
      result: {
        mode: 'dry_run',
        would: `write ${files.length} file(s) rendered from ${manifest.template_id}@${manifest.version}`,
        template: { template_id: manifest.template_id, version: manifest.version },
        files: files.map(({ output_path, sha256, size_bytes }) => ({ output_path, sha256, size_bytes })),
        ...(index ? { preview: { output_path: 'index.html', sha256: index.sha256, size_bytes: index.size_bytes } } : {}),
        ...(logoUrl ? { logo: { url: logoUrl, would: this.logoFetcher ? 'fetch it if its host resolves only to public addresses, and serve it from the site' : 'keep the remote URL (LOGO_FETCH is off)' } } : {}),
      },
      outputs: { website_template: manifest.template_id, website_files: files.length },
      artifacts: index ? [{ name: 'preview/index.html', content: index.content, mediaType: 'text/html' }] : [],
    };
  }

  /**
   * Writes the rendered site into the run's staging folder (keyed by run and step,
   * so a retry rewrites the same folder with the same content) for the deploy step.
   */
  async execute(context: StepContext): Promise<StepOutcome> {
    const logo = await this.fetchLogo(context);
    const { manifest, files: rendered } = await this.render(context, logo.localAssets);
    const files = [...servedFiles(manifest, rendered).filter((file) => file.output_path !== logo.file?.output_path), ...(logo.file ? [logo.file] : [])];
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
        ...(logo.record ? { logo: logo.record } : {}),
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

  /**
   * The briefing's logo as a file of the site, when fetching is configured and the
   * URL passes the address policy; otherwise the template keeps the remote URL and
   * the result says why.
   */
  private async fetchLogo(context: StepContext): Promise<{ record: LogoRecord | null; file?: RenderedFile; localAssets?: Record<string, string> }> {
    const url = context.parameters.logo_url;
    if (typeof url !== 'string' || !url) return { record: null };
    if (!this.logoFetcher) return { record: { url, fetched: false, reason: 'LOGO_FETCH is off: logos are never fetched unless configured', kept: 'remote url' } };
    const fetched = await this.logoFetcher.fetch(url);
    if (!fetched.fetched) return { record: { url, fetched: false, reason: fetched.reason, kept: 'remote url' } };
    const output_path = `assets/logo.${fetched.ext}`;
    const sha256 = createHash('sha256').update(fetched.content).digest('hex');
    return {
      record: { url, fetched: true, output_path, sha256, size_bytes: fetched.size_bytes, content_type: fetched.content_type, address: fetched.address },
      file: { output_path, content: fetched.content, sha256, size_bytes: fetched.size_bytes },
      localAssets: { logo_url: `/${output_path}` },
    };
  }

  private async render(context: StepContext, localAssets?: Record<string, string>): Promise<{ manifest: TemplateManifest; files: RenderedFile[] }> {
    const templateId = context.templateId ?? DEFAULT_WEBSITE_TEMPLATE;
    const manifest = await this.templates.find(templateId);
    if (!manifest) throw new PermanentStepError(`template ${templateId} does not exist`);
    try {
      return { manifest, files: await this.templates.render(manifest, context.parameters, localAssets) };
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
