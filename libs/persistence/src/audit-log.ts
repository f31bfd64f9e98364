import { EntityManager } from 'typeorm';
import { AuditEvent, AuditEventType, AuditSeverity, newId } from '@bf/contracts';
import { currentCorrelationId } from '@bf/observability';
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

/** Builds one SQL statement's parameters: `param(value)` adds a value and returns its placeholder (`$n`). */
export interface SqlParams {
  param(value: unknown): string;
}

interface ChainHead {
  prev: string;
  now: string;
}

/** An open batch: chain heads known under this transaction's advisory locks, and rows not yet inserted. */
interface AuditBatch {
  heads: Map<string, ChainHead>;
  rows: unknown[][];
}

const INSERT_COLUMNS = 'INSERT INTO audit_events (id, tenant_id, event_type, severity, reason, success, correlation_id, plan_id, run_id, metadata, occurred_at, chain_key, prev_hash, hash)';
const CASTS: Record<number, string> = { 9: '::jsonb', 10: '::timestamptz' };

/** One INSERT of audit rows; seq is a serial, so rows of one VALUES list get it in list order, which is the chain order. */
function insertStatement(rows: unknown[][], params: SqlParams): string {
  return `${INSERT_COLUMNS} VALUES ${rows.map((row) => `(${row.map((value, i) => params.param(value) + (CASTS[i] ?? '')).join(', ')})`).join(', ')}`;
}

/**
 * Appends audit events. Always called with the transaction that makes the change
 * the event describes, so an event exists exactly when its change does. Each
 * event is chained to the previous one of its chain; a transaction-scoped
 * advisory lock on the chain orders concurrent appends to the same chain.
 *
 * A caller that makes several changes in one transaction may open a batch on it
 * (`begin`): the chain's lock is then taken and its head read once per
 * transaction (or handed in with `prime` by whoever already did), and the rows
 * are kept, in order, for one INSERT that the caller runs with its last
 * statement (`drainInsert`). The transaction holds the chain's lock from the
 * first append to its commit either way, so the head it knows stays the head.
 */
export class AuditLog {
  private readonly batches = new WeakMap<EntityManager, AuditBatch>();

  async append(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.appendAll(manager, [entry]);
  }

  /** Opens a batch on the transaction `manager`: appends are kept until `drainInsert`. */
  begin(manager: EntityManager): void {
    this.batches.set(manager, { heads: new Map(), rows: [] });
  }

  /** Hands the batch a chain head read while holding the chain's advisory lock in this transaction. */
  prime(manager: EntityManager, chainKey: string, prevHash: string | null, now: string): void {
    const batch = this.batches.get(manager);
    if (!batch) throw new Error('prime needs an open batch (begin)');
    batch.heads.set(chainKey, { prev: prevHash ?? GENESIS_HASH, now });
  }

  /**
   * Closes the batch and returns the INSERT of its rows (in append order, one
   * VALUES list: seq follows it), with parameters added to `params`; null when
   * nothing was appended. The caller must run it in the same transaction.
   */
  drainInsert(manager: EntityManager, params: SqlParams): string | null {
    const batch = this.batches.get(manager);
    this.batches.delete(manager);
    if (!batch?.rows.length) return null;
    return insertStatement(batch.rows, params);
  }

  /** Closes the batch without writing (the transaction is rolling back). */
  discard(manager: EntityManager): void {
    this.batches.delete(manager);
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
    const batch = this.batches.get(manager);
    let head = batch?.heads.get(chainKey);
    if (!head) {
      // One round trip: the chain's advisory lock, then (on a fresh snapshot) its head (migration LockRunInOneRoundTrip).
      const [read] = await manager.query('SELECT head_hash, stamped_at FROM bf_audit_head($1)', [chainKey]);
      head = { prev: read.head_hash ?? GENESIS_HASH, now: read.stamped_at };
      batch?.heads.set(chainKey, head);
    }
    const rows: unknown[][] = [];
    for (const entry of entries) {
      const fields: ChainedFields = {
        id: newId('evt'),
        tenant_id: entry.tenantId,
        event_type: entry.eventType,
        severity: entry.severity,
        reason: entry.reason,
        success: entry.success,
        // The request (or its run's) correlation id; the run or plan for events made outside any (older rows, scripts).
        correlation_id: currentCorrelationId() ?? entry.runId ?? entry.planId ?? null,
        plan_id: entry.planId ?? null,
        run_id: entry.runId ?? null,
        // Hashed as PostgreSQL will give it back (a JSON round trip), so verification sees the same value.
        metadata: JSON.parse(JSON.stringify(entry.metadata ?? {})),
        occurred_at: head.now,
        prev_hash: head.prev,
      };
      const hash = auditEventHash(fields);
      rows.push([fields.id, fields.tenant_id, fields.event_type, fields.severity, fields.reason, fields.success, fields.correlation_id, fields.plan_id, fields.run_id, JSON.stringify(fields.metadata), fields.occurred_at, chainKey, fields.prev_hash, hash]);
      head.prev = hash;
    }
    if (batch) {
      batch.rows.push(...rows);
      return;
    }
    const values: unknown[] = [];
    await manager.query(insertStatement(rows, { param: (value) => `$${values.push(value)}` }), values);
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
