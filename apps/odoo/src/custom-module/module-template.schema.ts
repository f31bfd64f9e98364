import { z } from 'zod';
import { isContainedPath } from '@bf/templates';

/** The output languages a module template file can be; each has its own escaping helpers. */
export const OUTPUT_LANGUAGES = ['python', 'xml', 'csv'] as const;
export type OutputLanguage = (typeof OUTPUT_LANGUAGES)[number];

/** The one placeholder an output path may hold, replaced by the model's table name (never by spec text). */
export const MODEL_PLACEHOLDER = '{model}';

const templatePath = z.string().refine(isContainedPath, 'must be a relative path inside the template folder').refine((p) => p.endsWith('.hbs'), 'must be a *.hbs file');
const outputPath = z
  .string()
  .refine((p) => isContainedPath(p.replace(MODEL_PLACEHOLDER, 'model')) && p.split(MODEL_PLACEHOLDER).length <= 2, 'must be a relative path inside the module, with at most one {model}');

export const ModuleTemplateFileSchema = z
  .object({
    path: templatePath,
    output_path: outputPath,
    language: z.enum(OUTPUT_LANGUAGES),
    /**
     * `module`: rendered once with the module context (view-model.ts moduleContext).
     * `model`: once per model of the spec with `{module, model}`, {model} in its output path.
     */
    per: z.enum(['module', 'model']),
    /**
     * Position in the manifest's `data` list, lowest first (access rules before
     * the views whose menus need them); absent for files Odoo does not load as data.
     */
    data_order: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((file) => (file.per === 'model') === file.output_path.includes(MODEL_PLACEHOLDER), {
    message: 'per-model files need {model} in output_path, module files must not have it',
    path: ['output_path'],
  });
export type ModuleTemplateFile = z.infer<typeof ModuleTemplateFileSchema>;

export const ModuleTemplateManifestSchema = z
  .object({
    template_id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    type: z.literal('odoo_module'),
    /** The Odoo series the output targets; spec versions must start with it. */
    odoo_series: z.string().regex(/^\d+\.0$/),
    name: z.string(),
    description: z.string(),
    files: z.array(ModuleTemplateFileSchema).min(1),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.files.forEach((file, index) => {
      if (seen.has(file.output_path)) ctx.addIssue({ code: 'custom', path: ['files', index, 'output_path'], message: `duplicate output path ${file.output_path}` });
      seen.add(file.output_path);
    });
    if (!manifest.files.some((file) => file.output_path === '__manifest__.py')) ctx.addIssue({ code: 'custom', path: ['files'], message: 'must render __manifest__.py' });
  });
export type ModuleTemplateManifest = z.infer<typeof ModuleTemplateManifestSchema>;
