import { DataSource, EntityManager } from 'typeorm';
import { Plan, PlanContent, PlanContentSchema, planHash } from '@bf/contracts';
import { graphSpecOf, PlanEntity, PlanStepEntity, RunEntity, StepRunEntity } from './entities';

/** A step as the API shows it: the plan's step with its state in the plan's latest run. */
export type StepView = Plan['steps'][number] & {
  /** The step's mode in the latest run, decided when the run was recorded; null before any run. */
  mode: 'dry_run' | 'live' | null;
  /** Why the step runs as a dry run; null for a live step. */
  dry_run_reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  result: Record<string, unknown> | null;
  error: { message: string; permanent: boolean; attempts: number } | null;
};

export interface RunView {
  run_id: string;
  status: RunEntity['status'];
  dry_run: boolean;
  /** Every step that ran as a dry run, and why, so no reader mistakes it for a real change. */
  dry_run_steps: { step_id: string; name: string; reason: string }[];
  started_at: string;
  finished_at: string | null;
  error: RunEntity['error'];
  context: Record<string, unknown>;
}

/** An API key as a review shows it: its public prefix and name (never its id's secret half, which does not exist, nor its hash). */
export interface KeyRef {
  key_prefix: string | null;
  key_name: string | null;
}

export interface ApprovalView extends KeyRef {
  approval_id: string;
  /** The body's approved_by, or the key's name. */
  approved_by: string;
  approved_at: string;
  note: string | null;
  /** False for an approval of earlier content (another plan_hash): it does not count for this plan. */
  current: boolean;
}

/**
 * Who asked for a plan and who approved it (issue 10). Not part of the plan's
 * content: PlanContentSchema strips these, so the plan hash stays as planned.
 */
export interface PlanReview {
  /** The key whose request produced the plan; null for plans from before keys existed. */
  created_by: KeyRef | null;
  /** Distinct approver keys the plan needs before it may execute: PLAN_MIN_APPROVALS for HIGH and CRITICAL risk, else 0. */
  approvals_required: number;
  approvals: ApprovalView[];
}

export type PlanView = Omit<Plan, 'steps'> & { steps: StepView[]; run: RunView | null; steps_completed: number } & Partial<PlanReview>;

/** Risk levels whose plans need approvals before they execute (the execute route enforces it). */
export const APPROVAL_RISK_LEVELS: ReadonlySet<string> = new Set(['high', 'critical']);

/** Reads a plan with its steps and the state of its latest run, in seed 000's shape. */
export class PlanViewReader {
  /**
   * `review`: add who created and approved the plan (the API's views). Left out
   * of the evidence pack and the hash checks, which read the plan as planned.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly review?: { planMinApprovals: number },
  ) {}

  /** One REPEATABLE READ snapshot, so the plan, run and step statuses always agree with each other. */
  read(tenantId: string, planId: string, runId?: string): Promise<PlanView | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', (manager) => this.readIn(manager, tenantId, planId, runId));
  }

  /** The same view inside a caller's transaction. */
  async readIn(manager: EntityManager, tenantId: string, planId: string, runId?: string): Promise<PlanView | undefined> {
    const plan = await manager.getRepository(PlanEntity).findOneBy({ id: planId, tenantId });
    if (!plan) return undefined;
    const steps = await manager.getRepository(PlanStepEntity).find({ where: { planId }, order: { sequence: 'ASC' } });
    return this.viewOf(manager, plan, steps, runId);
  }

  /**
   * The view of a plan and its steps that the caller already read in this
   * transaction (execute reads them once, under its plan lock), with the run state added.
   */
  async viewOf(manager: EntityManager, plan: PlanEntity, steps: PlanStepEntity[], runId?: string): Promise<PlanView> {
    // With the tenant (a run's is always its plan's), so the lookup uses the (tenant_id, plan_id) index instead of scanning it whole.
    const where = { planId: plan.id, tenantId: plan.tenantId };
    const run = runId
      ? await manager.getRepository(RunEntity).findOneBy({ id: runId, ...where })
      : await manager.getRepository(RunEntity).findOne({ where, order: { startedAt: 'DESC' } });
    const stepRuns = run ? await manager.getRepository(StepRunEntity).findBy({ runId: run.id }) : [];
    const stateOf = new Map(stepRuns.map((stepRun) => [stepRun.stepId, stepRun]));
    const stepViews = steps.map((step) => toStepView(step, stateOf.get(step.stepId)));
    return {
      plan_id: plan.id,
      briefing_id: plan.briefingId,
      source: plan.source,
      business_name: plan.businessName,
      business_type: plan.businessType,
      status: plan.status,
      steps_total: steps.length,
      steps_completed: stepViews.filter((step) => step.status === 'completed').length,
      plan_hash: plan.planHash,
      created_at: plan.createdAt.toISOString(),
      dry_run: plan.dryRun,
      auto_rollback: plan.autoRollback,
      steps: stepViews,
      risk_assessment: plan.riskAssessment,
      // Only a graph plan has these; leaving them out of a briefing plan keeps its content (and hash) as it was.
      ...(plan.source === 'graph' ? { graph_spec: graphSpecOf(plan) ?? undefined, stop_on_first_error: plan.stopOnFirstError } : {}),
      run: run ? toRunView(run, stepViews, plan.source) : null,
      ...(this.review ? await reviewOf(manager, plan, this.review.planMinApprovals) : {}),
    };
  }
}

async function reviewOf(manager: EntityManager, plan: PlanEntity, planMinApprovals: number): Promise<PlanReview> {
  // Prefixes and names only, scoped to the plan's tenant: a key is never shown by its hash.
  const [creator]: { prefix: string; name: string }[] = plan.createdByKeyId
    ? await manager.query('SELECT prefix, name FROM api_keys WHERE id = $1 AND tenant_id = $2', [plan.createdByKeyId, plan.tenantId])
    : [];
  const approvals: { id: string; approved_by: string; approver_key_name: string | null; prefix: string | null; note: string | null; created_at: Date; plan_hash: string }[] = await manager.query(
    `SELECT a.id, a.approved_by, a.approver_key_name, k.prefix, a.note, a.created_at, a.plan_hash
       FROM plan_approvals a LEFT JOIN api_keys k ON k.id = a.approver_key_id AND k.tenant_id = a.tenant_id
      WHERE a.plan_id = $1 AND a.tenant_id = $2
      ORDER BY a.created_at, a.id`,
    [plan.id, plan.tenantId],
  );
  return {
    created_by: plan.createdByKeyId ? { key_prefix: creator?.prefix ?? null, key_name: creator?.name ?? null } : null,
    approvals_required: APPROVAL_RISK_LEVELS.has(plan.riskAssessment.overall_risk_level) ? planMinApprovals : 0,
    approvals: approvals.map((approval) => ({
      approval_id: approval.id,
      approved_by: approval.approved_by,
      key_prefix: approval.prefix,
      key_name: approval.approver_key_name,
      approved_at: new Date(approval.created_at).toISOString(),
      note: approval.note,
      current: approval.plan_hash === plan.planHash,
    })),
  };
}

function toStepView(step: PlanStepEntity, state: StepRunEntity | undefined): StepView {
  return {
    step_id: step.stepId,
    sequence: step.sequence,
    name: step.name,
    description: step.description,
    executor: step.executor,
    action: step.action,
    template_id: step.templateId,
    parameters: step.parameters,
    depends_on: step.dependsOn,
    status: state?.status ?? 'pending',
    rollback_possible: step.rollbackPossible,
    rollback_steps: step.rollbackSteps,
    mode: state?.dryRun === null || state?.dryRun === undefined ? null : state.dryRun ? 'dry_run' : 'live',
    dry_run_reason: state?.dryRun ? (state.dryRunReason ?? null) : null,
    started_at: state?.startedAt?.toISOString() ?? null,
    finished_at: state?.finishedAt?.toISOString() ?? null,
    result: state?.result ?? null,
    error: state?.error ?? null,
  };
}

/** The reason every step of an all-dry run gives; also what step runs stored before reasons were kept show. */
export function planDryRunReason(source: PlanEntity['source']): string {
  return source === 'graph' ? 'the execution graph ran as a dry run (POST /api/pipeline/dry-run, or dry_run: true)' : 'the briefing asked for a dry run (dry_run: true)';
}

function toRunView(run: RunEntity, steps: StepView[], source: PlanEntity['source']): RunView {
  return {
    run_id: run.id,
    status: run.status,
    dry_run: run.dryRun,
    dry_run_steps: steps
      .filter((step) => step.mode === 'dry_run')
      .map((step) => ({ step_id: step.step_id, name: step.name, reason: step.dry_run_reason ?? planDryRunReason(source) })),
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    context: run.context,
  };
}

/** The hash of a stored plan's content as it is now; differs from `plan_hash` if rows were changed after planning. */
export function currentContentHash(view: PlanView): string {
  const content: PlanContent = PlanContentSchema.parse(view);
  return planHash(content);
}
