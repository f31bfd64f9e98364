import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRunTables1795831200004 implements MigrationInterface {
  name = 'CreateRunTables1795831200004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE runs (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plan_id text NOT NULL REFERENCES plans(id),
      status text NOT NULL CHECK (status IN ('running','completed','failed')),
      dry_run boolean NOT NULL,
      context jsonb NOT NULL DEFAULT '{}',
      error jsonb,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    await q.query('CREATE INDEX runs_tenant_plan_idx ON runs (tenant_id, plan_id)');
    // At most one active run per plan, enforced by the database so two gateway replicas cannot both start one.
    await q.query(`CREATE UNIQUE INDEX runs_one_active_per_plan ON runs (plan_id) WHERE status = 'running'`);
    await q.query(`CREATE TABLE step_runs (
      run_id text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step_id text NOT NULL REFERENCES plan_steps(step_id),
      tenant_id text NOT NULL REFERENCES tenants(id),
      status text NOT NULL CHECK (status IN ('pending','running','completed','failed','skipped','rolled_back')),
      attempt int NOT NULL DEFAULT 1,
      dispatched_at timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      dry_run boolean,
      result jsonb,
      error jsonb,
      worker text,
      PRIMARY KEY (run_id, step_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE step_runs');
    await q.query('DROP TABLE runs');
  }
}
