import { MigrationInterface, QueryRunner } from 'typeorm';

/** What the default tenant starts with: enough for the demo and every test suite's live runs. */
const DEFAULT_TENANT_GRANT = 1_000_000;

/**
 * Credits (seed 004): one account row per tenant and an append-only ledger of
 * every movement. The account is updated in the same transaction as each
 * ledger entry, so `balance` always equals the sum of grants minus charges.
 * `reserved` is what live runs hold until they settle; available = balance -
 * reserved, and the CHECK keeps it from going negative whatever a caller does.
 * One reserve, charge and release per run (unique index): settlement reports
 * arrive at least once, a run is charged once. Like audit_events, the ledger
 * refuses UPDATE, DELETE and TRUNCATE.
 */
export class CreateCreditLedger1795831200024 implements MigrationInterface {
  name = 'CreateCreditLedger1795831200024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE credit_accounts (
      tenant_id text PRIMARY KEY REFERENCES tenants(id),
      balance bigint NOT NULL CHECK (balance >= 0),
      reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT credit_accounts_reserved_covered CHECK (reserved <= balance)
    )`);
    await q.query(`CREATE TABLE credit_transactions (
      seq bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      tenant_id text NOT NULL REFERENCES tenants(id),
      kind text NOT NULL CHECK (kind IN ('grant','reserve','charge','release')),
      amount bigint NOT NULL,
      balance_after bigint NOT NULL,
      reserved_after bigint NOT NULL,
      run_id text,
      reason text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE UNIQUE INDEX credit_transactions_once_per_run ON credit_transactions (run_id, kind) WHERE run_id IS NOT NULL');
    await q.query('CREATE INDEX credit_transactions_tenant_seq_idx ON credit_transactions (tenant_id, seq DESC)');
    await q.query(`CREATE FUNCTION credit_transactions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'credit_transactions is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query('CREATE TRIGGER credit_transactions_no_update_delete BEFORE UPDATE OR DELETE ON credit_transactions FOR EACH ROW EXECUTE FUNCTION credit_transactions_append_only()');
    await q.query('CREATE TRIGGER credit_transactions_no_truncate BEFORE TRUNCATE ON credit_transactions FOR EACH STATEMENT EXECUTE FUNCTION credit_transactions_append_only()');
    // The default tenant's grant, recorded like any other. Every other tenant's account opens on first
    // use with TENANT_INITIAL_CREDITS (CreditLedger), so the setting also applies to tenants made before this.
    await q.query(`INSERT INTO credit_accounts (tenant_id, balance) SELECT id, $1::bigint FROM tenants WHERE id = 'tenant_default'`, [DEFAULT_TENANT_GRANT]);
    await q.query(
      `INSERT INTO credit_transactions (id, tenant_id, kind, amount, balance_after, reserved_after, reason)
       SELECT 'ctx_' || substr(md5(random()::text || tenant_id), 1, 12), tenant_id, 'grant', balance, balance, 0, 'initial grant (migration)'
       FROM credit_accounts`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE credit_transactions');
    await q.query('DROP FUNCTION credit_transactions_append_only()');
    await q.query('DROP TABLE credit_accounts');
  }
}
