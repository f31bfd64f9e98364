import { ExecutionGraphSpecSchema, pipelineContentHash } from '@bf/contracts';
import { buildDryRunReport, buildEvidencePack, buildExecutionResult, GraphRunState, isGraphRunSettled } from './graph-result';

const SPEC = ExecutionGraphSpecSchema.parse({
  graph_id: 'g1',
  business_intent_id: 'intent_1',
  stop_on_first_error: false,
  nodes: [
    { node_id: 'gen', node_type: 'website.generate', executor_params: {} },
    { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['gen'], executor_params: {} },
    { node_id: 'modules', node_type: 'odoo.install_modules', executor_params: {} },
    { node_id: 'check', node_type: 'validation.run', depends_on: ['modules'], executor_params: {} },
    { node_id: 'users', node_type: 'odoo.create_users', depends_on: ['check'], executor_params: {}, critical: false },
  ],
});
const t = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms));
const step = (name: string, sequence: number, action = SPEC.nodes.find((node) => node.node_id === name)!.node_type) => ({ stepId: `step_${name}`, name, action, sequence });
const stepRun = (name: string, fields: Partial<GraphRunState['stepRuns'][number]>): GraphRunState['stepRuns'][number] => ({
  stepId: `step_${name}`, status: 'pending', dispatchedAt: null, startedAt: null, finishedAt: null, result: null, error: null, rollbackStatus: null, rollbackOrder: null, rollbackError: null, ...fields,
});

/** gen and modules completed (and were rolled back, modules first), deploy completed and rolled back, check failed, users skipped. */
function failedAndRolledBack(): GraphRunState {
  return {
    plan: { id: 'plan_1', planHash: 'sha256:abc', autoRollback: true, stopOnFirstError: false, graphSpec: SPEC },
    run: { id: 'run_1', status: 'failed', dryRun: true, startedAt: t(0), finishedAt: t(300), rollbackRequested: true, rollbackStatus: 'rolled_back', rollbackFinishedAt: t(500) },
    steps: [step('modules', 1), step('gen', 2), step('check', 3), step('deploy', 4), step('users', 5)],
    stepRuns: [
      stepRun('gen', { status: 'rolled_back', dispatchedAt: t(0), startedAt: t(10), finishedAt: t(60), result: { mode: 'dry_run', would: 'write 3 file(s)' }, rollbackStatus: 'rolled_back', rollbackOrder: 3 }),
      stepRun('deploy', { status: 'rolled_back', dispatchedAt: t(60), startedAt: t(70), finishedAt: t(250), result: { mode: 'dry_run', would: 'publish 3 file(s)' }, rollbackStatus: 'rolled_back', rollbackOrder: 1 }),
      stepRun('modules', { status: 'rolled_back', dispatchedAt: t(0), startedAt: t(5), finishedAt: t(40), result: { mode: 'dry_run', would: 'install crm' }, rollbackStatus: 'rolled_back', rollbackOrder: 2 }),
      stepRun('check', { status: 'failed', dispatchedAt: t(40), startedAt: t(45), finishedAt: t(50), error: { message: 'nothing to validate', permanent: true, attempts: 1 } }),
      stepRun('users', { status: 'skipped', error: { message: "skipped: depends on failed node 'check'", permanent: true, attempts: 0 } }),
    ],
  };
}

describe('buildExecutionResult', () => {
  it('reports the seed 001 ExecutionGraphResult: order, completed, failed, skipped, rolled back in undo order, per-node results', () => {
    const result = buildExecutionResult(failedAndRolledBack());
    expect(result).toMatchObject({
      graph_id: 'g1',
      plan_id: 'plan_1',
      run_id: 'run_1',
      status: 'rolled_back',
      execution_order: ['modules', 'gen', 'check', 'deploy', 'users'],
      completed_nodes: ['modules', 'gen', 'deploy'],
      failed_nodes: ['check'],
      skipped_nodes: ['users'],
      rolled_back_nodes: ['deploy', 'modules', 'gen'],
      started_at: t(0).toISOString(),
      finished_at: t(500).toISOString(),
      duration_ms: 500,
      dry_run: true,
    });
    expect(result.node_results.check).toEqual({ status: 'failed', error: 'nothing to validate', duration_ms: 5 });
    expect(result.node_results.users).toEqual({ status: 'skipped', error: "skipped: depends on failed node 'check'", duration_ms: null });
    expect(result.node_results.gen).toEqual({ status: 'rolled_back', result: { mode: 'dry_run', would: 'write 3 file(s)' }, duration_ms: 50, rollback: { status: 'rolled_back' } });
  });

  it('reports nodes a stopped run never reached as skipped, and an unfinished run as running without an end', () => {
    const state = failedAndRolledBack();
    state.stepRuns = state.stepRuns.map((row) => (row.stepId === 'step_users' ? { ...row, status: 'pending', error: null } : row));
    expect(buildExecutionResult(state).node_results.users).toEqual({ status: 'skipped', error: 'not run: the graph stopped before this node', duration_ms: null });
    const running = { ...state, run: { ...state.run, status: 'running' as const, finishedAt: null, rollbackRequested: false, rollbackStatus: null, rollbackFinishedAt: null } };
    expect(buildExecutionResult(running)).toMatchObject({ status: 'running', finished_at: null, duration_ms: null, skipped_nodes: [] });
    expect(buildExecutionResult(running).node_results.users.status).toBe('pending');
  });
});

describe('isGraphRunSettled', () => {
  it('waits for the run to end, for steps in flight, and for a requested rollback', () => {
    const state = failedAndRolledBack();
    expect(isGraphRunSettled(state)).toBe(true);
    expect(isGraphRunSettled({ ...state, run: { ...state.run, rollbackStatus: 'rolling_back' } })).toBe(false);
    expect(isGraphRunSettled({ ...state, run: { ...state.run, rollbackStatus: null } })).toBe(false);
    expect(isGraphRunSettled({ ...state, run: { ...state.run, status: 'running' } })).toBe(false);
    expect(isGraphRunSettled({ run: { ...state.run, rollbackRequested: false, rollbackStatus: null }, stepRuns: [stepRun('gen', { dispatchedAt: t(1) })] })).toBe(false);
  });
});

describe('buildEvidencePack / buildDryRunReport', () => {
  const state = failedAndRolledBack();
  const result = buildExecutionResult(state);
  const pack = buildEvidencePack({ state, result, auditEvents: [], artifacts: ['b.txt', 'a.txt'], generatedAt: t(900) });

  it('carries a content hash that the seed formula reproduces, and that does not depend on when the pack was generated', () => {
    expect(pack.content_hash).toBe(pipelineContentHash(pack));
    expect(buildEvidencePack({ state, result, auditEvents: [], artifacts: ['a.txt', 'b.txt'], generatedAt: t(999) }).content_hash).toBe(pack.content_hash);
    expect(pack).toMatchObject({ business_intent_id: 'intent_1', graph_id: 'g1', is_dry_run: true, graph_spec: SPEC, business_intent: null });
    expect(pack.summary).toEqual({
      status: 'rolled_back', dry_run: true, total_nodes: 5, completed_nodes: 3, failed_nodes: 1, skipped_nodes: 1, rolled_back_nodes: 3, stop_on_first_error: false, auto_rollback: true, plan_hash: 'sha256:abc',
    });
    expect(pack.governance_decisions).toContainEqual(expect.objectContaining({ decision: 'failure_policy', non_critical_nodes: ['users'] }));
  });

  it('lists per node what it would change, with totals', () => {
    const report = buildDryRunReport(state, result);
    expect(report.nodes.map((node) => [node.node_id, node.status, node.would])).toEqual([
      ['modules', 'rolled_back', 'install crm'],
      ['gen', 'rolled_back', 'write 3 file(s)'],
      ['check', 'failed', null],
      ['deploy', 'rolled_back', 'publish 3 file(s)'],
      ['users', 'skipped', null],
    ]);
    expect(report.totals).toEqual({ nodes: 5, completed: 3, failed: 1, skipped: 1, would_change: 3 });
  });
});
