/** Per-call deadlines. Module operations rebuild the registry and can take minutes. */
export interface OdooTimeouts {
  defaultMs: number;
  moduleOperationMs: number;
}

export const DEFAULT_TIMEOUTS: OdooTimeouts = { defaultMs: 30_000, moduleOperationMs: 300_000 };

/** Methods that reload the registry or load translations, so get the long deadline. */
export const SLOW_METHODS: ReadonlySet<string> = new Set([
  'button_immediate_install',
  'button_immediate_uninstall',
  'button_immediate_upgrade',
  'update_list',
  'lang_install',
]);

/** Backoff for "Odoo is currently processing a scheduled action", the one fault worth waiting out. */
export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 2_000, maxDelayMs: 30_000 };

export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failedAttempt - 1));
}
