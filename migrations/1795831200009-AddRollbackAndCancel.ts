import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rollback (per run and per step), cancellation, and the statuses they add. */
export class AddRollbackAndCancel1795831200009 implements MigrationInterface {
  name = 'AddRollbackAndCancel1795831200009';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE runs DROP CONSTRAINT runs_status_check');
    await q.query(`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('running','completed','failed','cancelled'))`);
    await q.query(`ALTER TABLE runs
      ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false,
      ADD COLUMN rollback_requested boolean NOT NULL DEFAULT false,
      ADD COLUMN rollback_status text CHECK (rollback_status IN ('rolling_back','rolled_back','partially_rolled_back')),
      ADD COLUMN rollback_to_step int,
      ADD COLUMN rollback_finished_at timestamptz`);
    await q.query(`ALTER TABLE step_runs
      ADD COLUMN rollback_status text CHECK (rollback_status IN ('pending','dispatched','rolled_back','failed')),
      ADD COLUMN rollback_order int,
      ADD COLUMN rollback_result jsonb,
      ADD COLUMN rollback_error jsonb,
      ADD COLUMN rolled_back_at timestamptz`);
    await q.query('ALTER TABLE plans DROP CONSTRAINT plans_status_check');
    await q.query(`ALTER TABLE plans ADD CONSTRAINT plans_status_check CHECK (status IN ('draft','approved','executing','completed','failed','cancelled','rolled_back','partially_rolled_back'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE plans DROP CONSTRAINT plans_status_check');
    await q.query(`ALTER TABLE plans ADD CONSTRAINT plans_status_check CHECK (status IN ('draft','approved','executing','completed','failed','rolled_back','partially_rolled_back'))`);
    await q.query('ALTER TABLE step_runs DROP COLUMN rolled_back_at, DROP COLUMN rollback_error, DROP COLUMN rollback_result, DROP COLUMN rollback_order, DROP COLUMN rollback_status');
    await q.query('ALTER TABLE runs DROP COLUMN rollback_finished_at, DROP COLUMN rollback_to_step, DROP COLUMN rollback_status, DROP COLUMN rollback_requested, DROP COLUMN cancel_requested');
    await q.query('ALTER TABLE runs DROP CONSTRAINT runs_status_check');
    await q.query(`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('running','completed','failed'))`);
  }
}
