import { ExecutionGraphSpecSchema } from './graph.schema';
import { validateExecutionGraph } from './graph-validation';
import { graphPlanContent } from './graph-plan';
import { planHash } from './plan-hash';
import { ACTION_ROLLBACK } from './step-actions';

const SPEC = ExecutionGraphSpecSchema.parse({
  graph_id: 'g1',
  business_intent_id: 'intent_1',
  nodes: [
    { node_id: 'check', node_type: 'validation.run', depends_on: ['dns', 'modules'], executor_params: { checks: ['dns_answer'] } },
    { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain: 'g1.example' } },
    { node_id: 'modules', node_type: 'odoo.install_modules', executor_params: { modules: ['crm'] }, critical: false },
    { node_id: 'gen', node_type: 'website.generate', executor_params: { business_name: 'G1', domain: 'g1.example', pages: ['home'], primary_color: '#112233' } },
    { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['gen'], executor_params: { domain: 'g1.example' } },
  ],
});

describe('graphPlanContent', () => {
  const order = (() => {
    const outcome = validateExecutionGraph(SPEC);
    if (!outcome.ok) throw new Error('fixture graph is invalid');
    return outcome.order;
  })();
  let n = 0;
  const content = graphPlanContent(SPEC, order, () => `step_${String(++n).padStart(12, '0')}`);

  it('makes one step per node in topological order, named by node id, with its executor, parameters and rollback flags', () => {
    expect(content.steps.map((step) => [step.sequence, step.name, step.executor])).toEqual([
      [1, 'modules', 'odoo'],
      [2, 'gen', 'webgen'],
      [3, 'deploy', 'webgen'],
      [4, 'dns', 'dns'],
      [5, 'check', 'validation'],
    ]);
    const byName = new Map(content.steps.map((step) => [step.name, step]));
    expect(byName.get('check')!.depends_on).toEqual([byName.get('dns')!.step_id, byName.get('modules')!.step_id]);
    // Parameters as the action's schema reads them, as the planner writes them (executors rely on the derived fields).
    expect(byName.get('dns')!.parameters).toEqual({ domain: 'g1.example', records: ['A', 'www CNAME'], force: false });
    expect(byName.get('modules')!.parameters).toEqual({ modules: ['crm'], technical_names: ['crm'], enterprise_only: [] });
    expect(byName.get('deploy')).toMatchObject({ rollback_possible: true, rollback_steps: ACTION_ROLLBACK['website.deploy'].rollback_steps, template_id: null, status: 'pending' });
  });

  it('keeps the graph and its policy in the hashed content, and hashes the same graph the same whatever the step ids', () => {
    expect(content).toMatchObject({ business_name: 'g1', business_type: null, dry_run: true, auto_rollback: true, stop_on_first_error: true, graph_spec: SPEC });
    const again = graphPlanContent(SPEC, order, () => `step_${Math.random().toString(16).slice(2, 14)}`);
    expect(planHash(again)).toBe(planHash(content));
    const lenient = graphPlanContent({ ...SPEC, stop_on_first_error: false }, order, () => `step_${Math.random().toString(16).slice(2, 14)}`);
    expect(planHash(lenient)).not.toBe(planHash(content));
  });
});
