import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each record set held before a DNS step first changed it, keyed by the
 * step's idempotency key. A retried attempt finds its own earlier writes in the
 * zone; the journal keeps the true previous values, so rollback restores what
 * was there before the step, not what the step itself wrote a moment ago.
 */
export class CreateDnsChangeJournal1795831200016 implements MigrationInterface {
  name = 'CreateDnsChangeJournal1795831200016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dns_change_journal (
      idempotency_key text NOT NULL,
      tenant_id text NOT NULL REFERENCES tenants(id),
      zone text NOT NULL,
      name text NOT NULL,
      type text NOT NULL,
      previous jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (idempotency_key, name, type)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dns_change_journal');
  }
}
