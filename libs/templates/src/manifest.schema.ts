import { z } from 'zod';

export const VARIABLE_TYPES = ['string', 'integer', 'float', 'boolean', 'color', 'email', 'url', 'list', 'dict'] as const;

/** Seed 000 template manifest.json. */
export const TemplateVariableSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: z.enum(VARIABLE_TYPES),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  validation: z
    .object({
      min_length: z.number().int().min(0).optional(),
      max_length: z.number().int().min(0).optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      pattern: z.string().optional(),
      enum: z.array(z.unknown()).optional(),
    })
    .strict()
    .optional(),
});
export type TemplateVariable = z.infer<typeof TemplateVariableSchema>;

export const TemplateManifestSchema = z.object({
  template_id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  type: z.enum(['website', 'odoo_module', 'plugin', 'integration']),
  name: z.string(),
  description: z.string(),
  variables: z.array(TemplateVariableSchema),
  files: z.array(
    z.object({
      // Relative to the template folder; no way out of it.
      path: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/),
      output_path: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/),
      is_template: z.boolean(),
    }),
  ),
  tags: z.array(z.string()).default([]),
});
export type TemplateManifest = z.infer<typeof TemplateManifestSchema>;
