import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePlanTables1795831200003 implements MigrationInterface {
  name = 'CreatePlanTables1795831200003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE plans (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      briefing_id text NOT NULL UNIQUE REFERENCES briefings(id),
      business_name text NOT NULL,
      business_type text NOT NULL,
      status text NOT NULL CHECK (status IN ('draft','approved','executing','completed','failed','rolled_back','partially_rolled_back')),
      plan_hash text NOT NULL,
      dry_run boolean NOT NULL,
      auto_rollback boolean NOT NULL,
      risk_assessment jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX plans_tenant_created_idx ON plans (tenant_id, created_at)');
    // The DAG itself: one row per step, prerequisites as step ids.
    await q.query(`CREATE TABLE plan_steps (
      step_id text PRIMARY KEY,
      plan_id text NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
      tenant_id text NOT NULL REFERENCES tenants(id),
      sequence int NOT NULL,
      name text NOT NULL,
      description text NOT NULL,
      executor text NOT NULL,
      action text NOT NULL,
      template_id text,
      parameters jsonb NOT NULL,
      depends_on text[] NOT NULL DEFAULT '{}',
      rollback_possible boolean NOT NULL,
      rollback_steps jsonb NOT NULL,
      UNIQUE (plan_id, sequence)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE plan_steps');
    await q.query('DROP TABLE plans');
  }
}
