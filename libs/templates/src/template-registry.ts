import { z } from 'zod';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describeIssues, FieldError } from '@bf/contracts';
import { TemplateManifest, TemplateManifestSchema, TEMPLATE_ID } from './manifest.schema';
import { resolveVariables } from './variable-validator';
import { registerTemplateHelpers, TEMPLATE_HELPERS } from './template-helpers';

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

/** A template folder that cannot be used; the message names the file. */
export class TemplateLoadError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid template ${file}: ${problems.join('; ')}`);
  }
}

/** A template's manifest.json, read and checked against its schema; every failure names the file. */
export async function readManifest<T extends z.ZodTypeAny>(manifestFile: string, schema: T): Promise<z.infer<T>> {
  const raw = await readFile(manifestFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new TemplateLoadError(manifestFile, [error.code === 'ENOENT' ? 'missing' : error.message]);
  });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new TemplateLoadError(manifestFile, [`not JSON: ${(error as Error).message}`]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new TemplateLoadError(manifestFile, describeIssues(parsed.error).map((e) => `${e.path} ${e.message}`));
  return parsed.data;
}

/** The template a website step renders when its plan names none. */
export const DEFAULT_WEBSITE_TEMPLATE = 'modern_landing_v1';

/**
 * Compile options for every template. `strict`: a name the context lacks is an
 * error (resolveVariables gives every declared variable a value, null if
 * absent), so a typo in a template fails instead of rendering blank.
 * `knownHelpersOnly`: only the helpers registered in template-helpers.ts (and
 * the built-in block helpers) can be called; `{{constructor.constructor}}` or an
 * unknown helper name never reaches JavaScript. Escaping stays on (`noEscape`
 * false), and the triple-stash `{{{ }}}` is rejected when templates are loaded.
 */
const COMPILE_OPTIONS: CompileOptions = strictCompileOptions(Object.keys(TEMPLATE_HELPERS));

/** Strict, escaping, and only the named helpers: how every template of ours (websites, Odoo modules) compiles. */
export function strictCompileOptions(helpers: readonly string[]): CompileOptions {
  return { strict: true, knownHelpersOnly: true, knownHelpers: Object.fromEntries(helpers.map((name) => [name, true])), noEscape: false };
}

/** Runtime options: no prototype properties or methods, whatever Handlebars' defaults become. */
export const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowedProtoProperties: {},
  allowedProtoMethods: {},
};
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/**
 * The website templates under `<templatesDir>/websites/<id>/manifest.json`,
 * rendered in a Handlebars environment of our own (only our helpers, no
 * partials, strict, HTML-escaped; see COMPILE_OPTIONS).
 */
export class TemplateRegistry {
  private readonly handlebars = registerTemplateHelpers(Handlebars.create());
  private readonly compiledBySource = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly templatesDir: string) {}

  async list(): Promise<TemplateManifest[]> {
    const root = join(this.templatesDir, 'websites');
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    const manifests = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => this.find(e.name)));
    return manifests.filter((m): m is TemplateManifest => m !== undefined).sort((a, b) => a.template_id.localeCompare(b.template_id));
  }

  async find(templateId: string): Promise<TemplateManifest | undefined> {
    if (!TEMPLATE_ID.test(templateId)) return undefined;
    const raw = await readFile(join(this.templatesDir, 'websites', templateId, 'manifest.json'), 'utf8').catch(() => undefined);
    return raw === undefined ? undefined : TemplateManifestSchema.parse(JSON.parse(raw));
  }

  /**
   * Loads and checks every website template: the manifest parses and matches
   * the schema, its template_id is its folder name, every file it lists exists,
   * every `*.hbs` compiles with our options and uses no unescaped `{{{ }}}`, and
   * the defaults satisfy the variables' own rules. Throws one TemplateLoadError
   * naming the first broken file; apps call it at boot so a broken template
   * stops the process instead of failing a step later.
   */
  async loadAll(): Promise<TemplateManifest[]> {
    const root = join(this.templatesDir, 'websites');
    const entries = await readdir(root, { withFileTypes: true }).catch((error: Error) => {
      throw new TemplateLoadError(root, [`cannot read the templates folder: ${error.message}`]);
    });
    const manifests: TemplateManifest[] = [];
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      manifests.push(await this.loadOne(join(root, entry.name), entry.name));
    }
    return manifests;
  }

  private async loadOne(folder: string, folderName: string): Promise<TemplateManifest> {
    const manifestFile = join(folder, 'manifest.json');
    const manifest = await readManifest(manifestFile, TemplateManifestSchema);
    if (manifest.template_id !== folderName) throw new TemplateLoadError(manifestFile, [`template_id ${manifest.template_id} must equal its folder name ${folderName}`]);
    const defaults = Object.fromEntries(manifest.variables.filter((v) => v.default !== undefined).map((v) => [v.name, v.default]));
    const defaultErrors = resolveVariables(manifest.variables.map((v) => ({ ...v, required: false })), defaults).errors;
    if (defaultErrors.length) throw new TemplateLoadError(manifestFile, defaultErrors.map((e) => `default of ${e.path} ${e.message}`));
    for (const file of manifest.files) {
      const path = join(folder, file.path);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new TemplateLoadError(path, [`listed in ${manifestFile} but missing`]);
      if (!file.is_template) continue;
      const source = await readFile(path, 'utf8');
      if (source.includes('{{{') || /\{\{\s*&/.test(source)) throw new TemplateLoadError(path, ['unescaped output ({{{ }}} or {{& }}) is not allowed']);
      try {
        this.handlebars.precompile(source, COMPILE_OPTIONS);
      } catch (error) {
        throw new TemplateLoadError(path, [(error as Error).message.split('\n')[0]]);
      }
    }
    return manifest;
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
      // precompile parses and compiles eagerly, so a broken template fails here and is never cached.
      this.handlebars.precompile(source.toString('utf8'), COMPILE_OPTIONS);
      template = this.handlebars.compile(source.toString('utf8'), COMPILE_OPTIONS);
      this.compiledBySource.set(key, template);
      if (this.compiledBySource.size > 256) this.compiledBySource.delete(this.compiledBySource.keys().next().value!);
    }
    return template;
  }

  /**
   * Renders the manifest's files. Output paths come only from the manifest
   * (checked by its schema); a per-page file is emitted when `pages` lists it.
   *
   * `localAssets` replaces declared variables after validation with paths of files
   * the caller adds to the site itself (`logo_url` → `/assets/logo.png`): such a
   * path is not a URL the variable's type would accept, but it is the caller's, not the user's.
   */
  async render(manifest: TemplateManifest, input: Record<string, unknown>, localAssets: Record<string, string> = {}): Promise<RenderedFile[]> {
    const { values, errors } = resolveVariables(manifest.variables, input);
    if (errors.length) throw new TemplateVariablesError(manifest.template_id, errors);
    for (const [name, path] of Object.entries(localAssets)) {
      if (!manifest.variables.some((variable) => variable.name === name)) continue;
      if (!/^\/[A-Za-z0-9._/-]+$/.test(path) || path.includes('..')) throw new Error(`not a site-local asset path: ${JSON.stringify(path)}`);
      values[name] = path;
    }
    const pages = Array.isArray(values.pages) ? (values.pages as unknown[]) : [];
    const supported = manifest.supported_pages;
    const context = {
      ...values,
      // The pages this template renders, in the briefing's order; a page it lacks is left out, not an error.
      site_pages: supported ? pages.filter((page): page is string => typeof page === 'string' && supported.includes(page)) : pages,
      template: { id: manifest.template_id, version: manifest.version },
    };
    const folder = join(this.templatesDir, 'websites', manifest.template_id);
    const files = manifest.files.filter((file) => !file.page || context.site_pages.includes(file.page));
    return Promise.all(
      files.map(async (file) => {
        const source = await readFile(join(folder, file.path));
        const content = file.is_template ? Buffer.from(this.compiled(source)(context, RUNTIME_OPTIONS)) : source;
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
