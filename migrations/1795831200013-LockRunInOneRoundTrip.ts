import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two functions that save round trips on a run's hot path. In a VOLATILE
 * plpgsql function every statement takes a fresh snapshot (READ COMMITTED), so
 * a read after a lock sees everything committed before the lock was granted,
 * exactly as separate statements did.
 *
 * `bf_audit_head(chain_key)`: takes the transaction-scoped advisory lock on an
 * audit chain (as AuditLog orders appends) and returns the chain's head hash
 * (NULL for an empty chain) and the time to stamp new events with.
 *
 * `bf_lock_run(run_id, tenant_id)`: what the orchestrator needs before applying a
 * step report: locks the run row (FOR UPDATE), then reads the run's step runs
 * and, through bf_audit_head, locks the run's audit chain (`plan:<plan_id>`)
 * and reads its head. NULL when the run does not exist for that tenant.
 */
export class LockRunInOneRoundTrip1795831200013 implements MigrationInterface {
  name = 'LockRunInOneRoundTrip1795831200013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION bf_audit_head(p_chain_key text, OUT head_hash text, OUT stamped_at text)
      LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_chain_key, 0));
        SELECT hash INTO head_hash FROM audit_events WHERE chain_key = p_chain_key ORDER BY seq DESC LIMIT 1;
        stamped_at := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
      END
      $fn$`);
    await q.query(`CREATE OR REPLACE FUNCTION bf_lock_run(p_run_id text, p_tenant_id text) RETURNS jsonb
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        locked runs%ROWTYPE;
        step_rows jsonb;
        chain text;
        head text;
        stamp text;
      BEGIN
        SELECT * INTO locked FROM runs WHERE id = p_run_id AND tenant_id = p_tenant_id FOR UPDATE;
        IF NOT FOUND THEN
          RETURN NULL;
        END IF;
        SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]'::jsonb) INTO step_rows FROM step_runs s WHERE s.run_id = p_run_id;
        chain := 'plan:' || locked.plan_id;
        SELECT h.head_hash, h.stamped_at INTO head, stamp FROM bf_audit_head(chain) h;
        RETURN jsonb_build_object('run', to_jsonb(locked), 'step_runs', step_rows, 'chain_key', chain, 'prev_hash', head, 'now', stamp);
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS bf_lock_run(text, text)');
    await q.query('DROP FUNCTION IF EXISTS bf_audit_head(text)');
  }
}
