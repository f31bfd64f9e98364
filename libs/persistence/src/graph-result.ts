import { DataSource, EntityManager } from 'typeorm';
import {
  AuditEvent,
  DryRunReport,
  ExecutionGraphResult,
  ExecutionGraphSpec,
  GraphRunStatus,
  NodeResult,
  PipelineEvidencePack,
  pipelineContentHash,
  sha256Hex,
  StepStatus,
} from '@bf/contracts';
import { queryAuditEvents } from './audit-query';
import { ArtifactEntity, graphSpecOf, PlanEntity, PlanStepEntity, RunEntity, StepRunEntity } from './entities';

/** What a graph run's result is made of, as stored. */
export interface GraphRunState {
  plan: Pick<PlanEntity, 'id' | 'planHash' | 'autoRollback' | 'stopOnFirstError'> & { graphSpec: ExecutionGraphSpec };
  run: Pick<RunEntity, 'id' | 'status' | 'dryRun' | 'startedAt' | 'finishedAt' | 'rollbackRequested' | 'rollbackStatus' | 'rollbackFinishedAt'>;
  steps: Pick<PlanStepEntity, 'stepId' | 'name' | 'action' | 'sequence'>[];
  stepRuns: Pick<StepRunEntity, 'stepId' | 'status' | 'dispatchedAt' | 'startedAt' | 'finishedAt' | 'result' | 'error' | 'rollbackStatus' | 'rollbackOrder' | 'rollbackError'>[];
}

/** The seed 001 `POST /api/pipeline/dry-run` answer. */
export interface GraphRunReport {
  execution_result: ExecutionGraphResult;
  evidence_pack: PipelineEvidencePack;
  dry_run_report: DryRunReport;
}

/** The run's overall state: a rollback's state, once one has started, says more than the run's end status. */
export function graphRunStatus(run: GraphRunState['run']): GraphRunStatus {
  return run.rollbackStatus ?? run.status;
}

/**
 * Nothing more will happen to the run: it ended, no step is still in flight, and
 * any rollback it asked for has finished. Its result will not change any more.
 */
export function isGraphRunSettled(state: Pick<GraphRunState, 'run' | 'stepRuns'>): boolean {
  const { run } = state;
  if (run.status === 'running') return false;
  if (state.stepRuns.some((stepRun) => stepRun.status === 'running' || (stepRun.status === 'pending' && stepRun.dispatchedAt))) return false;
  return !run.rollbackRequested || (run.rollbackStatus !== null && run.rollbackStatus !== 'rolling_back');
}

/**
 * Seed 001 ExecutionGraphResult from the stored run. A node still pending after
 * the run ended never ran (the run stopped first, or was cancelled): it is
 * reported as skipped, like the nodes the engine skipped because a prerequisite failed.
 */
export function buildExecutionResult(state: GraphRunState): ExecutionGraphResult {
  const { plan, run } = state;
  const order = [...state.steps].sort((a, b) => a.sequence - b.sequence);
  const stepRunOf = new Map(state.stepRuns.map((stepRun) => [stepRun.stepId, stepRun]));
  const ended = run.status !== 'running';
  const nodeResults: Record<string, NodeResult> = {};
  const statusOf = new Map<string, StepStatus>();
  for (const step of order) {
    const stepRun = stepRunOf.get(step.stepId);
    const neverRan = ended && (!stepRun || stepRun.status === 'pending');
    const status: StepStatus = neverRan ? 'skipped' : (stepRun?.status ?? 'pending');
    statusOf.set(step.name, status);
    const error = neverRan ? `not run: the graph ${run.status === 'cancelled' ? 'was cancelled' : 'stopped'} before this node` : stepRun?.error?.message;
    nodeResults[step.name] = {
      status,
      ...(stepRun?.result ? { result: stepRun.result } : {}),
      ...(error ? { error } : {}),
      duration_ms: stepRun?.startedAt && stepRun.finishedAt ? stepRun.finishedAt.getTime() - stepRun.startedAt.getTime() : null,
      ...(stepRun?.rollbackStatus ? { rollback: { status: stepRun.rollbackStatus, ...(stepRun.rollbackError ? { error: stepRun.rollbackError.message } : {}) } } : {}),
    };
  }
  const named = (test: (status: StepStatus) => boolean) => order.map((step) => step.name).filter((name) => test(statusOf.get(name)!));
  const rolledBack = order
    .map((step) => stepRunOf.get(step.stepId))
    .filter((stepRun): stepRun is GraphRunState['stepRuns'][number] => stepRun?.rollbackStatus === 'rolled_back')
    .sort((a, b) => (a.rollbackOrder ?? 0) - (b.rollbackOrder ?? 0))
    .map((stepRun) => order.find((step) => step.stepId === stepRun.stepId)!.name);
  const status = graphRunStatus(run);
  const finishedAt = status === 'running' || status === 'rolling_back' ? null : (run.rollbackFinishedAt ?? run.finishedAt);
  return {
    graph_id: plan.graphSpec.graph_id,
    plan_id: plan.id,
    run_id: run.id,
    status,
    execution_order: order.map((step) => step.name),
    // A rolled-back node completed first: completion is what the rollback undid.
    completed_nodes: named((s) => s === 'completed' || s === 'rolled_back'),
    failed_nodes: named((s) => s === 'failed'),
    skipped_nodes: named((s) => s === 'skipped'),
    node_results: nodeResults,
    rolled_back_nodes: rolledBack,
    started_at: run.startedAt.toISOString(),
    finished_at: finishedAt?.toISOString() ?? null,
    duration_ms: finishedAt ? finishedAt.getTime() - run.startedAt.getTime() : null,
    dry_run: run.dryRun,
  };
}

/** Seed 001 dry-run report: what each node would change (its dry-run result's `would`), and totals. */
export function buildDryRunReport(state: GraphRunState, result: ExecutionGraphResult): DryRunReport {
  const nodes = [...state.steps]
    .sort((a, b) => a.sequence - b.sequence)
    .map((step) => {
      const node = result.node_results[step.name];
      const would = typeof node.result?.would === 'string' ? node.result.would : null;
      return { node_id: step.name, node_type: step.action, status: node.status, would, result: node.result ?? null, error: node.error ?? null };
    });
  return {
    graph_id: result.graph_id,
    dry_run: true,
    nodes,
    totals: {
      nodes: nodes.length,
      completed: result.completed_nodes.length,
      failed: result.failed_nodes.length,
      skipped: result.skipped_nodes.length,
      would_change: nodes.filter((node) => node.would !== null && result.completed_nodes.includes(node.node_id)).length,
    },
  };
}

/**
 * Seed 001 S8.6 PipelineEvidencePack. Everything the content hash covers is
 * derived from stored state without timestamps, so rebuilding the pack of the
 * same run gives the same hash; `generated_at` is the only moment in it.
 */
export function buildEvidencePack(input: {
  state: GraphRunState;
  result: ExecutionGraphResult;
  auditEvents: AuditEvent[];
  artifacts: string[];
  generatedAt: Date;
}): PipelineEvidencePack {
  const { state, result } = input;
  const spec = state.plan.graphSpec;
  const started = input.auditEvents.find((event) => event.event_type === 'pipeline.graph_started');
  const pack: Omit<PipelineEvidencePack, 'content_hash'> = {
    pack_id: `pack_${sha256Hex(state.run.id).slice(0, 12)}`,
    generated_at: input.generatedAt.toISOString(),
    business_intent_id: spec.business_intent_id,
    business_intent: null,
    graph_id: spec.graph_id,
    graph_spec: spec,
    execution_result: result,
    summary: {
      status: result.status,
      dry_run: result.dry_run,
      total_nodes: result.execution_order.length,
      completed_nodes: result.completed_nodes.length,
      failed_nodes: result.failed_nodes.length,
      skipped_nodes: result.skipped_nodes.length,
      rolled_back_nodes: result.rolled_back_nodes.length,
      stop_on_first_error: state.plan.stopOnFirstError,
      auto_rollback: state.plan.autoRollback,
      plan_hash: state.plan.planHash,
    },
    governance_decisions: [
      {
        decision: 'execution_mode',
        dry_run: result.dry_run,
        reason: result.dry_run ? 'dry run: every node described its change and made none' : 'live run: nodes changed external systems',
      },
      { decision: 'plan_hash_verified', plan_hash: state.plan.planHash, reason: 'the stored graph plan still hashed to its plan hash when the run started' },
      ...(started ? [{ decision: 'preflight', passed: true, checks: started.metadata.preflight ?? [] }] : []),
      {
        decision: 'failure_policy',
        stop_on_first_error: state.plan.stopOnFirstError,
        auto_rollback: state.plan.autoRollback,
        non_critical_nodes: spec.nodes.filter((node) => !node.critical).map((node) => node.node_id),
      },
    ],
    artifacts: input.artifacts,
    audit_events: input.auditEvents as unknown as Record<string, unknown>[],
    is_dry_run: result.dry_run,
  };
  return { ...pack, content_hash: pipelineContentHash(pack) };
}

/** Reads a graph plan's run and builds its seed 001 result, evidence pack and dry-run report. */
export class GraphResultReader {
  constructor(private readonly dataSource: DataSource) {}

  /** The stored state of a graph plan's run (the latest, unless `runId` is given); undefined if there is none. */
  state(tenantId: string, planId: string, runId?: string): Promise<GraphRunState | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', (manager) => this.stateIn(manager, tenantId, planId, runId));
  }

  async report(tenantId: string, planId: string, runId?: string, generatedAt = new Date()): Promise<GraphRunReport | undefined> {
    const state = await this.state(tenantId, planId, runId);
    if (!state) return undefined;
    const result = buildExecutionResult(state);
    const [auditEvents, artifacts] = await Promise.all([this.auditEvents(tenantId, planId, state.run.id), this.artifacts(state.run.id)]);
    return {
      execution_result: result,
      evidence_pack: buildEvidencePack({ state, result, auditEvents, artifacts, generatedAt }),
      dry_run_report: buildDryRunReport(state, result),
    };
  }

  private async stateIn(manager: EntityManager, tenantId: string, planId: string, runId?: string): Promise<GraphRunState | undefined> {
    const plan = await manager.getRepository(PlanEntity).findOneBy({ id: planId, tenantId });
    const graphSpec = plan && graphSpecOf(plan);
    if (!plan || !graphSpec) return undefined;
    const run = runId
      ? await manager.getRepository(RunEntity).findOneBy({ id: runId, planId })
      : await manager.getRepository(RunEntity).findOne({ where: { planId }, order: { startedAt: 'DESC' } });
    if (!run) return undefined;
    const steps = await manager.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
    const stepRuns = await manager.getRepository(StepRunEntity).findBy({ runId: run.id });
    return { plan: { ...plan, graphSpec }, run, steps, stepRuns };
  }

  private async auditEvents(tenantId: string, planId: string, runId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryAuditEvents(this.dataSource, { tenantId, planId, runId, afterSeq: cursor, limit: 1000 });
      events.push(...page.events);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return events;
  }

  /** Files the run's steps produced (the evidence ZIP and its signature are about the run, not of it). */
  private async artifacts(runId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(ArtifactEntity).find({ where: { runId, kind: 'step_output' } });
    // Named by step and artifact name, not by where this machine stored the file: the content hash must not depend on DATA_DIR.
    return rows.map((row) => `${row.stepId}/${String(row.metadata.name ?? row.id).replace(/^\//, '')}`).sort();
  }
}
