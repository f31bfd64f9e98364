/** Field names whose values are credentials, wherever they sit in a briefing. */
const SECRET_FIELD = /password|secret|token|api[_-]?key/i;
/** Configuration blocks can carry connection strings and keys; a pack never needs them. */
const CONFIG_FIELD = /^config$/i;

export const REMOVED = '[removed from evidence]';

/**
 * A copy of the briefing safe to hand to an auditor: credential fields are
 * replaced (so the reader sees a value existed) and config blocks dropped.
 */
export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (CONFIG_FIELD.test(key)) continue;
    copy[key] = SECRET_FIELD.test(key) ? REMOVED : scrubSecrets(field);
  }
  return copy;
}
