import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run may be live for the configured targets and dry-run for the steps that
 * cannot run live (asked for with `dry_run_unavailable=true`). Each step's mode
 * is decided once, when the run is recorded, and the reason is kept with it so
 * the API, audit trail and evidence pack can all say why a step changed nothing.
 */
export class AddStepDryRunReason1795831200017 implements MigrationInterface {
  name = 'AddStepDryRunReason1795831200017';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE step_runs ADD COLUMN dry_run_reason text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE step_runs DROP COLUMN dry_run_reason');
  }
}
