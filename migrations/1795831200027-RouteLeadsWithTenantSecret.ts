import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A site's contact form may deliver to the Odoo in a tenant secret (`secret_ref`)
 * instead of the configured one. The routing records the secret's name, never its
 * value: the delivery job, which runs later, resolves the name then. Such a route
 * has no configured URL and database to record, so those become optional; one of
 * the two targets is always named.
 */
export class RouteLeadsWithTenantSecret1795831200027 implements MigrationInterface {
  name = 'RouteLeadsWithTenantSecret1795831200027';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE site_integrations
      ADD COLUMN secret_ref text CHECK (secret_ref ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      ALTER COLUMN odoo_url DROP NOT NULL,
      ALTER COLUMN odoo_db DROP NOT NULL,
      ADD CONSTRAINT site_integrations_target_named CHECK (secret_ref IS NOT NULL OR (odoo_url IS NOT NULL AND odoo_db IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Routes through a secret cannot be expressed without the column: they are removed (submissions stay stored).
    await q.query('DELETE FROM site_integrations WHERE secret_ref IS NOT NULL');
    await q.query(`ALTER TABLE site_integrations
      DROP CONSTRAINT site_integrations_target_named,
      DROP COLUMN secret_ref,
      ALTER COLUMN odoo_url SET NOT NULL,
      ALTER COLUMN odoo_db SET NOT NULL`);
  }
}
