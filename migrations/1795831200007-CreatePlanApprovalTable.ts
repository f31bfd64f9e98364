import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePlanApprovalTable1795831200007 implements MigrationInterface {
  name = 'CreatePlanApprovalTable1795831200007';

  async up(q: QueryRunner): Promise<void> {
    // An approval binds to the plan hash it reviewed: content changed afterwards is not approved.
    await q.query(`CREATE TABLE plan_approvals (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plan_id text NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
      plan_hash text NOT NULL,
      approved_by text NOT NULL,
      note text,
      acknowledgements jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX plan_approvals_plan_idx ON plan_approvals (plan_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE plan_approvals');
  }
}
