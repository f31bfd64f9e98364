import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBriefingTable1795831200002 implements MigrationInterface {
  name = 'CreateBriefingTable1795831200002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE briefings (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      business_name text NOT NULL,
      content jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX briefings_tenant_created_idx ON briefings (tenant_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE briefings');
  }
}
