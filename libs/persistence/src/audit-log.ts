import { EntityManager } from 'typeorm';
import { AuditEvent, AuditEventType, AuditSeverity, newId } from '@bf/contracts';
import { auditEventHash, chainKeyOf, ChainedFields, GENESIS_HASH } from './audit-chain';
import { AuditEventEntity } from './entities';

export interface AuditEntry {
  tenantId: string;
  eventType: AuditEventType;
  severity: AuditSeverity;
  reason: string;
  success: boolean;
  planId?: string | null;
  runId?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Appends audit events. Always called with the transaction that makes the change
 * the event describes, so an event exists exactly when its change does. Each
 * event is chained to the previous one of its chain; a transaction-scoped
 * advisory lock on the chain orders concurrent appends to the same chain.
 */
export class AuditLog {
  async append(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const chainKey = chainKeyOf(entry.tenantId, entry.planId);
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [chainKey]);
    const [head] = await manager.query(
      `SELECT (SELECT hash FROM audit_events WHERE chain_key = $1 ORDER BY seq DESC LIMIT 1) AS prev,
              to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`,
      [chainKey],
    );
    const fields: ChainedFields = {
      id: newId('evt'),
      tenant_id: entry.tenantId,
      event_type: entry.eventType,
      severity: entry.severity,
      reason: entry.reason,
      success: entry.success,
      correlation_id: entry.runId ?? entry.planId ?? null,
      plan_id: entry.planId ?? null,
      run_id: entry.runId ?? null,
      // Hashed as PostgreSQL will give it back (a JSON round trip), so verification sees the same value.
      metadata: JSON.parse(JSON.stringify(entry.metadata ?? {})),
      occurred_at: head.now,
      prev_hash: head.prev ?? GENESIS_HASH,
    };
    await manager.query(
      `INSERT INTO audit_events (id, tenant_id, event_type, severity, reason, success, correlation_id, plan_id, run_id, metadata, occurred_at, chain_key, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::timestamptz, $12, $13, $14)`,
      [fields.id, fields.tenant_id, fields.event_type, fields.severity, fields.reason, fields.success, fields.correlation_id, fields.plan_id, fields.run_id, JSON.stringify(fields.metadata), fields.occurred_at, chainKey, fields.prev_hash, auditEventHash(fields)],
    );
  }
}

/** The seed 000 wire shape of a stored event; timestamps keep PostgreSQL's microseconds. */
export function toAuditEvent(row: AuditEventEntity & { occurredAtText?: string }): AuditEvent {
  return {
    id: row.id,
    timestamp: row.occurredAtText ?? row.occurredAt.toISOString(),
    event_type: row.eventType,
    severity: row.severity,
    reason: row.reason,
    success: row.success,
    correlation_id: row.correlationId,
    hash: row.hash,
    prev_hash: row.prevHash,
    metadata: { ...row.metadata, ...(row.planId ? { plan_id: row.planId } : {}), ...(row.runId ? { run_id: row.runId } : {}) },
  };
}
