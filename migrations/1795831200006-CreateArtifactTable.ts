import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateArtifactTable1795831200006 implements MigrationInterface {
  name = 'CreateArtifactTable1795831200006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE artifacts (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      plan_id text NOT NULL REFERENCES plans(id),
      run_id text NOT NULL REFERENCES runs(id),
      step_id text,
      kind text NOT NULL,
      path text NOT NULL,
      sha256 text NOT NULL,
      size_bytes bigint NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // One artifact of a kind per run: the evidence and signing jobs are idempotent on this.
    await q.query('CREATE UNIQUE INDEX artifacts_run_kind_step_idx ON artifacts (run_id, kind, COALESCE(step_id, \'\'))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE artifacts');
  }
}
