import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenantTable1795831200001 implements MigrationInterface {
  name = 'CreateTenantTable1795831200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenants (
      id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Every row carries a tenant id from day one; until API keys exist, all work belongs to this one.
    await q.query(`INSERT INTO tenants (id, name) VALUES ('tenant_default', 'Default tenant')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenants');
  }
}
