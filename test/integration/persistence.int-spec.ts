import { DataSource } from 'typeorm';
import { BriefingSchema, newId } from '@bf/contracts';
import { AuditLog, BriefingEntity, createDataSource, DEFAULT_TENANT_ID, migrate, PlanEntity, queryAuditEvents, RunEntity, TenantEntity } from '@bf/persistence';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { PlanWriter } from '../../apps/planner/src/plan-writer';
import { currentTestEnv } from '../support/test-env';

describe('persistence against PostgreSQL', () => {
  let dataSource: DataSource;
  const tenantId = DEFAULT_TENANT_ID;

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 4 });
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  async function storedPlan(): Promise<string> {
    const briefing = BriefingSchema.parse({ business_name: 'Persist GmbH', business_type: 'service', erp_config: { modules: ['crm'] } });
    const briefingId = newId('brief');
    await dataSource.getRepository(BriefingEntity).insert({ id: briefingId, tenantId, businessName: briefing.business_name, content: briefing as never });
    const content = new PlanBuilder().build(briefing, () => newId('step'));
    return new PlanWriter(dataSource, new AuditLog()).write(tenantId, briefingId, content);
  }

  it('has applied every migration and is up to date on a second run', async () => {
    expect(await migrate(currentTestEnv().databaseUrl)).toEqual([]);
    const tables = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(
      expect.arrayContaining(['tenants', 'briefings', 'plans', 'plan_steps', 'runs', 'step_runs', 'audit_events', 'artifacts']),
    );
  });

  it('has a default tenant, and every table carries a tenant id', async () => {
    expect(await dataSource.getRepository(TenantEntity).findOneBy({ id: DEFAULT_TENANT_ID })).toMatchObject({ name: 'Default tenant' });
    // The embedded DNS server's zones are its own storage, like a PowerDNS database: zone names are
    // global in DNS. Which tenant changed which record set is in dns_change_journal, which has a tenant.
    // signing_keys belong to the one forge-sign signer of the whole system, not to a tenant.
    const missing = await dataSource.query(`
      SELECT t.table_name FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_name NOT IN ('tenants', 'typeorm_migrations', 'dns_zones', 'dns_record_sets', 'signing_keys')
        AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_name = t.table_name AND c.column_name = 'tenant_id' AND c.is_nullable = 'NO')`);
    expect(missing).toEqual([]);
  });

  it('stores a plan with its steps and its plan_generated event in one transaction', async () => {
    const planId = await storedPlan();
    const plan = await dataSource.getRepository(PlanEntity).findOneByOrFail({ id: planId });
    expect(plan).toMatchObject({ status: 'draft', tenantId });
    expect(plan.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const page = await queryAuditEvents(dataSource, { tenantId, planId, limit: 10 });
    expect(page.events.map((event) => event.event_type)).toEqual(['factory.plan_generated']);
    expect(page.events[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('refuses a second plan for the same briefing', async () => {
    const planId = await storedPlan();
    const plan = await dataSource.getRepository(PlanEntity).findOneByOrFail({ id: planId });
    await expect(dataSource.getRepository(PlanEntity).insert({ ...plan, id: newId('plan') })).rejects.toThrow(/duplicate key/);
  });

  it('allows only one running run per plan', async () => {
    const planId = await storedPlan();
    const runs = dataSource.getRepository(RunEntity);
    await runs.insert({ id: newId('run'), tenantId, planId, status: 'running', dryRun: true });
    await expect(runs.insert({ id: newId('run'), tenantId, planId, status: 'running', dryRun: true })).rejects.toThrow(/runs_one_active_per_plan/);
  });

  it('pages audit events with a stable cursor while new events arrive', async () => {
    const planId = await storedPlan();
    const audit = new AuditLog();
    for (let i = 0; i < 5; i++) {
      await dataSource.transaction((manager) =>
        audit.append(manager, { tenantId, planId, eventType: 'factory.step_started', severity: 'info', reason: `event ${i}`, success: true }),
      );
    }
    const first = await queryAuditEvents(dataSource, { tenantId, planId, eventType: 'factory.step_started', limit: 2 });
    expect(first.events.map((event) => event.reason)).toEqual(['event 0', 'event 1']);
    await dataSource.transaction((manager) =>
      audit.append(manager, { tenantId, planId, eventType: 'factory.step_started', severity: 'info', reason: 'event 5', success: true }),
    );
    const second = await queryAuditEvents(dataSource, { tenantId, planId, eventType: 'factory.step_started', limit: 10, afterSeq: first.next_cursor! });
    expect(second.events.map((event) => event.reason)).toEqual(['event 2', 'event 3', 'event 4', 'event 5']);
    expect(second.next_cursor).toBeNull();
  });
});
