import { posix } from 'node:path';
import { z } from 'zod';

export const VARIABLE_TYPES = ['string', 'integer', 'float', 'boolean', 'color', 'email', 'url', 'list', 'dict'] as const;

/** Template ids are slugs (no '-'), like the briefing's `website_config.template`. */
export const TEMPLATE_ID = /^[a-z][a-z0-9_]{0,62}$/;

/** Seed 000 template manifest.json. */
export const TemplateVariableSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    type: z.enum(VARIABLE_TYPES),
    required: z.boolean().default(false),
    default: z.unknown().optional(),
    description: z.string().optional(),
    validation: z
      .object({
        min_length: z.number().int().min(0).optional(),
        max_length: z.number().int().min(0).optional(),
        min: z.number().optional(),
        max: z.number().optional(),
        pattern: z
          .string()
          .refine((pattern) => {
            try {
              new RegExp(pattern, 'u');
              return true;
            } catch {
              return false;
            }
          }, 'must be a valid regular expression')
          .optional(),
        enum: z.array(z.unknown()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type TemplateVariable = z.infer<typeof TemplateVariableSchema>;

/**
 * A relative path that stays inside its folder: no absolute path, no `..`
 * segment, no backslash or drive letter, nothing that normalises elsewhere.
 */
export function isContainedPath(path: string): boolean {
  if (!/^[A-Za-z0-9_.\/\[\]-]+$/.test(path)) return false;
  if (path.startsWith('/') || path.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) return false;
  const normalised = posix.normalize(path);
  return normalised === path && !normalised.startsWith('../');
}
const containedPath = z.string().refine(isContainedPath, 'must be a relative path inside the template (no "..", no absolute path)');

export const TemplateFileSchema = z
  .object({
    /** Relative to the template folder. */
    path: containedPath,
    /** Relative to the site's output folder; fixed by the manifest, never from a variable. */
    output_path: containedPath,
    is_template: z.boolean(),
    /** Emitted only when the `pages` variable lists this page (per-page files of multi-page templates). */
    page: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/).optional(),
  })
  .strict();
export type TemplateFile = z.infer<typeof TemplateFileSchema>;

export const TemplateManifestSchema = z
  .object({
    template_id: z.string().regex(TEMPLATE_ID),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    type: z.enum(['website', 'odoo_module', 'plugin', 'integration']),
    name: z.string(),
    description: z.string(),
    variables: z.array(TemplateVariableSchema),
    files: z.array(TemplateFileSchema).min(1),
    /**
     * The folder (relative to the output) a static host serves, when not the
     * output root: nextjs_business serves its static export `out`.
     */
    public_root: containedPath.optional(),
    /** The pages this template can render (subset of home, about, services, team, contact, blog, products, cart, checkout). */
    supported_pages: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/)).optional(),
    tags: z.array(z.string()).default([]),
  })
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.files.forEach((file, index) => {
      if (seen.has(file.output_path)) ctx.addIssue({ code: 'custom', path: ['files', index, 'output_path'], message: `duplicate output path ${file.output_path}` });
      seen.add(file.output_path);
    });
    const names = new Set<string>();
    manifest.variables.forEach((variable, index) => {
      if (names.has(variable.name)) ctx.addIssue({ code: 'custom', path: ['variables', index, 'name'], message: `duplicate variable ${variable.name}` });
      names.add(variable.name);
    });
  });
export type TemplateManifest = z.infer<typeof TemplateManifestSchema>;
