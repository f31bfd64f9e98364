import { DataSource } from 'typeorm';
import { BriefingSchema, newId, StepReport } from '@bf/contracts';
import { AuditLog, BriefingEntity, createDataSource, DEFAULT_TENANT_ID, PlanEntity, PlanStepEntity, queryAuditEvents, RunEntity, StepRunEntity } from '@bf/persistence';
import { Advance, RunAdvancer } from '../../apps/gateway/src/orchestrator/run-advancer';
import { RunSettler } from '../../apps/gateway/src/orchestrator/run-settler';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { PlanWriter } from '../../apps/planner/src/plan-writer';
import { currentTestEnv } from '../support/test-env';

/**
 * Rollback and cancel, driven report by report against PostgreSQL: which
 * compensation goes out when, in which order, and how the run and plan end.
 */import { PlanStepCache } from '../../apps/gateway/src/orchestrator/plan-step.cache';

describe('rollback and cancel (PostgreSQL)', () => {
  let dataSource: DataSource;
  let advancer: RunAdvancer;
  const tenantId = DEFAULT_TENANT_ID;
  let clock = Date.UTC(2026, 0, 1);
  const tick = () => new Date((clock += 1000)).toISOString();

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 4 });
    await dataSource.initialize();
    const audit = new AuditLog();
    advancer = new RunAdvancer(dataSource, audit, new RunSettler(audit), new PlanStepCache());
  });
  afterAll(() => dataSource.destroy());

  /** ERP-only plan: 1 install modules, 2 create users, 3 fiscal, 4 validation. */
  async function startRun(options: { dryRun: boolean; autoRollback?: boolean }) {
    const briefing = BriefingSchema.parse({
      business_name: 'Undo GmbH', business_type: 'service', dry_run: options.dryRun, auto_rollback: options.autoRollback ?? true,
      erp_config: { modules: ['crm'], users: [{ name: 'A', email: 'a@undo.example', role: 'admin' }] },
    });
    const briefingId = newId('brief');
    await dataSource.getRepository(BriefingEntity).insert({ id: briefingId, tenantId, businessName: briefing.business_name, content: briefing as never });
    const planId = await new PlanWriter(dataSource, new AuditLog()).write(tenantId, briefingId, new PlanBuilder().build(briefing, () => newId('step')));
    const steps = await dataSource.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
    const runId = newId('run');
    await dataSource.getRepository(RunEntity).insert({ id: runId, tenantId, planId, status: 'running', dryRun: options.dryRun });
    await dataSource.getRepository(StepRunEntity).insert(steps.map((step) => ({ runId, stepId: step.stepId, tenantId, status: 'pending' as const, attempt: 1, dispatchedAt: step.sequence === 1 ? new Date() : null })));
    const id = (sequence: number) => steps[sequence - 1].stepId;
    return { planId, runId, id };
  }

  const report = (runId: string, stepId: string, status: 'completed' | 'failed' | 'rolled_back' | 'rollback_failed', dryRun = true): StepReport => {
    const base = { tenantId, runId, stepId, attempt: 1, worker: 'test', at: tick() };
    switch (status) {
      case 'completed': return { ...base, status, startedAt: base.at, dryRun, result: { done: true }, outputs: {}, durationMs: 1 };
      case 'failed': return { ...base, status, startedAt: base.at, error: { message: 'boom', permanent: true, attempts: 1 }, durationMs: 1 };
      case 'rolled_back': return { ...base, status, result: { undone: true } };
      case 'rollback_failed': return { ...base, status, error: { message: 'Odoo refused to uninstall' } };
    }
  };
  const compensating = (advance: Advance | undefined) => advance!.compensate.map((c) => c.stepId);
  const runOf = (runId: string) => dataSource.getRepository(RunEntity).findOneByOrFail({ id: runId });
  const planStatus = async (planId: string) => (await dataSource.getRepository(PlanEntity).findOneByOrFail({ id: planId })).status;

  it('rolls back every completed step in reverse completion order, one compensation at a time', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true });
    await advancer.apply(report(runId, id(1), 'completed'));
    await advancer.apply(report(runId, id(3), 'completed')); // fiscal finishes before users
    await advancer.apply(report(runId, id(2), 'completed'));
    const last = await advancer.apply(report(runId, id(4), 'completed'));
    expect(last).toMatchObject({ runStatus: 'completed', settled: true });

    const started = await advancer.requestRollback(tenantId, planId, null);
    expect(compensating(started)).toEqual([id(4)]);
    expect(compensating(await advancer.apply(report(runId, id(4), 'rolled_back')))).toEqual([id(2)]);
    expect(compensating(await advancer.apply(report(runId, id(2), 'rolled_back')))).toEqual([id(3)]);
    expect(compensating(await advancer.apply(report(runId, id(3), 'rolled_back')))).toEqual([id(1)]);
    const done = await advancer.apply(report(runId, id(1), 'rolled_back'));
    expect(done).toMatchObject({ compensate: [], settled: true });
    expect(await runOf(runId)).toMatchObject({ rollbackStatus: 'rolled_back' });
    expect(await planStatus(planId)).toBe('rolled_back');
    const events = (await queryAuditEvents(dataSource, { tenantId, runId, limit: 100 })).events.map((e) => e.event_type);
    expect(events.slice(-6)).toEqual(['factory.rollback_started', 'factory.step_rolled_back', 'factory.step_rolled_back', 'factory.step_rolled_back', 'factory.step_rolled_back', 'factory.rollback_completed']);
    // A redelivered compensation report changes nothing.
    expect((await advancer.apply(report(runId, id(1), 'rolled_back')))!.applied).toBe(false);
  });

  it('with to_step=N compensates only the steps after N', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true });
    for (const n of [1, 2, 3, 4]) await advancer.apply(report(runId, id(n), 'completed'));
    expect(compensating(await advancer.requestRollback(tenantId, planId, 2))).toEqual([id(4)]);
    expect(compensating(await advancer.apply(report(runId, id(4), 'rolled_back')))).toEqual([id(3)]);
    expect(await advancer.apply(report(runId, id(3), 'rolled_back'))).toMatchObject({ compensate: [], settled: true });
    const rows = await dataSource.getRepository(StepRunEntity).find({ where: { runId } });
    const byStep = new Map(rows.map((row) => [row.stepId, row.rollbackStatus]));
    expect([1, 2, 3, 4].map((n) => byStep.get(id(n)))).toEqual([null, null, 'rolled_back', 'rolled_back']);
  });

  it('reports a failed compensation instead of swallowing it: the plan ends partially rolled back', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true });
    for (const n of [1, 2, 3, 4]) await advancer.apply(report(runId, id(n), 'completed'));
    await advancer.requestRollback(tenantId, planId, null);
    await advancer.apply(report(runId, id(4), 'rolled_back'));
    await advancer.apply(report(runId, id(3), 'rolled_back'));
    expect(compensating(await advancer.apply(report(runId, id(2), 'rollback_failed')))).toEqual([id(1)]);
    await advancer.apply(report(runId, id(1), 'rolled_back'));
    expect(await planStatus(planId)).toBe('partially_rolled_back');
    const completed = (await queryAuditEvents(dataSource, { tenantId, runId, eventType: 'factory.rollback_completed', limit: 5 })).events[0];
    expect(completed).toMatchObject({ success: false, metadata: { errors: [{ step_id: id(2), error: 'Odoo refused to uninstall' }] } });
  });

  it('still asks a step marked not fully reversible (fiscal settings) to restore what it can; what it cannot makes the rollback partial', async () => {
    const { planId, runId, id } = await startRun({ dryRun: false });
    for (const n of [1, 2, 3, 4]) await advancer.apply(report(runId, id(n), 'completed', false));
    expect(compensating(await advancer.requestRollback(tenantId, planId, null))).toEqual([id(4)]);
    // Reverse completion order: the fiscal step (3) is dispatched like any other, its executor decides what it can restore.
    expect(compensating(await advancer.apply(report(runId, id(4), 'rolled_back')))).toEqual([id(3)]);
    expect(compensating(await advancer.apply({ ...report(runId, id(3), 'rollback_failed'), error: { message: 'needs manual restoration: company currency (journal items exist)' } } as StepReport))).toEqual([id(2)]);
    await advancer.apply(report(runId, id(2), 'rolled_back'));
    await advancer.apply(report(runId, id(1), 'rolled_back'));
    const fiscal = await dataSource.getRepository(StepRunEntity).findOneByOrFail({ runId, stepId: id(3) });
    expect(fiscal).toMatchObject({ rollbackStatus: 'failed', rollbackError: { message: 'needs manual restoration: company currency (journal items exist)' } });
    expect(await planStatus(planId)).toBe('partially_rolled_back');
  });

  it('rolls back fully when the fiscal step could restore everything it changed', async () => {
    const { planId, runId, id } = await startRun({ dryRun: false });
    for (const n of [1, 2, 3, 4]) await advancer.apply(report(runId, id(n), 'completed', false));
    await advancer.requestRollback(tenantId, planId, null);
    for (const n of [4, 3, 2, 1]) await advancer.apply(report(runId, id(n), 'rolled_back'));
    expect(await planStatus(planId)).toBe('rolled_back');
  });

  it('auto-rolls back after a failure, but only once the steps still in flight have finished', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true });
    await advancer.apply(report(runId, id(1), 'completed')); // dispatches 2 and 3
    const failed = await advancer.apply(report(runId, id(2), 'failed'));
    expect(failed).toMatchObject({ runStatus: 'failed', ready: [], compensate: [], settled: false }); // 3 is still in flight
    const quiet = await advancer.apply(report(runId, id(3), 'completed'));
    expect(compensating(quiet)).toEqual([id(3)]); // the late step is compensated too, first
    expect(compensating(await advancer.apply(report(runId, id(3), 'rolled_back')))).toEqual([id(1)]);
    expect(await advancer.apply(report(runId, id(1), 'rolled_back'))).toMatchObject({ settled: true });
    expect(await planStatus(planId)).toBe('rolled_back');
  });

  it('without auto_rollback a failed run stays as it is', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true, autoRollback: false });
    await advancer.apply(report(runId, id(1), 'completed'));
    await advancer.apply(report(runId, id(2), 'failed'));
    expect(await advancer.apply(report(runId, id(3), 'completed'))).toMatchObject({ compensate: [], settled: true });
    expect(await planStatus(planId)).toBe('failed');
  });

  it('cancels: nothing more is dispatched, running steps finish, the run ends cancelled (and rolled back when asked)', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true });
    await advancer.apply(report(runId, id(1), 'completed')); // 2 and 3 dispatched
    const cancel = await advancer.requestCancel(tenantId, planId, true);
    expect(cancel).toMatchObject({ ready: [], compensate: [], runStatus: 'running', settled: false });
    await expect(advancer.requestCancel(tenantId, planId, true)).rejects.toThrow(/already being cancelled/);
    expect((await advancer.apply(report(runId, id(2), 'completed')))!.ready).toEqual([]);
    const last = await advancer.apply(report(runId, id(3), 'completed'));
    expect(last!.runStatus).toBe('cancelled');
    expect(compensating(last)).toEqual([id(3)]);
    await advancer.apply(report(runId, id(3), 'rolled_back'));
    await advancer.apply(report(runId, id(2), 'rolled_back'));
    await advancer.apply(report(runId, id(1), 'rolled_back'));
    expect(await runOf(runId)).toMatchObject({ status: 'cancelled', rollbackStatus: 'rolled_back' });
    const validation = await dataSource.getRepository(StepRunEntity).findOneByOrFail({ runId, stepId: id(4) });
    expect(validation).toMatchObject({ status: 'pending', dispatchedAt: null });
  });

  it('refuses to roll back a running run, or one already rolled back', async () => {
    const { planId, runId, id } = await startRun({ dryRun: true });
    await expect(advancer.requestRollback(tenantId, planId, null)).rejects.toThrow(/still executing/);
    for (const n of [1, 2, 3, 4]) await advancer.apply(report(runId, id(n), 'completed'));
    await advancer.requestRollback(tenantId, planId, null);
    await expect(advancer.requestRollback(tenantId, planId, null)).rejects.toThrow(/already being rolled back/);
  });
});
