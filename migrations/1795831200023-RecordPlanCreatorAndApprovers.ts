import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who asked for a plan and who approved it, by API key: an approver may never
 * approve a plan their own key created, and a HIGH-risk plan counts distinct
 * approver keys. The creator is recorded on the briefing (the gateway stores it)
 * and copied onto its plan when the planner writes the plan, so the planner
 * worker needs no knowledge of keys. Rows from before keys existed keep nulls.
 */
export class RecordPlanCreatorAndApprovers1795831200023 implements MigrationInterface {
  name = 'RecordPlanCreatorAndApprovers1795831200023';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE briefings ADD COLUMN created_by_key_id text');
    await q.query('ALTER TABLE plans ADD COLUMN created_by_key_id text');
    await q.query(`CREATE FUNCTION plans_inherit_creator() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.created_by_key_id IS NULL AND NEW.briefing_id IS NOT NULL THEN
          SELECT b.created_by_key_id INTO NEW.created_by_key_id FROM briefings b WHERE b.id = NEW.briefing_id;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query('CREATE TRIGGER plans_inherit_creator BEFORE INSERT ON plans FOR EACH ROW EXECUTE FUNCTION plans_inherit_creator()');
    await q.query('ALTER TABLE plan_approvals ADD COLUMN approver_key_id text');
    await q.query('ALTER TABLE plan_approvals ADD COLUMN approver_key_name text');
    // One approval per key and reviewed content: a second approval by the same key cannot count twice.
    await q.query('CREATE UNIQUE INDEX plan_approvals_one_per_key ON plan_approvals (plan_id, plan_hash, approver_key_id) WHERE approver_key_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX plan_approvals_one_per_key');
    await q.query('ALTER TABLE plan_approvals DROP COLUMN approver_key_name');
    await q.query('ALTER TABLE plan_approvals DROP COLUMN approver_key_id');
    await q.query('DROP TRIGGER plans_inherit_creator ON plans');
    await q.query('DROP FUNCTION plans_inherit_creator()');
    await q.query('ALTER TABLE plans DROP COLUMN created_by_key_id');
    await q.query('ALTER TABLE briefings DROP COLUMN created_by_key_id');
  }
}
