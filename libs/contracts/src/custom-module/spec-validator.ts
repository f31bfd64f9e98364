import { CustomModuleSpec, CustomModuleSpecSchema } from '../custom-module.schema';
import { describeIssues, FieldError } from '../validation';
import { CUSTOM_MODULE_ODOO_SERIES } from './spec-rules';

export class CustomModuleSpecError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid custom module spec: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/**
 * The contract schema (which applies CustomModuleSpecRules, as planning does),
 * then the series of the templates that will render it: if those ever target
 * another series than the contract, every spec is refused rather than rendered
 * with a version Odoo would reject.
 */
export function validateCustomModuleSpec(input: unknown, odooSeries = CUSTOM_MODULE_ODOO_SERIES): CustomModuleSpec {
  const parsed = CustomModuleSpecSchema.safeParse(input);
  if (!parsed.success) throw new CustomModuleSpecError(describeIssues(parsed.error));
  if (!parsed.data.version.startsWith(`${odooSeries}.`)) throw new CustomModuleSpecError([{ path: 'version', message: `must be ${odooSeries}.x.y.z` }]);
  return parsed.data;
}
