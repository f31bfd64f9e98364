import { FieldError } from '@bf/contracts';
import { TemplateVariable } from './manifest.schema';

const CHECKS: Record<TemplateVariable['type'], (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  float: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  color: (v) => typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v),
  email: (v) => typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  url: (v) => typeof v === 'string' && /^https?:\/\/[^\s]+$/i.test(v),
  list: (v) => Array.isArray(v),
  dict: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
};

/**
 * Applies defaults and checks every variable against its manifest entry. Returns
 * all problems at once, each named by the variable, so a user fixes them in one go.
 */
export function resolveVariables(
  variables: TemplateVariable[],
  input: Record<string, unknown>,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const variable of variables) {
    const value = input[variable.name] ?? variable.default;
    if (value === undefined || value === null) {
      if (variable.required) errors.push({ path: variable.name, message: 'is required' });
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
  const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
  if (length !== undefined && rules.min_length !== undefined && length < rules.min_length) out.push(`must have at least ${rules.min_length} characters`);
  if (length !== undefined && rules.max_length !== undefined && length > rules.max_length) out.push(`must have at most ${rules.max_length} characters`);
  if (typeof value === 'number' && rules.min !== undefined && value < rules.min) out.push(`must be at least ${rules.min}`);
  if (typeof value === 'number' && rules.max !== undefined && value > rules.max) out.push(`must be at most ${rules.max}`);
  if (typeof value === 'string' && rules.pattern && !new RegExp(rules.pattern).test(value)) out.push(`must match ${rules.pattern}`);
  if (rules.enum && !rules.enum.includes(value)) out.push(`must be one of ${rules.enum.join(', ')}`);
  return out.map((message) => ({ path: variable.name, message }));
}
