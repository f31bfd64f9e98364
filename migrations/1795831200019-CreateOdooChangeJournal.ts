import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an Odoo step found before it first changed something (a module's
 * state, a login that did not exist yet, the company's settings), keyed by the
 * step's idempotency key. A redelivered attempt sees its own earlier effects in
 * Odoo (the module is installed, the user exists) and could not tell them from
 * what was there before; the journal can, so rollback undoes only the step's
 * own effects and restores the values from before its first attempt.
 */
export class CreateOdooChangeJournal1795831200019 implements MigrationInterface {
  name = 'CreateOdooChangeJournal1795831200019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE odoo_change_journal (
      idempotency_key text NOT NULL,
      tenant_id text NOT NULL REFERENCES tenants(id),
      kind text NOT NULL,
      ref text NOT NULL,
      before jsonb NOT NULL,
      -- the order the step touched things in: undo runs newest first
      seq bigserial NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (idempotency_key, kind, ref)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE odoo_change_journal');
  }
}
