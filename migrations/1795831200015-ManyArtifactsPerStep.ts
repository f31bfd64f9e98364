import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run has one evidence pack, but a step may leave several
 * files (nginx_config.conf, health_check_result.json, a screenshot): the
 * one-per-run-kind-step rule now applies to everything except step outputs,
 * which are unique by their name within the step.
 */
export class ManyArtifactsPerStep1795831200015 implements MigrationInterface {
  name = 'ManyArtifactsPerStep1795831200015';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX artifacts_run_kind_step_idx');
    await q.query("CREATE UNIQUE INDEX artifacts_run_kind_step_idx ON artifacts (run_id, kind, COALESCE(step_id, '')) WHERE kind <> 'step_output'");
    await q.query("CREATE UNIQUE INDEX artifacts_step_output_name_idx ON artifacts (run_id, step_id, (metadata->>'name')) WHERE kind = 'step_output'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM artifacts WHERE kind = 'step_output'");
    await q.query('DROP INDEX artifacts_step_output_name_idx');
    await q.query('DROP INDEX artifacts_run_kind_step_idx');
    await q.query("CREATE UNIQUE INDEX artifacts_run_kind_step_idx ON artifacts (run_id, kind, COALESCE(step_id, ''))");
  }
}
