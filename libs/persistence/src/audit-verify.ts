import { DataSource } from 'typeorm';
import { auditEventHash, GENESIS_HASH, OCCURRED_AT_TEXT } from './audit-chain';

export interface ChainBreak {
  chain_key: string;
  event_id: string;
  seq: string;
  problem: 'content_changed' | 'link_broken';
  detail: string;
}

export interface AuditVerification {
  valid: boolean;
  chains_checked: number;
  events_checked: number;
  first_broken: ChainBreak | null;
}

const PAGE = 2000;

/**
 * Recomputes every hash of the tenant's audit chains (or of one plan's chain) in
 * insertion order and reports the first broken link. An edited event no longer
 * matches its hash; a removed or reordered one breaks the next event's link.
 * (Removing the newest events of a chain leaves no gap; evidence packs carry
 * each run's chain head, which pins it.)
 */
export async function verifyAuditChains(dataSource: DataSource, tenantId: string, planId?: string): Promise<AuditVerification> {
  const heads = new Map<string, string>();
  let events = 0;
  let after = '0';
  for (;;) {
    const rows: Record<string, any>[] = await dataSource.query(
      `SELECT id, seq, tenant_id, event_type, severity, reason, success, correlation_id, plan_id, run_id, metadata,
              ${OCCURRED_AT_TEXT} AS occurred_at, chain_key, prev_hash, hash
       FROM audit_events WHERE tenant_id = $1 AND ($2::text IS NULL OR chain_key = 'plan:' || $2) AND seq > $3
       ORDER BY seq LIMIT ${PAGE}`,
      [tenantId, planId ?? null, after],
    );
    for (const row of rows) {
      events++;
      const expectedPrev = heads.get(row.chain_key) ?? GENESIS_HASH;
      const { seq, chain_key: chainKey, hash, ...fields } = row;
      const found = (problem: ChainBreak['problem'], detail: string) => ({
        valid: false,
        chains_checked: heads.size + (heads.has(chainKey) ? 0 : 1),
        events_checked: events,
        first_broken: { chain_key: chainKey, event_id: row.id, seq: String(seq), problem, detail },
      });
      if (row.prev_hash !== expectedPrev) {
        return found('link_broken', `event points to ${row.prev_hash} but the previous event in its chain hashes to ${expectedPrev}: an event before it was removed, inserted or reordered`);
      }
      const recomputed = auditEventHash(fields as never);
      if (recomputed !== hash) return found('content_changed', `stored hash ${hash} but the content hashes to ${recomputed}: the event was edited`);
      heads.set(chainKey, hash);
    }
    if (rows.length < PAGE) break;
    after = String(rows[rows.length - 1].seq);
  }
  return { valid: true, chains_checked: heads.size, events_checked: events, first_broken: null };
}
