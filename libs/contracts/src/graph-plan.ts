import { sha256Hex } from './canonical-json';
import { ExecutionGraphSpec } from './graph.schema';
import { ExecutionStep, PlanContent, RiskAssessment } from './plan.schema';
import { ACTION_EXECUTOR, ACTION_ROLLBACK } from './step-actions';
import { estimateCredits } from './credit-prices';
import { STEP_PARAMETER_SCHEMAS } from './step-parameters';

/**
 * Seed 001 ExecutionGraphSpec → plan content, so a graph runs on the same engine
 * as a planned briefing. One step per node, in the given topological order
 * (sequence = position, 1-based); the step's name is the node id, its parameters
 * the node's executor_params as its action's schema reads them (defaults and
 * derived fields filled in, as the planner writes them: executors rely on that),
 * its executor and rollback flags those of its action. The spec must have passed
 * validateExecutionGraph, and `order` is its answer; the spec itself is kept as given.
 */
export function graphPlanContent(spec: ExecutionGraphSpec, order: readonly string[], newStepId: () => string): PlanContent {
  const nodes = new Map(spec.nodes.map((node) => [node.node_id, node]));
  const ids = new Map(order.map((nodeId) => [nodeId, newStepId()]));
  const steps: ExecutionStep[] = order.map((nodeId, index) => {
    const node = nodes.get(nodeId)!;
    return {
      step_id: ids.get(nodeId)!,
      sequence: index + 1,
      name: node.node_id,
      description: `Graph ${spec.graph_id} node ${node.node_id}: ${node.node_type}${node.critical ? '' : ' (not critical)'}`,
      executor: ACTION_EXECUTOR[node.node_type],
      action: node.node_type,
      template_id: null,
      parameters: STEP_PARAMETER_SCHEMAS[node.node_type].parse(node.executor_params) as Record<string, unknown>,
      depends_on: [...new Set(node.depends_on)].map((dep) => ids.get(dep)!),
      status: 'pending',
      ...ACTION_ROLLBACK[node.node_type],
    };
  });
  return {
    business_name: spec.graph_id,
    business_type: null,
    dry_run: spec.dry_run,
    auto_rollback: spec.auto_rollback,
    steps,
    risk_assessment: { ...graphRiskAssessment(spec), estimated_credits: estimateCredits(steps.map((step) => ({ action: step.action, dryRun: spec.dry_run }))) },
    graph_spec: spec,
    stop_on_first_error: spec.stop_on_first_error,
  };
}

/**
 * A graph comes with no briefing, so the planner's briefing rules do not apply;
 * what is known is said plainly. Deterministic, so the plan hash is stable.
 */
function graphRiskAssessment(spec: ExecutionGraphSpec): RiskAssessment {
  const risks: RiskAssessment['risks'] = spec.dry_run
    ? []
    : [
        {
          risk_id: `risk_${sha256Hex('graph_unreviewed_live').slice(0, 8)}`,
          description: 'A client-supplied execution graph runs live without the planner reviewing a briefing',
          severity: 'medium',
          probability: 'medium',
          impact: 'Changes are applied exactly as the graph says, without the briefing risk rules',
          mitigation: 'Dry-run the same graph first (POST /api/pipeline/dry-run) and read its dry_run_report',
        },
      ];
  return {
    overall_risk_level: 'low',
    risks,
    estimated_duration_minutes: 0,
    estimated_cost_euros: 0,
    recommendations: [
      'Client-supplied execution graph (seed 001): not risk-assessed from a briefing.',
      ...(spec.dry_run ? ['ℹ️  dry_run is set: nodes describe what they would do and change nothing.'] : []),
    ],
  };
}
