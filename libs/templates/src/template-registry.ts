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

  async render(manifest: TemplateManifest, input: Record<string, unknown>): Promise<RenderedFile[]> {
    const { values, errors } = resolveVariables(manifest.variables, input);
    if (errors.length) throw new TemplateVariablesError(manifest.template_id, errors);
    const folder = join(this.templatesDir, 'websites', manifest.template_id);
    const handlebars = Handlebars.create();
    return Promise.all(
      manifest.files.map(async (file) => {
        const source = await readFile(join(folder, file.path));
        const content = file.is_template ? Buffer.from(handlebars.compile(source.toString('utf8'), { strict: false })(values)) : source;
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
