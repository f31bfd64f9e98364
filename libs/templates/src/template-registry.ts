import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { FieldError } from '@bf/contracts';
import { TemplateManifest, TemplateManifestSchema } from './manifest.schema';
import { resolveVariables } from './variable-validator';

export interface RenderedFile {
  output_path: string;
  content: Buffer;
  sha256: string;
  size_bytes: number;
}

export class TemplateVariablesError extends Error {
  constructor(
    readonly templateId: string,
    readonly errors: FieldError[],
  ) {
    super(`template ${templateId}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  }
}

/** The template a website step renders when its plan names none. */
export const DEFAULT_WEBSITE_TEMPLATE = 'modern_landing_v1';

/**
 * The website templates under `<templatesDir>/websites/<id>/manifest.json`.
 * Rendering uses a fresh Handlebars environment with no custom helpers, and
 * Handlebars escapes every value by default, so a variable cannot inject markup.
 */
export class TemplateRegistry {
  private readonly handlebars = Handlebars.create();
  private readonly compiledBySource = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly templatesDir: string) {}

  async list(): Promise<TemplateManifest[]> {
    const root = join(this.templatesDir, 'websites');
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    const manifests = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => this.find(e.name)));
    return manifests.filter((m): m is TemplateManifest => m !== undefined).sort((a, b) => a.template_id.localeCompare(b.template_id));
  }

  async find(templateId: string): Promise<TemplateManifest | undefined> {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(templateId)) return undefined;
    const raw = await readFile(join(this.templatesDir, 'websites', templateId, 'manifest.json'), 'utf8').catch(() => undefined);
    return raw === undefined ? undefined : TemplateManifestSchema.parse(JSON.parse(raw));
  }

  /**
   * Compiled templates by the sha256 of their source: files are still read on
   * every render (an edited template takes effect at once), but compiling, the
   * costly part, happens once per distinct source. Bounded; oldest out first.
   */
  private compiled(source: Buffer): Handlebars.TemplateDelegate {
    const key = createHash('sha256').update(source).digest('hex');
    let template = this.compiledBySource.get(key);
    if (!template) {
      const compiled = this.handlebars.compile(source.toString('utf8'), { strict: false });
      compiled({}); // Handlebars compiles lazily: force it now, so a broken template fails here and is never cached
      template = compiled;
      this.compiledBySource.set(key, template);
      if (this.compiledBySource.size > 256) this.compiledBySource.delete(this.compiledBySource.keys().next().value!);
    }
    return template;
  }

  async render(manifest: TemplateManifest, input: Record<string, unknown>): Promise<RenderedFile[]> {
    const { values, errors } = resolveVariables(manifest.variables, input);
    if (errors.length) throw new TemplateVariablesError(manifest.template_id, errors);
    const folder = join(this.templatesDir, 'websites', manifest.template_id);
    return Promise.all(
      manifest.files.map(async (file) => {
        const source = await readFile(join(folder, file.path));
        const content = file.is_template ? Buffer.from(this.compiled(source)(values)) : source;
        return {
          output_path: file.output_path,
          content,
          sha256: createHash('sha256').update(content).digest('hex'),
          size_bytes: content.length,
        };
      }),
    );
  }
}
