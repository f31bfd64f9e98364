import { z } from 'zod';
import { BusinessTypeSchema } from './briefing.schema';

/** Executors as seed 000 names them on plan steps. Which queue runs each is in the job catalogue. */
export const EXECUTORS = ['webgen', 'dns', 'odoo', 'integration', 'validation'] as const;
export const ExecutorSchema = z.enum(EXECUTORS);
export type Executor = z.infer<typeof ExecutorSchema>;

/** What a step does; also the BullMQ job name that performs it. */
export const STEP_ACTIONS = [
  'website.generate',
  'website.deploy',
  'dns.configure',
  'odoo.install_modules',
  'odoo.create_users',
  'odoo.configure_fiscal',
  'odoo.install_custom_module',
  'integration.configure',
  'validation.run',
] as const;
export const StepActionSchema = z.enum(STEP_ACTIONS);
export type StepAction = z.infer<typeof StepActionSchema>;

export const STEP_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped', 'rolled_back'] as const;
export const StepStatusSchema = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** Where a plan came from: the planner (seed 000 briefing) or a client-supplied execution graph (seed 001). Stored; never renamed. */
export const PLAN_SOURCES = ['briefing', 'graph'] as const;
export const PlanSourceSchema = z.enum(PLAN_SOURCES);
export type PlanSource = z.infer<typeof PlanSourceSchema>;

export const PLAN_STATUSES = [
  'draft',
  'approved',
  'executing',
  'completed',
  'failed',
  'cancelled',
  'rolled_back',
  'partially_rolled_back',
] as const;
export const PlanStatusSchema = z.enum(PLAN_STATUSES);
export type PlanStatus = z.infer<typeof PlanStatusSchema>;

export const RollbackStepSchema = z.object({
  action: z.string(),
  reason: z.string(),
});
export type RollbackStep = z.infer<typeof RollbackStepSchema>;

/** Seed 000 ExecutionStep. `action` is ours: the job that performs the step. */
export const ExecutionStepSchema = z.object({
  step_id: z.string(),
  sequence: z.number().int().min(1),
  name: z.string(),
  description: z.string(),
  executor: ExecutorSchema,
  action: StepActionSchema,
  template_id: z.string().nullable(),
  parameters: z.record(z.unknown()),
  depends_on: z.array(z.string()),
  status: StepStatusSchema,
  rollback_possible: z.boolean(),
  rollback_steps: z.array(RollbackStepSchema),
});
export type ExecutionStep = z.infer<typeof ExecutionStepSchema>;

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const RiskSchema = z.object({
  risk_id: z.string(),
  description: z.string(),
  severity: RiskLevelSchema,
  probability: z.enum(['low', 'medium', 'high']),
  impact: z.string(),
  mitigation: z.string(),
});
export type Risk = z.infer<typeof RiskSchema>;

/** Seed 000 risk_assessment. */
export const RiskAssessmentSchema = z.object({
  overall_risk_level: RiskLevelSchema,
  risks: z.array(RiskSchema),
  estimated_duration_minutes: z.number().int().min(0),
  estimated_cost_euros: z.number().min(0),
  /** Credits a live execution of this plan reserves (the price table in credit-prices.ts; 0 for a dry run). Absent in plans made before credits. */
  estimated_credits: z.number().int().min(0).optional(),
  recommendations: z.array(z.string()),
});
export type RiskAssessment = z.infer<typeof RiskAssessmentSchema>;

/**
 * The planner's output before ids and status are attached: this content is what the plan hash covers.
 * A graph plan (seed 001) has no business type, and adds the graph it was made from and its
 * stop_on_first_error policy; a briefing plan leaves both out, so its hash is what it always was.
 */
export const PlanContentSchema = z.object({
  business_name: z.string(),
  business_type: BusinessTypeSchema.nullable(),
  dry_run: z.boolean(),
  auto_rollback: z.boolean(),
  steps: z.array(ExecutionStepSchema),
  risk_assessment: RiskAssessmentSchema,
  /** The ExecutionGraphSpec a graph plan was made from (kept as given: per-node `critical` lives here). */
  graph_spec: z.record(z.unknown()).optional(),
  stop_on_first_error: z.boolean().optional(),
});
export type PlanContent = z.infer<typeof PlanContentSchema>;

/** Seed 000 BusinessPlan as the API returns it. */
export const PlanSchema = PlanContentSchema.extend({
  plan_id: z.string(),
  /** Null for a graph plan. */
  briefing_id: z.string().nullable(),
  source: PlanSourceSchema,
  status: PlanStatusSchema,
  steps_total: z.number().int(),
  plan_hash: z.string(),
  created_at: z.string(),
});
export type Plan = z.infer<typeof PlanSchema>;

/**
 * Step actions that can run live in this version. A live run (briefing
 * `dry_run: false`) that needs any other action is refused before it starts,
 * with this reason, rather than failing half-way.
 */
export const LIVE_CAPABLE_ACTIONS: readonly StepAction[] = ['website.generate', 'website.deploy', 'dns.configure', 'odoo.install_modules', 'odoo.create_users', 'odoo.configure_fiscal', 'odoo.install_custom_module', 'integration.configure', 'validation.run'];

export function liveUnavailableReason(action: StepAction): string | null {
  return LIVE_CAPABLE_ACTIONS.includes(action)
    ? null
    : `live execution of ${action} is not available in this version; plan with dry_run: true`;
}
