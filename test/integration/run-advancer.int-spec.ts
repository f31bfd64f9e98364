import { DataSource } from 'typeorm';
import { BriefingSchema, newId, StepReport } from '@bf/contracts';
import { AuditLog, BriefingEntity, createDataSource, DEFAULT_TENANT_ID, PlanStepEntity, queryAuditEvents, RunEntity, StepRunEntity } from '@bf/persistence';
import { RunAdvancer } from '../../apps/gateway/src/orchestrator/run-advancer';
import { RunSettler } from '../../apps/gateway/src/orchestrator/run-settler';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { PlanWriter } from '../../apps/planner/src/plan-writer';
import { currentTestEnv } from '../support/test-env';
import { PlanStepCache } from '../../apps/gateway/src/orchestrator/plan-step.cache';

describe(`${RunAdvancer.name} against PostgreSQL`, () => {
  let dataSource: DataSource;
  let advancer: RunAdvancer;
  const tenantId = DEFAULT_TENANT_ID;

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 4 });
    await dataSource.initialize();
    advancer = new RunAdvancer(dataSource, new AuditLog(), new RunSettler(new AuditLog()), new PlanStepCache());
  });
  afterAll(() => dataSource.destroy());

  /** A stored ERP-only plan (install -> fiscal -> validation) with a running run whose first step is dispatched. */
  async function runningRun() {
    const briefing = BriefingSchema.parse({ business_name: 'Advance GmbH', business_type: 'service', erp_config: { modules: ['crm'] }, dry_run: true });
    const briefingId = newId('brief');
    await dataSource.getRepository(BriefingEntity).insert({ id: briefingId, tenantId, businessName: briefing.business_name, content: briefing as never });
    const planId = await new PlanWriter(dataSource, new AuditLog()).write(tenantId, briefingId, new PlanBuilder().build(briefing, () => newId('step')));
    const steps = await dataSource.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
    const runId = newId('run');
    await dataSource.getRepository(RunEntity).insert({ id: runId, tenantId, planId, status: 'running', dryRun: true });
    await dataSource.getRepository(StepRunEntity).insert(steps.map((step, index) => ({ runId, stepId: step.stepId, tenantId, status: 'pending' as const, attempt: 1, dispatchedAt: index === 0 ? new Date() : null })));
    return { planId, runId, steps };
  }

  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();
  const running = (runId: string, stepId: string): StepReport => ({ status: 'running', tenantId, runId, stepId, attempt: 1, worker: 'test', at: at(0) });
  const completed = (runId: string, stepId: string, outputs = {}): StepReport => ({
    status: 'completed', tenantId, runId, stepId, attempt: 1, worker: 'test', at: at(20), startedAt: at(0), dryRun: true, result: { ok: true }, outputs, durationMs: 20,
  });
  const stepEvents = async (planId: string) =>
    (await queryAuditEvents(dataSource, { tenantId, planId, limit: 100 })).events.filter((e) => e.event_type.startsWith('factory.step_')).map((e) => `${e.event_type}:${e.metadata.sequence}`);

  it('records started before completed even when the completed report arrives first, and ignores the late running report', async () => {
    const { planId, runId, steps } = await runningRun();
    const first = await advancer.apply(completed(runId, steps[0].stepId, { odoo_modules: ['crm'] }));
    expect(first).toMatchObject({ applied: true, runStatus: 'running' });
    expect(first!.ready.map((step) => step.stepId)).toEqual([steps[1].stepId]);
    const late = await advancer.apply(running(runId, steps[0].stepId));
    expect(late!.applied).toBe(false);
    expect(await stepEvents(planId)).toEqual(['factory.step_started:1', 'factory.step_completed:1']);
    const row = await dataSource.getRepository(StepRunEntity).findOneByOrFail({ runId, stepId: steps[0].stepId });
    expect(row).toMatchObject({ status: 'completed', startedAt: new Date(at(0)), finishedAt: new Date(at(20)) });
    expect((await dataSource.getRepository(RunEntity).findOneByOrFail({ id: runId })).context).toEqual({ odoo_modules: ['crm'] });
  });

  it('applies a duplicate report once but still returns the ready steps, so a redelivery after a crash dispatches what was missed', async () => {
    const { runId, steps } = await runningRun();
    const once = await advancer.apply(completed(runId, steps[0].stepId));
    const again = await advancer.apply(completed(runId, steps[0].stepId));
    expect(once!.applied).toBe(true);
    expect(again!.applied).toBe(false);
    expect(again!.ready).toEqual(once!.ready);
  });

  it('completes the run when the last step completes, and fails it on a failed step', async () => {
    const ok = await runningRun();
    for (const step of ok.steps) await advancer.apply(completed(ok.runId, step.stepId));
    expect(await dataSource.getRepository(RunEntity).findOneByOrFail({ id: ok.runId })).toMatchObject({ status: 'completed' });

    const bad = await runningRun();
    const failed = await advancer.apply({
      status: 'failed', tenantId, runId: bad.runId, stepId: bad.steps[0].stepId, attempt: 1, worker: 'test', at: at(5), startedAt: at(0),
      error: { message: 'Odoo said no', permanent: true, attempts: 1 }, durationMs: 5,
    });
    expect(failed).toMatchObject({ applied: true, runStatus: 'failed', ready: [] });
    expect(await dataSource.getRepository(RunEntity).findOneByOrFail({ id: bad.runId })).toMatchObject({ status: 'failed', error: { stepId: bad.steps[0].stepId, message: 'Odoo said no' } });
  });

  it('serialises concurrent reports for one run: every step advances exactly once', async () => {
    const { planId, runId, steps } = await runningRun();
    await advancer.apply(completed(runId, steps[0].stepId));
    const results = await Promise.all([1, 2, 3].map(() => advancer.apply(completed(runId, steps[1].stepId))));
    expect(results.filter((result) => result!.applied)).toHaveLength(1);
    await advancer.apply(running(runId, steps[1].stepId));
    expect((await stepEvents(planId)).filter((event) => event.endsWith(':2'))).toEqual(['factory.step_started:2', 'factory.step_completed:2']);
  });
});
