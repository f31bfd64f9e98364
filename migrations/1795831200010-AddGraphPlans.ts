import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 001 execution graphs as plans: a plan comes from a briefing or from a
 * graph (no briefing, no business type, the graph spec and its
 * stop_on_first_error policy kept), and a run remembers which, so it can name its
 * audit events (pipeline.* for graphs) and apply the graph's failure policy.
 */
export class AddGraphPlans1795831200010 implements MigrationInterface {
  name = 'AddGraphPlans1795831200010';

  async up(q: QueryRunner): Promise<void> {
    // The UNIQUE constraint on briefing_id stays: it still allows one plan per briefing, and any number of NULLs.
    await q.query(`ALTER TABLE plans
      ALTER COLUMN briefing_id DROP NOT NULL,
      ALTER COLUMN business_type DROP NOT NULL,
      ADD COLUMN source text NOT NULL DEFAULT 'briefing' CHECK (source IN ('briefing','graph')),
      ADD COLUMN graph_spec jsonb,
      ADD COLUMN stop_on_first_error boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE plans ADD CONSTRAINT plans_source_shape_check CHECK (
      (source = 'briefing' AND briefing_id IS NOT NULL AND business_type IS NOT NULL AND graph_spec IS NULL)
      OR (source = 'graph' AND briefing_id IS NULL AND graph_spec IS NOT NULL))`);
    await q.query(`ALTER TABLE runs ADD COLUMN source text NOT NULL DEFAULT 'briefing' CHECK (source IN ('briefing','graph'))`);
    // 'skipped' (a node whose prerequisite failed) has been allowed since CreateRunTables; restated so the list is in one place.
    await q.query('ALTER TABLE step_runs DROP CONSTRAINT step_runs_status_check');
    await q.query(`ALTER TABLE step_runs ADD CONSTRAINT step_runs_status_check CHECK (status IN ('pending','running','completed','failed','skipped','rolled_back'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Graph plans cannot be represented without these columns; refuse rather than delete runs, artifacts and their history.
    const [{ graphs }] = await q.query(`SELECT count(*)::int AS graphs FROM plans WHERE source = 'graph'`);
    if (graphs > 0) throw new Error(`cannot revert AddGraphPlans: ${graphs} graph plan(s) exist`);
    await q.query('ALTER TABLE runs DROP COLUMN source');
    await q.query('ALTER TABLE plans DROP CONSTRAINT plans_source_shape_check');
    await q.query(`ALTER TABLE plans
      DROP COLUMN stop_on_first_error,
      DROP COLUMN graph_spec,
      DROP COLUMN source,
      ALTER COLUMN business_type SET NOT NULL,
      ALTER COLUMN briefing_id SET NOT NULL`);
  }
}
