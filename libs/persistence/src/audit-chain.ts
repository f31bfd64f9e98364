import { canonicalJson, sha256Hex } from '@bf/contracts';

/**
 * The audit trail is hash-chained per plan (events without a plan chain per
 * tenant). Each event's hash covers its content and the previous event's hash
 * in the same chain, so an edited, removed or reordered event breaks the chain
 * at that point. Per-plan chains keep appends for different plans independent:
 * only events of the same plan wait for each other, and those are already
 * ordered by the run's row lock.
 */
export const GENESIS_HASH = 'sha256:genesis';

export function chainKeyOf(tenantId: string, planId: string | null | undefined): string {
  return planId ? `plan:${planId}` : `tenant:${tenantId}`;
}

/** The fields an audit hash covers; `occurred_at` as PostgreSQL writes it, with microseconds. */
export interface ChainedFields {
  id: string;
  tenant_id: string;
  event_type: string;
  severity: string;
  reason: string;
  success: boolean;
  correlation_id: string | null;
  plan_id: string | null;
  run_id: string | null;
  metadata: Record<string, unknown>;
  occurred_at: string;
  prev_hash: string;
}

export function auditEventHash(fields: ChainedFields): string {
  return `sha256:${sha256Hex(canonicalJson(fields))}`;
}

/** SQL that renders occurred_at exactly as it was hashed. */
export const OCCURRED_AT_TEXT = `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
