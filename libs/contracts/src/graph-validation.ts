import { topologicalOrder } from './dag';
import { ExecutionGraphSpec } from './graph.schema';
import { STEP_PARAMETER_SCHEMAS } from './step-parameters';
import { FieldError } from './validation';

export type GraphValidation = { ok: true; order: string[] } | { ok: false; errors: FieldError[] };

/**
 * Seed 001 S8.2 validation of a client-supplied execution graph, before anything
 * runs: every node's parameters satisfy its executor's schema, and the graph is a
 * DAG (Kahn). Each error names the node by path.
 */
export function validateExecutionGraph(spec: ExecutionGraphSpec): GraphValidation {
  const errors: FieldError[] = [];
  spec.nodes.forEach((node, index) => {
    const parsed = STEP_PARAMETER_SCHEMAS[node.node_type].safeParse(node.executor_params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ path: ['nodes', index, 'executor_params', ...issue.path].join('.'), message: issue.message });
      }
    }
  });
  const outcome = topologicalOrder(spec.nodes.map((node) => ({ id: node.node_id, dependsOn: node.depends_on })));
  if (!outcome.ok) {
    for (const problem of outcome.problems) {
      const index = spec.nodes.findIndex((node) => node.node_id === (problem.kind === 'cycle' ? problem.nodes[0] : problem.node));
      errors.push({ path: problem.kind === 'missing_dependency' ? `nodes.${index}.depends_on` : 'nodes', message: problem.message });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, order: outcome.ok ? outcome.order : [] };
}
