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
    await this.appendAll(manager, [entry]);
  }

  /**
   * Appends events of one chain (same tenant and plan) in the order given, with
   * one lock, one read of the chain's head and one insert: a step that started
   * and finished within one report costs no more than one event.
   */
  async appendAll(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const chainKey = chainKeyOf(entries[0].tenantId, entries[0].planId);
    if (entries.some((entry) => chainKeyOf(entry.tenantId, entry.planId) !== chainKey)) throw new Error('appendAll takes events of one chain only');
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [chainKey]);
    const [head] = await manager.query(
      `SELECT (SELECT hash FROM audit_events WHERE chain_key = $1 ORDER BY seq DESC LIMIT 1) AS prev,
              to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`,
      [chainKey],
    );
    let prevHash: string = head.prev ?? GENESIS_HASH;
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const entry of entries) {
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
        prev_hash: prevHash,
      };
      const hash = auditEventHash(fields);
      const at = values.length;
      // seq is a serial: rows of one VALUES list get it in list order, which is the chain order.
      rows.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7}, $${at + 8}, $${at + 9}, $${at + 10}::jsonb, $${at + 11}::timestamptz, $${at + 12}, $${at + 13}, $${at + 14})`);
      values.push(fields.id, fields.tenant_id, fields.event_type, fields.severity, fields.reason, fields.success, fields.correlation_id, fields.plan_id, fields.run_id, JSON.stringify(fields.metadata), fields.occurred_at, chainKey, fields.prev_hash, hash);
      prevHash = hash;
    }
    await manager.query(
      `INSERT INTO audit_events (id, tenant_id, event_type, severity, reason, success, correlation_id, plan_id, run_id, metadata, occurred_at, chain_key, prev_hash, hash)
       VALUES ${rows.join(', ')}`,
      values,
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
