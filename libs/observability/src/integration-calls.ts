import { performance } from 'node:perf_hooks';
import { integrationCallDuration, integrationCallErrors } from './metrics';

export type IntegrationName = 'dns' | 'odoo' | 'deploy';

/**
 * Why a call failed, from a fixed set so the error counter stays bounded:
 * timeout (no answer in time), network (unreachable, refused, reset),
 * http_4xx / http_5xx (the system answered an HTTP error), fault (it answered
 * with a refusal of its own: an XML-RPC fault, a validation error, nginx -t
 * rejecting a block), auth (credentials refused), config (we are not set up to
 * call it), mismatch (it answered, but not what was expected: a health check
 * serving other content), other.
 */
export const INTEGRATION_ERROR_KINDS = ['timeout', 'network', 'http_4xx', 'http_5xx', 'fault', 'auth', 'config', 'mismatch', 'other'] as const;
export type IntegrationErrorKind = (typeof INTEGRATION_ERROR_KINDS)[number];

/** One kind of call. Callers pass constants or values from a closed set, never user data. */
export interface IntegrationCall {
  integration: IntegrationName;
  /** embedded, powerdns, hetzner (dns); xmlrpc (odoo); builtin, nginx (deploy). */
  provider: string;
  /** What was asked, e.g. `upsert_record_set`, `object.execute_kw:search_read`, `nginx_reload`. */
  operation: string;
}

/** Records one finished call: its duration, and when it failed, the kind of failure. */
export function recordIntegrationCall(call: IntegrationCall, seconds: number, failure: IntegrationErrorKind | null): void {
  integrationCallDuration.observe({ ...call, outcome: failure ? 'error' : 'ok' }, seconds);
  if (failure) integrationCallErrors.inc({ ...call, kind: failure });
}

export interface MeasureOptions<T> {
  /** The kind of a thrown error. */
  classify: (error: unknown) => IntegrationErrorKind;
  /** For calls that answer their failures instead of throwing (a health check result): the kind, or null when it succeeded. */
  judge?: (result: T) => IntegrationErrorKind | null;
}

/** Runs the call and records it; the result or error passes through unchanged. */
export async function measureIntegrationCall<T>(call: IntegrationCall, work: () => Promise<T>, options: MeasureOptions<T>): Promise<T> {
  const started = performance.now();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    recordIntegrationCall(call, (performance.now() - started) / 1000, safeKind(() => options.classify(error)));
    throw error;
  }
  recordIntegrationCall(call, (performance.now() - started) / 1000, options.judge ? safeKind(() => options.judge!(result)) : null);
  return result;
}

/** The error kind of an HTTP status: 4xx or 5xx; anything else that failed is `other`. */
export function httpStatusKind(status: number): IntegrationErrorKind {
  if (status >= 500 && status <= 599) return 'http_5xx';
  if (status >= 400 && status <= 499) return 'http_4xx';
  return 'other';
}

/** A classifier's bug must not turn into a failed call or an unbounded label. */
function safeKind<K extends IntegrationErrorKind | null>(classify: () => K): K | 'other' {
  try {
    const kind = classify();
    return kind === null || (INTEGRATION_ERROR_KINDS as readonly string[]).includes(kind) ? kind : 'other';
  } catch {
    return 'other';
  }
}
