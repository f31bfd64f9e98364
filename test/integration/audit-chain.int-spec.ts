import { DataSource } from 'typeorm';
import { BriefingSchema, newId } from '@bf/contracts';
import { AuditLog, BriefingEntity, createDataSource, DEFAULT_TENANT_ID, verifyAuditChains } from '@bf/persistence';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { PlanWriter } from '../../apps/planner/src/plan-writer';
import { currentTestEnv } from '../support/test-env';

describe('tamper-evident audit trail (PostgreSQL)', () => {
  let dataSource: DataSource;
  const tenantId = DEFAULT_TENANT_ID;
  const audit = new AuditLog();

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 6 });
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  /** A plan with its plan_generated event, plus `extra` step events appended concurrently. */
  async function planWithEvents(extra: number): Promise<string> {
    const briefing = BriefingSchema.parse({ business_name: 'Chain GmbH', business_type: 'service', erp_config: { modules: ['crm'] } });
    const briefingId = newId('brief');
    await dataSource.getRepository(BriefingEntity).insert({ id: briefingId, tenantId, businessName: briefing.business_name, content: briefing as never });
    const planId = await new PlanWriter(dataSource, audit).write(tenantId, briefingId, new PlanBuilder().build(briefing, () => newId('step')));
    await Promise.all(
      Array.from({ length: extra }, (_, i) =>
        dataSource.transaction((manager) =>
          audit.append(manager, { tenantId, planId, eventType: 'factory.step_started', severity: 'info', reason: `event ${i}`, success: true, metadata: { i, nested: { b: [1, 2], a: 'ü' } } }),
        ),
      ),
    );
    return planId;
  }

  /** Acts as a database superuser would: session_replication_role=replica skips the append-only triggers. */
  async function tamper(sql: string, params: unknown[]) {
    await dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL session_replication_role = replica');
      await manager.query(sql, params);
    });
  }

  const eventsOf = (planId: string): Promise<{ id: string; reason: string }[]> => dataSource.query('SELECT id, reason FROM audit_events WHERE plan_id = $1 ORDER BY seq', [planId]);

  it('chains concurrent appends so the whole chain verifies', async () => {
    const a = await planWithEvents(12);
    const b = await planWithEvents(12);
    for (const planId of [a, b]) expect(await verifyAuditChains(dataSource, tenantId, planId)).toEqual({ valid: true, chains_checked: 1, events_checked: 13, first_broken: null });
  });

  it('appends several events of one chain at once, in the given order, interleaved with single appends', async () => {
    const planId = await planWithEvents(0);
    const event = (reason: string) => ({ tenantId, planId, eventType: 'factory.step_started' as const, severity: 'info' as const, reason, success: true });
    await Promise.all([
      dataSource.transaction((manager) => audit.appendAll(manager, [event('batch 1'), event('batch 2'), event('batch 3')])),
      dataSource.transaction((manager) => audit.append(manager, event('single'))),
    ]);
    const reasons = (await eventsOf(planId)).map((row) => row.reason);
    expect(reasons.filter((reason) => reason.startsWith('batch'))).toEqual(['batch 1', 'batch 2', 'batch 3']);
    expect(reasons).toHaveLength(5);
    expect(await verifyAuditChains(dataSource, tenantId, planId)).toEqual({ valid: true, chains_checked: 1, events_checked: 5, first_broken: null });
    await expect(dataSource.transaction((manager) => audit.appendAll(manager, [event('a'), { ...event('b'), planId: null }]))).rejects.toThrow('one chain only');
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit rows', async () => {
    const planId = await planWithEvents(1);
    await expect(dataSource.query(`UPDATE audit_events SET reason = 'x' WHERE plan_id = $1`, [planId])).rejects.toThrow(/append-only: UPDATE/);
    await expect(dataSource.query('DELETE FROM audit_events WHERE plan_id = $1', [planId])).rejects.toThrow(/append-only: DELETE/);
    await expect(dataSource.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('detects an event edited behind the trigger, naming it', async () => {
    const planId = await planWithEvents(4);
    const events = await eventsOf(planId);
    await tamper(`UPDATE audit_events SET metadata = jsonb_set(metadata, '{i}', '99') WHERE id = $1`, [events[2].id]);
    const result = await verifyAuditChains(dataSource, tenantId, planId);
    expect(result).toMatchObject({ valid: false, first_broken: { event_id: events[2].id, problem: 'content_changed', chain_key: `plan:${planId}` } });
  });

  it('detects a removed event at the next link', async () => {
    const planId = await planWithEvents(4);
    const events = await eventsOf(planId);
    await tamper('DELETE FROM audit_events WHERE id = $1', [events[2].id]);
    const result = await verifyAuditChains(dataSource, tenantId, planId);
    expect(result).toMatchObject({ valid: false, first_broken: { event_id: events[3].id, problem: 'link_broken' } });
  });

  it('detects reordered events', async () => {
    const planId = await planWithEvents(3);
    const events = await eventsOf(planId);
    // Swap the content of two events, hashes included: each is self-consistent, but the links are not.
    const rows = await dataSource.query('SELECT id, reason, metadata, prev_hash, hash, occurred_at FROM audit_events WHERE id = ANY($1) ORDER BY seq', [[events[1].id, events[2].id]]);
    await tamper('UPDATE audit_events SET reason = $2, metadata = $3, prev_hash = $4, hash = $5, occurred_at = $6 WHERE id = $1', [events[1].id, rows[1].reason, rows[1].metadata, rows[1].prev_hash, rows[1].hash, rows[1].occurred_at]);
    await tamper('UPDATE audit_events SET reason = $2, metadata = $3, prev_hash = $4, hash = $5, occurred_at = $6 WHERE id = $1', [events[2].id, rows[0].reason, rows[0].metadata, rows[0].prev_hash, rows[0].hash, rows[0].occurred_at]);
    const result = await verifyAuditChains(dataSource, tenantId, planId);
    expect(result.valid).toBe(false);
    expect(result.first_broken?.event_id).toBe(events[1].id);
  });
});
