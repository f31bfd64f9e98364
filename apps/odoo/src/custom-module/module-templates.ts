import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { readManifest, RUNTIME_OPTIONS, strictCompileOptions, TemplateLoadError } from '@bf/templates';
import { csvField, pythonIdentifier, pythonString, xmlAttribute, xmlText } from './escaping';
import { ModuleTemplateFile, ModuleTemplateManifest, ModuleTemplateManifestSchema } from './module-template.schema';
import { OUTPUT_HELPERS, templateProblems } from './template-check';

const ESCAPERS: Record<string, (value: string) => string> = {
  py: pythonString,
  py_ident: pythonIdentifier,
  xml_attr: xmlAttribute,
  xml_text: xmlText,
  csv: csvField,
};

/**
 * Same stance as the website TemplateRegistry: strict (a missing name throws),
 * only our helpers, escaping left on as a backstop. The helpers return
 * SafeStrings because they have already escaped for their language.
 */
const COMPILE_OPTIONS = strictCompileOptions(Object.values(OUTPUT_HELPERS).flat());

/** The Odoo module template under `<templatesDir>/odoo/<templateId>/`, checked and compiled once. */
export class ModuleTemplates {
  private constructor(
    readonly manifest: ModuleTemplateManifest,
    private readonly compiled: Map<ModuleTemplateFile, Handlebars.TemplateDelegate>,
  ) {}

  /** Throws TemplateLoadError naming the first broken file, so a worker can refuse to boot with it. */
  static async load(templatesDir: string, templateId = 'custom_module'): Promise<ModuleTemplates> {
    const folder = join(templatesDir, 'odoo', templateId);
    const manifestFile = join(folder, 'manifest.json');
    const manifest = await readManifest(manifestFile, ModuleTemplateManifestSchema);
    if (manifest.template_id !== templateId) throw new TemplateLoadError(manifestFile, [`template_id must equal its folder name ${templateId}`]);

    const handlebars = Handlebars.create();
    for (const [name, escape] of Object.entries(ESCAPERS)) {
      handlebars.registerHelper(name, (value: unknown) => {
        if (typeof value !== 'string') throw new Error(`${name} expects a string, got ${value === null ? 'null' : typeof value}`);
        return new Handlebars.SafeString(escape(value));
      });
    }
    const compiled = new Map<ModuleTemplateFile, Handlebars.TemplateDelegate>();
    for (const file of manifest.files) {
      const path = join(folder, file.path);
      const source = await readFile(path, 'utf8').catch(() => {
        throw new TemplateLoadError(path, [`listed in ${manifestFile} but missing`]);
      });
      const problems = templateProblems(source, file.language);
      if (problems.length) throw new TemplateLoadError(path, problems);
      // precompile is eager, so a syntax error surfaces here rather than at the first render.
      handlebars.precompile(source, COMPILE_OPTIONS);
      compiled.set(file, handlebars.compile(source, COMPILE_OPTIONS));
    }
    return new ModuleTemplates(manifest, compiled);
  }

  render(file: ModuleTemplateFile, context: object): string {
    const template = this.compiled.get(file);
    if (!template) throw new Error(`not a file of template ${this.manifest.template_id}: ${file.path}`);
    return template(context, RUNTIME_OPTIONS);
  }
}
