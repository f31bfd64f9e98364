import { z } from 'zod';

export const CustomModuleFieldSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: z.enum(['char', 'text', 'integer', 'float', 'boolean', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many', 'monetary', 'html']),
  required: z.boolean().optional(),
  string: z.string().optional(),
  relation: z.string().optional(),
  selection: z.array(z.tuple([z.string(), z.string()])).optional(),
});
export const CustomModuleModelSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a dotted model name like x_acme.project'),
  description: z.string(),
  fields: z.array(CustomModuleFieldSchema),
});
/** The custom-module spec shared by the intent resolver, the planner and `odoo:scaffold`. */
export const CustomModuleSpecSchema = z.object({
  module_name: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'must be a lowercase technical name'),
  title: z.string().min(1),
  version: z.string().default('17.0.1.0.0'),
  depends: z.array(z.string()).default(['base']),
  models: z.array(CustomModuleModelSchema).min(1),
});
export type CustomModuleSpec = z.infer<typeof CustomModuleSpecSchema>;
