import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Execute asks whether another plan's run is changing the same domain: among the
 * runs that are running or rolling back, which is a handful however many runs
 * the table holds. This partial index holds only those, so the check no longer
 * scans every run ever made.
 */
export class IndexActiveRuns1795831200028 implements MigrationInterface {
  name = 'IndexActiveRuns1795831200028';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX runs_active_idx ON runs (plan_id) WHERE status = 'running' OR rollback_status = 'rolling_back'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX runs_active_idx');
  }
}
