import { z } from 'zod';
import { CustomModuleSpecRules } from './custom-module/spec-rules';

/** The license values Odoo's module loader recognises (odoo/modules/module.py). */
export const ODOO_LICENSES = ['GPL-2', 'GPL-2 or any later version', 'GPL-3', 'GPL-3 or any later version', 'AGPL-3', 'LGPL-3', 'Other OSI approved licence', 'OEEL-1', 'OPL-1', 'Other proprietary'] as const;

/** Names are checked by CustomModuleSpecRules (one message per problem, with the Odoo rule it breaks), not by patterns here. */
export const CustomModuleFieldSchema = z.object({
  name: z.string(),
  type: z.enum(['char', 'text', 'integer', 'float', 'boolean', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many', 'monetary', 'html']),
  required: z.boolean().optional(),
  string: z.string().optional(),
  /** Tooltip shown under the field's label. */
  help: z.string().optional(),
  relation: z.string().optional(),
  /** one2many only: the many2one field on `relation` that points back. */
  inverse_name: z.string().optional(),
  /** selection only, at least one `[key, label]`. */
  selection: z.array(z.tuple([z.string(), z.string()])).optional(),
}).strict();
export const CustomModuleModelSchema = z.object({
  /**
   * A new model: dotted, singular, in the module's namespace (`acme_crm` →
   * `acme.customer`). With `extends: true`: an existing Odoo model listed in
   * EXTENDABLE_MODELS (`res.partner`, …) that this module adds fields to.
   */
  name: z.string(),
  /** A new model's `_description`; for an extension, the label of the page added to the model's form (the model keeps its own description). */
  description: z.string(),
  /**
   * Add `fields` to the existing model `name` instead of defining one (Odoo's
   * `_inherit` without `_name`). The generator then writes no access rules,
   * action or menu (the model has its own) but a page added to the model's
   * main form view, and adds the model's addon to `depends`. Field names must
   * start with the module prefix (`acme_grade`). Planning rates such a module
   * a critical risk: the fields land in a table every other module shares.
   */
  extends: z.boolean().optional(),
  fields: z.array(CustomModuleFieldSchema),
}).strict();
/** The custom-module spec shared by the intent resolver, the planner and `odoo:scaffold`; refused wherever it is parsed if the generator would refuse it. */
export const CustomModuleSpecSchema = z
  .object({
    module_name: z.string(),
    title: z.string().min(1),
    /** One line for Odoo's Apps list. */
    summary: z.string().optional(),
    version: z.string().default('17.0.1.0.0'),
    /** Odoo's license key for the manifest; the generator writes LGPL-3 when absent. */
    license: z.enum(ODOO_LICENSES).optional(),
    depends: z.array(z.string()).default(['base']),
    models: z.array(CustomModuleModelSchema).min(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const { path, message } of CustomModuleSpecRules.check(spec)) ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  });
export type CustomModuleSpec = z.infer<typeof CustomModuleSpecSchema>;
