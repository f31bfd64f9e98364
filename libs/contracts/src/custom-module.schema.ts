import { z } from 'zod';

/** The license values Odoo's module loader recognises (odoo/modules/module.py). */
export const ODOO_LICENSES = ['GPL-2', 'GPL-2 or any later version', 'GPL-3', 'GPL-3 or any later version', 'AGPL-3', 'LGPL-3', 'Other OSI approved licence', 'OEEL-1', 'OPL-1', 'Other proprietary'] as const;

export const CustomModuleFieldSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: z.enum(['char', 'text', 'integer', 'float', 'boolean', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many', 'monetary', 'html']),
  required: z.boolean().optional(),
  string: z.string().optional(),
  /** Tooltip shown under the field's label. */
  help: z.string().optional(),
  relation: z.string().optional(),
  /** one2many only: the many2one field on `relation` that points back. */
  inverse_name: z.string().optional(),
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
  /** One line for Odoo's Apps list. */
  summary: z.string().optional(),
  version: z.string().default('17.0.1.0.0'),
  /** Odoo's license key for the manifest; the generator writes LGPL-3 when absent. */
  license: z.enum(ODOO_LICENSES).optional(),
  depends: z.array(z.string()).default(['base']),
  models: z.array(CustomModuleModelSchema).min(1),
});
export type CustomModuleSpec = z.infer<typeof CustomModuleSpecSchema>;
