/** A node of any dependency graph: plan steps, execution graph nodes. */
export interface DagNode {
  id: string;
  dependsOn: readonly string[];
}

export type DagProblem =
  | { kind: 'duplicate_node'; node: string; message: string }
  | { kind: 'missing_dependency'; node: string; missing: string; message: string }
  | { kind: 'cycle'; nodes: string[]; message: string };

export type DagOutcome = { ok: true; order: string[] } | { ok: false; problems: DagProblem[] };

/**
 * Seed 001 S8.2 graph validation: a topological order by Kahn's algorithm, ties
 * broken by input order so the result is deterministic. Every problem is named:
 * a dependency on a missing node names both, a cycle names the nodes in it.
 */
export function topologicalOrder(nodes: readonly DagNode[]): DagOutcome {
  const problems: DagProblem[] = [];
  const ids = new Set<string>();
  for (const node of nodes) {
    if (ids.has(node.id)) problems.push({ kind: 'duplicate_node', node: node.id, message: `node ${node.id} appears more than once` });
    ids.add(node.id);
  }
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!ids.has(dep)) problems.push({ kind: 'missing_dependency', node: node.id, missing: dep, message: `node ${node.id} depends on ${dep}, which does not exist` });
    }
  }
  if (problems.length) return { ok: false, problems };

  const indegree = new Map(nodes.map((node) => [node.id, new Set(node.dependsOn).size]));
  const dependents = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  for (const node of nodes) for (const dep of new Set(node.dependsOn)) dependents.get(dep)!.push(node.id);
  const queue = nodes.filter((node) => indegree.get(node.id) === 0).map((node) => node.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const next of dependents.get(id)!) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  if (order.length === nodes.length) return { ok: true, order };
  const cycle = findCycle(nodes.filter((node) => indegree.get(node.id)! > 0));
  return { ok: false, problems: [{ kind: 'cycle', nodes: cycle, message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}` }] };
}

/** Walks dependencies among the nodes Kahn could not order until a node repeats: that loop is a cycle. */
function findCycle(stuck: readonly DagNode[]): string[] {
  const byId = new Map(stuck.map((node) => [node.id, node]));
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  let current = stuck[0].id;
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = byId.get(current)!.dependsOn.find((dep) => byId.has(dep))!;
  }
  return path.slice(seenAt.get(current)).reverse();
}
