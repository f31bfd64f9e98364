import { sha256Hex, tableName, validateCustomModuleSpec } from '@bf/contracts';
import { isContainedPath } from '@bf/templates';
import { deterministicZip } from './module-zip';
import { MODEL_PLACEHOLDER, ModuleTemplateFile } from './module-template.schema';
import { ModuleTemplates } from './module-templates';
import { moduleContext, ModuleContext } from './view-model';

export interface GeneratedModuleFile {
  /** `<module_name>/…`, the same path the file has in the zip. */
  path: string;
  content: Buffer;
  sha256: string;
}

export interface GeneratedModule {
  module_name: string;
  /** Sorted by path. */
  files: GeneratedModuleFile[];
  /** The module folder as the zip root; byte-identical for the same spec and templates. */
  zip: Buffer;
  zip_sha256: string;
}

const sha256 = sha256Hex;

/**
 * Renders a custom Odoo module (seed 001 S8.5) from a custom-module spec with
 * the templates under `<templatesDir>/odoo/custom_module/`. Pure: no Odoo, no
 * disk writes; the step that installs it decides where the files go.
 */
export class CustomModuleGenerator {
  private templates?: Promise<ModuleTemplates>;

  constructor(private readonly templatesDir: string) {}

  /** Loads and checks the templates (TemplateLoadError if broken); generate() calls it too. */
  load(): Promise<ModuleTemplates> {
    this.templates ??= ModuleTemplates.load(this.templatesDir).catch((error: unknown) => {
      this.templates = undefined;
      throw error;
    });
    return this.templates;
  }

  /** Throws CustomModuleSpecError (with every bad field by path) for a spec it will not render. */
  async generate(input: unknown): Promise<GeneratedModule> {
    const templates = await this.load();
    const spec = validateCustomModuleSpec(input, templates.manifest.odoo_series);
    const context = moduleContext(spec, dataFiles(templates.manifest.files, spec.models.map((model) => tableName(model.name))));
    const files = this.renderAll(templates, context).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    const zip = await deterministicZip(files);
    return { module_name: spec.module_name, files, zip, zip_sha256: sha256(zip) };
  }

  private renderAll(templates: ModuleTemplates, context: ModuleContext): GeneratedModuleFile[] {
    const files: GeneratedModuleFile[] = [];
    const emit = (relativePath: string, text: string) => {
      // Paths come from the template manifest and validated model names; re-checked so a new placeholder can't open a hole.
      if (!isContainedPath(relativePath)) throw new Error(`generated path escapes the module: ${relativePath}`);
      const content = Buffer.from(text, 'utf8');
      files.push({ path: `${context.module_name}/${relativePath}`, content, sha256: sha256(content) });
    };
    for (const file of templates.manifest.files) {
      if (file.per === 'module') emit(file.output_path, templates.render(file, context));
      else for (const model of context.models) emit(file.output_path.replace(MODEL_PLACEHOLDER, model.stem), templates.render(file, { module: context, model }));
    }
    return files;
  }
}

/** The manifest's `data` list: data files by data_order (access rules before views), per-model files in spec order. */
function dataFiles(files: readonly ModuleTemplateFile[], stems: readonly string[]): string[] {
  return files
    .map((file, index) => ({ file, index }))
    .filter(({ file }) => file.data_order !== undefined)
    .sort((a, b) => a.file.data_order! - b.file.data_order! || a.index - b.index)
    .flatMap(({ file }) => (file.per === 'model' ? stems.map((stem) => file.output_path.replace(MODEL_PLACEHOLDER, stem)) : [file.output_path]));
}
