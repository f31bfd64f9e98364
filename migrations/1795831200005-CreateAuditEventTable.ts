import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEventTable1795831200005 implements MigrationInterface {
  name = 'CreateAuditEventTable1795831200005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_events (
      id text PRIMARY KEY,
      seq bigserial UNIQUE,
      tenant_id text NOT NULL REFERENCES tenants(id),
      event_type text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('info','warning','error','critical')),
      reason text NOT NULL,
      success boolean NOT NULL,
      correlation_id text,
      plan_id text,
      run_id text,
      metadata jsonb NOT NULL DEFAULT '{}',
      occurred_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query('CREATE INDEX audit_events_tenant_type_seq_idx ON audit_events (tenant_id, event_type, seq)');
    await q.query('CREATE INDEX audit_events_plan_seq_idx ON audit_events (plan_id, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_events');
  }
}
