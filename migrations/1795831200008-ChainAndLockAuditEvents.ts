import { MigrationInterface, QueryRunner } from 'typeorm';
import { auditEventHash, chainKeyOf, GENESIS_HASH, OCCURRED_AT_TEXT } from '../libs/persistence/src/audit-chain';

/**
 * Makes the audit trail tamper-evident: every event is chained by hash to the
 * previous event of its chain (see libs/persistence/src/audit-chain.ts), and the
 * database refuses UPDATE, DELETE and TRUNCATE on the table. Existing events are
 * chained in insertion order.
 */
export class ChainAndLockAuditEvents1795831200008 implements MigrationInterface {
  name = 'ChainAndLockAuditEvents1795831200008';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_events ADD COLUMN chain_key text, ADD COLUMN prev_hash text, ADD COLUMN hash text');
    const rows: Record<string, any>[] = await q.query(
      `SELECT id, seq, tenant_id, event_type, severity, reason, success, correlation_id, plan_id, run_id, metadata, ${OCCURRED_AT_TEXT} AS occurred_at FROM audit_events ORDER BY seq`,
    );
    const last = new Map<string, string>();
    for (const row of rows) {
      const chainKey = chainKeyOf(row.tenant_id, row.plan_id);
      const prevHash = last.get(chainKey) ?? GENESIS_HASH;
      const { seq: _seq, ...fields } = row;
      const hash = auditEventHash({ ...(fields as any), prev_hash: prevHash });
      await q.query('UPDATE audit_events SET chain_key = $1, prev_hash = $2, hash = $3 WHERE id = $4', [chainKey, prevHash, hash, row.id]);
      last.set(chainKey, hash);
    }
    await q.query('ALTER TABLE audit_events ALTER COLUMN chain_key SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL');
    await q.query('CREATE INDEX audit_events_chain_seq_idx ON audit_events (chain_key, seq)');
    await q.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query('CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()');
    await q.query('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER audit_events_no_truncate ON audit_events');
    await q.query('DROP TRIGGER audit_events_no_update_delete ON audit_events');
    await q.query('DROP FUNCTION audit_events_append_only()');
    await q.query('DROP INDEX audit_events_chain_seq_idx');
    await q.query('ALTER TABLE audit_events DROP COLUMN hash, DROP COLUMN prev_hash, DROP COLUMN chain_key');
  }
}
