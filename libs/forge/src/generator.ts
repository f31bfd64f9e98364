import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { canonicalJson, FieldError, sha256Hex } from '@bf/contracts';
import { PluginCms, PluginTemplateManifest, pluginTemplatesDir, readPluginManifest } from './manifest';

/** Bumped when the generator (not a template) changes what it outputs; recorded in the generation audit. */
export const GENERATOR_VERSION = 'forge-generator/1';

export interface GeneratedFile {
  /** Inside the plugin folder, e.g. `acme-contact.php`, `includes/class-acme-contact-form.php`. */
  path: string;
  content: Buffer;
}

export interface GeneratedPlugin {
  templateId: string;
  templateVersion: string;
  cms: PluginCms;
  name: string;
  slug: string;
  version: string;
  /** The plugin's main file (the one with the header), relative to the plugin folder. */
  mainFile: string;
  /** Hooks the contract tests and the sandbox expect to be registered. */
  requiredHooks: string[];
  /** The parameters after defaults, as rendered. */
  parameters: Record<string, string>;
  /** sha256 of the canonical JSON of template, template version and parameters. */
  parametersSha256: string;
  /** sha256 over `sha256  path` lines of every file (sorted): equal outputs, equal hashes. */
  outputSha256: string;
  files: GeneratedFile[];
}

export class PluginParameterError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid plugin parameters: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

export class UnknownPluginTemplateError extends Error {}

/** The same template and parameters always give the same bytes: no clock, no randomness, no model. */
export class PluginGenerator {
  private readonly handlebars = Handlebars.create();

  constructor(private readonly templatesDir: string) {
    // PHP needs its own escaping, not HTML's: templates are compiled with noEscape and say what they need.
    this.handlebars.registerHelper('php_str', (value: unknown) => String(value ?? '').replace(/\\/g, '\\\\').replace(/'/g, "\\'"));
    this.handlebars.registerHelper('upper', (value: unknown) => String(value ?? '').toUpperCase());
  }

  async manifest(templateId: string): Promise<PluginTemplateManifest> {
    const manifest = await readPluginManifest(this.templatesDir, templateId);
    if (!manifest) throw new UnknownPluginTemplateError(`unknown plugin template ${templateId}`);
    return manifest;
  }

  /** The parameters with defaults applied, or every problem by path (`parameters.slug`). */
  resolveParameters(manifest: PluginTemplateManifest, input: Record<string, unknown>): Record<string, string> {
    const errors: FieldError[] = [];
    const known = new Set(manifest.parameters.map((p) => p.name));
    for (const name of Object.keys(input).sort()) if (!known.has(name)) errors.push({ path: `parameters.${name}`, message: `not a parameter of template ${manifest.template_id}` });
    const resolved: Record<string, string> = {};
    for (const parameter of manifest.parameters) {
      const path = `parameters.${parameter.name}`;
      const raw = input[parameter.name];
      if (raw === undefined || raw === null) {
        if (parameter.required) errors.push({ path, message: 'is required' });
        else resolved[parameter.name] = parameter.default ?? '';
        continue;
      }
      if (typeof raw !== 'string') {
        errors.push({ path, message: 'must be a string' });
        continue;
      }
      if (raw.length < (parameter.min_length ?? (parameter.required ? 1 : 0))) errors.push({ path, message: `must be at least ${parameter.min_length ?? 1} characters` });
      else if (raw.length > parameter.max_length) errors.push({ path, message: `must be at most ${parameter.max_length} characters` });
      else if (parameter.pattern && !new RegExp(parameter.pattern).test(raw)) errors.push({ path, message: `must match ${parameter.pattern}` });
      else resolved[parameter.name] = raw;
    }
    if (errors.length) throw new PluginParameterError(errors);
    return resolved;
  }

  async generate(templateId: string, input: Record<string, unknown>): Promise<GeneratedPlugin> {
    const manifest = await this.manifest(templateId);
    const parameters = this.resolveParameters(manifest, input);
    const context = { ...parameters, template_version: manifest.version };
    const render = (source: string) => this.handlebars.compile(source, { noEscape: true, strict: true })(context);
    const folder = join(pluginTemplatesDir(this.templatesDir), manifest.template_id);
    const files: GeneratedFile[] = [];
    for (const [source, target] of Object.entries(manifest.files)) {
      const text = await readFile(join(folder, source), 'utf8');
      files.push({ path: render(target), content: Buffer.from(render(text).replace(/\r\n/g, '\n'), 'utf8') });
    }
    files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    return {
      templateId: manifest.template_id,
      templateVersion: manifest.version,
      cms: manifest.cms,
      name: parameters.plugin_name ?? manifest.name,
      slug: parameters.slug,
      version: parameters.version,
      mainFile: render(manifest.main_file),
      requiredHooks: manifest.required_hooks.map(render),
      parameters,
      parametersSha256: sha256Hex(canonicalJson({ template: manifest.template_id, template_version: manifest.version, generator: GENERATOR_VERSION, parameters })),
      outputSha256: outputDigest(files),
      files,
    };
  }
}

/** sha256sum-style lines (`<sha256>  <path>`), sorted by path, hashed: one digest for a whole tree. */
export function outputDigest(files: readonly GeneratedFile[]): string {
  const lines = [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map((file) => `${sha256Hex(file.content)}  ${file.path}\n`)
    .join('');
  return sha256Hex(lines);
}
