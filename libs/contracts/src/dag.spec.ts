import { topologicalOrder } from './dag';
import { validateExecutionGraph } from './graph-validation';
import { ExecutionGraphSpecSchema } from './graph.schema';

const node = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });

describe('topologicalOrder', () => {
  it('orders dependencies first, ties in input order (deterministic)', () => {
    expect(topologicalOrder([node('c', 'a', 'b'), node('a'), node('b', 'a'), node('d')])).toEqual({ ok: true, order: ['a', 'd', 'b', 'c'] });
  });

  it('rejects a cycle, naming the nodes in it', () => {
    const outcome = topologicalOrder([node('a'), node('b', 'a', 'd'), node('c', 'b'), node('d', 'c')]);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.problems).toHaveLength(1);
      expect(outcome.problems[0]).toMatchObject({ kind: 'cycle' });
      expect(outcome.problems[0].kind === 'cycle' && [...outcome.problems[0].nodes].sort()).toEqual(['b', 'c', 'd']);
      expect(outcome.problems[0].message).toMatch(/dependency cycle: .*b.*c.*d|dependency cycle: .*/);
    }
  });

  it('rejects a self-dependency as a cycle', () => {
    const outcome = topologicalOrder([node('a', 'a')]);
    expect(outcome).toEqual({ ok: false, problems: [{ kind: 'cycle', nodes: ['a'], message: 'dependency cycle: a -> a' }] });
  });

  it('rejects a dependency on a missing node, naming both', () => {
    expect(topologicalOrder([node('a'), node('b', 'ghost')])).toEqual({
      ok: false,
      problems: [{ kind: 'missing_dependency', node: 'b', missing: 'ghost', message: 'node b depends on ghost, which does not exist' }],
    });
  });

  it('rejects duplicate node ids', () => {
    const outcome = topologicalOrder([node('a'), node('a')]);
    expect(outcome.ok === false && outcome.problems[0].kind).toBe('duplicate_node');
  });
});

describe('validateExecutionGraph', () => {
  const spec = (nodes: object[]) => ExecutionGraphSpecSchema.parse({ graph_id: 'g1', business_intent_id: 'intent_1', nodes });

  it('accepts a valid graph and returns its execution order', () => {
    const outcome = validateExecutionGraph(
      spec([
        { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain: 'acme.example' } },
        { node_id: 'deploy', node_type: 'website.deploy', executor_params: { domain: 'acme.example' } },
      ]),
    );
    expect(outcome).toEqual({ ok: true, order: ['deploy', 'dns'] });
  });

  it("names each node whose parameters do not satisfy its executor's schema", () => {
    const outcome = validateExecutionGraph(
      spec([
        { node_id: 'deploy', node_type: 'website.deploy', executor_params: { domain: 'not a domain' } },
        { node_id: 'erp', node_type: 'odoo.install_modules', executor_params: { modules: ['crm', 'astrology'] } },
      ]),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((error) => error.path)).toEqual(['nodes.0.executor_params.domain', 'nodes.1.executor_params.modules.1']);
  });
});
