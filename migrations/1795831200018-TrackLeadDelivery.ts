import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Website contact form → Odoo CRM. `site_integrations` holds the routing the
 * integration step switches on and off, one row per tenant and site; the
 * submission keeps what its delivery did, so a redelivered job can tell it
 * already created the lead and the API can show where each message went.
 */
export class TrackLeadDelivery1795831200018 implements MigrationInterface {
  name = 'TrackLeadDelivery1795831200018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE site_integrations (
      tenant_id text NOT NULL REFERENCES tenants(id),
      site_id text NOT NULL,
      target text NOT NULL,
      odoo_url text NOT NULL,
      odoo_db text NOT NULL,
      run_id text NOT NULL,
      step_id text NOT NULL,
      active_from timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, site_id)
    )`);
    await q.query(`ALTER TABLE contact_submissions
      ADD COLUMN lead_id integer,
      ADD COLUMN delivered_at timestamptz,
      ADD COLUMN delivery_error text,
      ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contact_submissions
      DROP COLUMN lead_id, DROP COLUMN delivered_at, DROP COLUMN delivery_error, DROP COLUMN delivery_attempts`);
    await q.query('DROP TABLE site_integrations');
  }
}
