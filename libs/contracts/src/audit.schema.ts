import { z } from 'zod';

/** Seed 000 "Audit Events" table. */
export const FACTORY_EVENT_TYPES = [
  'factory.plan_generated',
  'factory.execution_started',
  'factory.step_started',
  'factory.step_completed',
  'factory.step_failed',
  'factory.execution_completed',
  'factory.execution_failed',
  'factory.rollback_started',
  'factory.rollback_completed',
  // Ours, beyond the seed: review decisions belong in the same trail.
  'factory.plan_approved',
  // One approval of a plan that needs more distinct approvers (PLAN_MIN_APPROVALS) than it has so far.
  'factory.plan_approval_recorded',
  'factory.risk_acknowledged',
  'factory.step_rolled_back',
  'factory.step_rollback_failed',
  'factory.execution_cancelled',
] as const;

/** Seed 001 "Audit Event Types". */
export const PIPELINE_EVENT_TYPES = [
  'pipeline.graph_started',
  'pipeline.graph_completed',
  'pipeline.graph_failed',
  'pipeline.graph_rollback_started',
  'pipeline.graph_rollback_completed',
  'pipeline.node_started',
  'pipeline.node_completed',
  'pipeline.node_failed',
  'pipeline.node_rollback_started',
  'pipeline.node_rollback_completed',
  'pipeline.node_rollback_failed',
  'pipeline.intent_resolved',
  'pipeline.dry_run_started',
  'pipeline.dry_run_completed',
  // Ours, beyond the seed: a node that cannot run because a node it depends on failed
  // (stop_on_first_error: false, or a non-critical failure), and a cancelled graph run.
  'pipeline.node_skipped',
  'pipeline.graph_cancelled',
] as const;

/** Ours (issue 10): who may act, recorded in the tenant's chain. Never a key or its hash, only ids, prefixes and names. */
export const TENANCY_EVENT_TYPES = ['tenancy.tenant_created', 'tenancy.api_key_created', 'tenancy.api_key_revoked'] as const;

/** Ours (issue 10): tenant secrets and first-run setup. Names and key ids only, never a value. */
export const SECRET_EVENT_TYPES = ['tenancy.secret_stored', 'tenancy.secret_deleted', 'tenancy.secrets_rotated', 'tenancy.onboarding_completed'] as const;

/** Ours (issue 11): the plugin forge's decisions, by API key id and name; reasons, never a secret or an archive. */
export const FORGE_EVENT_TYPES = [
  'forge.job_created',
  'forge.job_cancelled',
  'forge.approval_requested',
  'forge.approval_granted',
  'forge.package_published',
  'forge.package_revoked',
  'forge.connector_configured',
] as const;

export const AuditEventTypeSchema = z.enum([...FACTORY_EVENT_TYPES, ...PIPELINE_EVENT_TYPES, ...TENANCY_EVENT_TYPES, ...SECRET_EVENT_TYPES, ...FORGE_EVENT_TYPES]);
export type AuditEventType = z.infer<typeof AuditEventTypeSchema>;

export const AuditSeveritySchema = z.enum(['info', 'warning', 'error', 'critical']);
export type AuditSeverity = z.infer<typeof AuditSeveritySchema>;

/** Seed 000 "Example Audit Event", plus the correlation id (the run or plan it belongs to). */
export const AuditEventSchema = z.object({
  id: z.string(),
  timestamp: z.string(),
  event_type: AuditEventTypeSchema,
  severity: AuditSeveritySchema,
  reason: z.string(),
  success: z.boolean(),
  correlation_id: z.string().nullable(),
  /** This event's chain hash and its predecessor's: an auditor can re-check the chain from the export. */
  hash: z.string(),
  prev_hash: z.string(),
  metadata: z.record(z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;
