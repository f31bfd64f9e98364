import { FieldError } from '@bf/contracts';
import { TemplateVariable } from './manifest.schema';

function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const CHECKS: Record<TemplateVariable['type'], (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isSafeInteger(v),
  float: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  color: (v) => typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v),
  email: (v) => typeof v === 'string' && v.length <= 254 && /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(v),
  url: (v) => typeof v === 'string' && isHttpUrl(v),
  list: (v) => Array.isArray(v),
  dict: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype,
};

/**
 * Applies defaults and checks every variable against its manifest entry. Returns
 * all problems at once, each named by the variable, so a user fixes them in one go.
 *
 * Every declared variable is present in `values`: an optional one without a value
 * or default is `null`. Templates render in Handlebars strict mode, where a
 * missing name is an error, so this keeps "optional and absent" renderable while
 * a typo in a template still fails loudly.
 */
export function resolveVariables(
  variables: TemplateVariable[],
  input: Record<string, unknown>,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const variable of variables) {
    const given = Object.prototype.hasOwnProperty.call(input, variable.name) ? input[variable.name] : undefined;
    const value = given ?? variable.default;
    if (value === undefined || value === null) {
      if (variable.required) errors.push({ path: variable.name, message: 'is required' });
      else values[variable.name] = null;
      continue;
    }
    if (!CHECKS[variable.type](value)) {
      errors.push({ path: variable.name, message: `must be of type ${variable.type}` });
      continue;
    }
    errors.push(...ruleViolations(variable, value));
    values[variable.name] = value;
  }
  return { values, errors };
}

function ruleViolations(variable: TemplateVariable, value: unknown): FieldError[] {
  const rules = variable.validation;
  if (!rules) return [];
  const out: string[] = [];
  const unit = Array.isArray(value) ? 'items' : 'characters';
  // Characters, not UTF-16 code units, so a name in any script is measured fairly.
  const length = typeof value === 'string' ? [...value].length : Array.isArray(value) ? value.length : undefined;
  if (length !== undefined && rules.min_length !== undefined && length < rules.min_length) out.push(`must have at least ${rules.min_length} ${unit}`);
  if (length !== undefined && rules.max_length !== undefined && length > rules.max_length) out.push(`must have at most ${rules.max_length} ${unit}`);
  if (typeof value === 'number' && rules.min !== undefined && value < rules.min) out.push(`must be at least ${rules.min}`);
  if (typeof value === 'number' && rules.max !== undefined && value > rules.max) out.push(`must be at most ${rules.max}`);
  if (typeof value === 'string' && rules.pattern && !new RegExp(rules.pattern, 'u').test(value)) out.push(`must match ${rules.pattern}`);
  if (rules.enum) {
    const items = Array.isArray(value) ? value : [value];
    const bad = items.filter((item) => !rules.enum!.includes(item));
    if (bad.length) out.push(Array.isArray(value) ? `items ${bad.join(', ')} must each be one of ${rules.enum.join(', ')}` : `must be one of ${rules.enum.join(', ')}`);
  }
  return out.map((message) => ({ path: variable.name, message }));
}
