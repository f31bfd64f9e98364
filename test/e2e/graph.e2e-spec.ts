import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

type Node = { node_id: string; node_type: string; depends_on?: string[]; executor_params: Record<string, unknown>; critical?: boolean };

/** Seed 001 graph: website.generate → website.deploy → dns.configure, odoo.install_modules → odoo.create_users, validation.run last. Listed out of order on purpose. */
function businessGraph(graphId: string, domain: string, extra: object = {}) {
  const nodes: Node[] = [
    { node_id: 'validate', node_type: 'validation.run', depends_on: ['dns', 'users'], executor_params: { checks: ['website_http_200', 'dns_answer', 'odoo_login'], domain } },
    { node_id: 'users', node_type: 'odoo.create_users', depends_on: ['modules'], executor_params: { users: [{ name: 'Ada Admin', email: `admin@${domain}`, role: 'admin' }] } },
    { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain, records: ['A', 'www CNAME'], ttl: 3600 } },
    { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain } },
    { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Graph Works GmbH', domain, pages: ['home', 'contact'], primary_color: '#1e40af' } },
    { node_id: 'modules', node_type: 'odoo.install_modules', executor_params: { modules: ['crm', 'invoicing'] } },
  ];
  return { graph_id: graphId, business_intent_id: `intent_${graphId}`, nodes, ...extra };
}

/**
 * A graph where one node fails deterministically in a dry run: `check` asks to
 * validate an integration no node sets up (validation.run refuses, permanently).
 * `users` depends on it, `final` on users; the website branch is independent.
 */
function failingGraph(graphId: string, domain: string, extra: object = {}, check: Partial<Node> = {}) {
  const nodes: Node[] = [
    { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Failing Works GmbH', domain, pages: ['home'], primary_color: '#1e40af' } },
    { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain } },
    { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain } },
    { node_id: 'modules', node_type: 'odoo.install_modules', executor_params: { modules: ['crm'] } },
    { node_id: 'check', node_type: 'validation.run', depends_on: ['modules'], executor_params: { checks: ['integration_roundtrip'] }, ...check },
    { node_id: 'users', node_type: 'odoo.create_users', depends_on: ['check'], executor_params: { users: [{ name: 'Bo User', email: `bo@${domain}` }] } },
    { node_id: 'final', node_type: 'validation.run', depends_on: ['dns', 'users'], executor_params: { checks: ['dns_answer'], domain } },
  ];
  return { graph_id: graphId, business_intent_id: `intent_${graphId}`, nodes, ...extra };
}

describe('seed 001 graph API end to end (gateway + workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  const call = async (base: () => RunningSystem, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base().url}${path}`, {
      method,
      headers: { ...authHeaders(base(), roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? (JSON.parse(raw.toString()) as any) : undefined, raw, headers: response.headers };
  };
  const api = (method: string, path: string, body?: unknown) => call(() => system, method, path, body);
  const auditOf = async (planId: string) => (await api('GET', `/api/sovereign/audit/events?plan_id=${planId}&limit=1000`)).body.events as any[];
  const plansNamed = async (graphId: string) => (await system.runtime.dataSource.query('SELECT count(*)::int AS n FROM plans WHERE business_name = $1', [graphId]))[0].n;

  beforeAll(async () => {
    system = await startTestSystem('graph');
  });
  afterAll(() => system?.stop());

  it('dry-runs a multi-node graph in dependency order and answers with the seed result, a verifiable evidence pack and a dry-run report', async () => {
    const spec = businessGraph('graph-ok', 'graph-ok.example', { dry_run: false });
    const { status, body } = await api('POST', '/api/pipeline/dry-run', spec);
    expect(status).toBe(200);
    const { execution_result: result, evidence_pack: pack, dry_run_report: report } = body;

    // dry_run is forced, whatever the spec says.
    expect(result).toMatchObject({ graph_id: 'graph-ok', status: 'completed', dry_run: true, failed_nodes: [], skipped_nodes: [], rolled_back_nodes: [] });
    expect(result.plan_id).toMatch(/^plan_[0-9a-f]{12}$/);
    expect(result.run_id).toMatch(/^run_[0-9a-f]{12}$/);
    expect([...result.execution_order].sort()).toEqual(['deploy', 'dns', 'generate', 'modules', 'users', 'validate']);
    for (const node of spec.nodes) {
      for (const dep of node.depends_on ?? []) expect(result.execution_order.indexOf(dep)).toBeLessThan(result.execution_order.indexOf(node.node_id));
    }
    expect([...result.completed_nodes].sort()).toEqual([...result.execution_order].sort());
    for (const nodeId of result.execution_order) {
      expect(result.node_results[nodeId]).toMatchObject({ status: 'completed', result: { mode: 'dry_run' }, duration_ms: expect.any(Number) });
    }
    expect(Date.parse(result.finished_at) - Date.parse(result.started_at)).toBe(result.duration_ms);

    // Each node ran only after what it depends on had completed.
    const events = await auditOf(result.plan_id);
    const at = (type: string, nodeId: string) => events.findIndex((e) => e.event_type === type && e.metadata.node_id === nodeId);
    for (const node of spec.nodes) {
      for (const dep of node.depends_on ?? []) expect(at('pipeline.node_completed', dep)).toBeLessThan(at('pipeline.node_started', node.node_id));
    }
    const types = events.map((e) => e.event_type);
    expect(types.slice(0, 2)).toEqual(['pipeline.graph_started', 'pipeline.dry_run_started']);
    expect(types.slice(-2)).toEqual(['pipeline.graph_completed', 'pipeline.dry_run_completed']);
    expect(types.filter((t) => t === 'pipeline.node_started')).toHaveLength(6);
    expect(types.filter((t) => t === 'pipeline.node_completed')).toHaveLength(6);
    expect(types.some((t) => t.startsWith('factory.'))).toBe(false);
    expect((await api('GET', `/api/v1/audit/verify?plan_id=${result.plan_id}`)).body).toMatchObject({ valid: true, first_broken: null });

    // The evidence pack: seed S8.6 shape, the run's audit events, and a content hash that verifies until a field changes.
    // The only file a dry run leaves is the generate step's preview of the home page.
    expect(pack).toMatchObject({ business_intent_id: 'intent_graph-ok', graph_id: 'graph-ok', is_dry_run: true, artifacts: [expect.stringMatching(/^step_[0-9a-f]+\/preview\/index\.html$/)], execution_result: result });
    expect(pack.graph_spec).toMatchObject({ graph_id: 'graph-ok', dry_run: true });
    expect(pack.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.audit_events.map((e: any) => e.event_type)).toEqual(types);
    expect(pack.summary).toMatchObject({ status: 'completed', total_nodes: 6, completed_nodes: 6, failed_nodes: 0 });
    const verified = await api('POST', '/api/pipeline/evidence/verify', pack);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ valid: true, expected_hash: pack.content_hash, computed_hash: pack.content_hash });
    for (const tampered of [
      { ...pack, summary: { ...pack.summary, completed_nodes: 5 } },
      { ...pack, graph_id: 'graph-other' },
      { ...pack, execution_result: { ...pack.execution_result, failed_nodes: ['dns'] } },
    ]) {
      const outcome = (await api('POST', '/api/pipeline/evidence/verify', tampered)).body;
      expect(outcome).toMatchObject({ valid: false, expected_hash: pack.content_hash });
      expect(outcome.computed_hash).not.toBe(pack.content_hash);
    }
    const bad = await api('POST', '/api/pipeline/evidence/verify', { ...pack, content_hash: undefined, is_dry_run: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.path).sort()).toEqual(['content_hash', 'is_dry_run']);

    // The dry-run report says what each node would change.
    expect(report.totals).toEqual({ nodes: 6, completed: 6, failed: 0, skipped: 0, would_change: 6 });
    expect(report.nodes.find((n: any) => n.node_id === 'generate').would).toMatch(/^write \d+ file\(s\) rendered from modern_landing_v1/);

    // The same result later, from the stored run.
    const again = await api('GET', `/api/v1/graphs/${result.plan_id}/result`);
    expect(again.status).toBe(200);
    expect(again.body.evidence_pack.content_hash).toBe(pack.content_hash);
    expect((await api('GET', '/api/v1/graphs/plan_000000000000/result')).status).toBe(404);

    // The signed ZIP evidence pack works for graph plans: the graph spec and result instead of a briefing.
    const zip = await eventually(async () => {
      const response = await api('GET', `/api/factory/${result.plan_id}/evidence`);
      return response.status === 200 && response.headers.get('x-evidence-signed') === 'true' ? response : undefined;
    });
    const dir = mkdtempSync(join(tmpdir(), 'bf-graph-evidence-'));
    writeFileSync(join(dir, 'pack.zip'), zip.raw);
    execFileSync('unzip', ['-q', 'pack.zip', '-d', 'unpacked'], { cwd: dir });
    const checked = execFileSync('sha256sum', ['-c', 'verification_checksums.txt'], { cwd: join(dir, 'unpacked') }).toString();
    expect(checked).toMatch(/graph_spec\.json: OK/);
    expect(checked).toMatch(/execution_result\.json: OK/);
    expect(checked).not.toMatch(/briefing\.json/);
    expect(JSON.parse(readFileSync(join(dir, 'unpacked/execution_result.json'), 'utf8'))).toEqual(result);
    const plan = JSON.parse(readFileSync(join(dir, 'unpacked/plan.json'), 'utf8'));
    expect(plan).toMatchObject({ plan_id: result.plan_id, source: 'graph', briefing_id: null, business_type: null, stop_on_first_error: true });
  });

  it('refuses a cycle, a missing dependency or bad executor_params with 422 naming the nodes, and records nothing', async () => {
    const cyclic = businessGraph('graph-cycle', 'graph-cycle.example');
    cyclic.nodes.find((n) => n.node_id === 'generate')!.depends_on = ['dns'];
    const cycle = await api('POST', '/api/pipeline/dry-run', cyclic);
    expect(cycle.status).toBe(422);
    expect(cycle.body.message).toMatch(/dependency cycle: /);
    for (const nodeId of ['generate', 'deploy', 'dns']) expect(cycle.body.message).toContain(nodeId);
    expect(cycle.body.details).toEqual([{ path: 'nodes', message: expect.stringMatching(/dependency cycle/) }]);

    const broken = businessGraph('graph-broken', 'graph-broken.example');
    broken.nodes.find((n) => n.node_id === 'deploy')!.depends_on = ['nowhere'];
    broken.nodes.find((n) => n.node_id === 'dns')!.executor_params = { domain: 'not a domain' };
    const missing = await api('POST', '/api/pipeline/execute', broken);
    expect(missing.status).toBe(422);
    expect(missing.body.details.map((d: any) => d.path).sort()).toEqual(['nodes.2.executor_params.domain', 'nodes.3.depends_on']);
    expect(missing.body.message).toContain('node deploy depends on nowhere, which does not exist');
    expect(await plansNamed('graph-cycle')).toBe(0);
    expect(await plansNamed('graph-broken')).toBe(0);
  });

  it('answers 400 with every bad field by path for a spec that does not match the schema, never a 500', async () => {
    const bad = await api('POST', '/api/pipeline/dry-run', { graph_id: 'bad id!', nodes: [{ node_id: 'a', node_type: 'website.teleport', executor_params: {} }, { node_type: 'dns.configure', surplus: 1 }], dry_run: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.path).sort()).toEqual(['business_intent_id', 'dry_run', 'graph_id', 'nodes.0.node_type', 'nodes.1', 'nodes.1.node_id']);
    expect(bad.body.details.find((d: any) => d.path === 'nodes.1').message).toBe('unknown field(s): surplus');
    expect((await api('POST', '/api/pipeline/dry-run', '{"graph_id": ')).status).toBe(400);
    expect((await api('POST', '/api/pipeline/execute', { graph_id: 'g', business_intent_id: 'i', nodes: [] })).body.details).toEqual([{ path: 'nodes', message: expect.any(String) }]);
  });

  it('refuses a live run with 422 listing every preflight reason, and records no plan and no run', async () => {
    const refused = await api('POST', '/api/pipeline/execute', businessGraph('graph-live', 'graph-live.example', { dry_run: true }));
    expect(refused.status).toBe(422);
    const failed = refused.body.details.preflight.checks.filter((c: any) => !c.passed).map((c: any) => c.check);
    // Every node has a live mode; its Odoo nodes need an Odoo, which this system has none of.
    expect(failed).toEqual(['odoo']);
    expect(refused.body.message).toMatch(/^preflight failed: /);
    expect(refused.body.message).toContain('Odoo is not configured');
    expect(await plansNamed('graph-live')).toBe(0);
  });

  it('with stop_on_first_error false: the independent branch completes, dependents of the failed node are skipped, the graph fails and auto_rollback compensates', async () => {
    const { status, body } = await api('POST', '/api/pipeline/dry-run', failingGraph('graph-continue', 'graph-continue.example', { stop_on_first_error: false }));
    expect(status).toBe(200);
    const result = body.execution_result;
    expect(result).toMatchObject({ status: 'rolled_back', failed_nodes: ['check'], skipped_nodes: ['users', 'final'] });
    expect([...result.completed_nodes].sort()).toEqual(['deploy', 'dns', 'generate', 'modules']);
    expect([...result.rolled_back_nodes].sort()).toEqual(['deploy', 'dns', 'generate', 'modules']);
    expect(result.node_results.check).toMatchObject({ status: 'failed', error: expect.stringContaining('integration_roundtrip') });
    expect(result.node_results.users).toMatchObject({ status: 'skipped', error: "skipped: depends on failed node 'check'", duration_ms: null });
    expect(result.node_results.final).toMatchObject({ status: 'skipped', error: "skipped: depends on failed node 'check'" });
    // Within one branch, what finished last was undone first.
    expect(result.rolled_back_nodes.indexOf('dns')).toBeLessThan(result.rolled_back_nodes.indexOf('deploy'));
    expect(result.rolled_back_nodes.indexOf('deploy')).toBeLessThan(result.rolled_back_nodes.indexOf('generate'));
    expect(body.dry_run_report.totals).toMatchObject({ nodes: 7, completed: 4, failed: 1, skipped: 2 });

    const plan = (await api('GET', `/api/factory/${result.plan_id}`)).body;
    expect(plan).toMatchObject({ status: 'rolled_back', run: { status: 'failed', error: { message: expect.stringContaining('integration_roundtrip') } } });
    expect(plan.steps.filter((s: any) => s.status === 'skipped').map((s: any) => s.name).sort()).toEqual(['final', 'users']);

    const events = await auditOf(result.plan_id);
    const types = events.map((e) => e.event_type);
    expect(events.filter((e) => e.event_type === 'pipeline.node_failed').map((e) => e.metadata.node_id)).toEqual(['check']);
    expect(events.filter((e) => e.event_type === 'pipeline.node_skipped').map((e) => e.metadata.node_id).sort()).toEqual(['final', 'users']);
    expect(events.filter((e) => e.event_type === 'pipeline.node_skipped').every((e) => e.metadata.failed_node === 'check')).toBe(true);
    expect(events.filter((e) => e.event_type === 'pipeline.node_rollback_started')).toHaveLength(4);
    expect(events.filter((e) => e.event_type === 'pipeline.node_rollback_completed').map((e) => e.metadata.step_id)).toHaveLength(4);
    expect(types.indexOf('pipeline.graph_failed')).toBeGreaterThan(types.lastIndexOf('pipeline.node_completed'));
    expect(types.indexOf('pipeline.graph_failed')).toBeLessThan(types.indexOf('pipeline.graph_rollback_started'));
    expect(types[types.length - 1]).toBe('pipeline.graph_rollback_completed');
    expect(types.some((t) => t.startsWith('factory.'))).toBe(false);
    expect((await api('GET', `/api/v1/audit/verify?plan_id=${result.plan_id}`)).body.valid).toBe(true);
    expect((await api('POST', '/api/pipeline/evidence/verify', body.evidence_pack)).body.valid).toBe(true);
  });

  it('without auto_rollback the failed graph keeps its completed nodes; with stop_on_first_error the rest is skipped', async () => {
    const kept = (await api('POST', '/api/pipeline/dry-run', failingGraph('graph-keep', 'graph-keep.example', { stop_on_first_error: false, auto_rollback: false }))).body.execution_result;
    expect(kept).toMatchObject({ status: 'failed', failed_nodes: ['check'], skipped_nodes: ['users', 'final'], rolled_back_nodes: [] });
    expect([...kept.completed_nodes].sort()).toEqual(['deploy', 'dns', 'generate', 'modules']);
    expect((await auditOf(kept.plan_id)).some((e) => e.event_type.startsWith('pipeline.graph_rollback'))).toBe(false);

    const stopped = (await api('POST', '/api/pipeline/dry-run', failingGraph('graph-stop', 'graph-stop.example', { auto_rollback: false }))).body.execution_result;
    expect(stopped).toMatchObject({ status: 'failed', failed_nodes: ['check'] });
    expect(stopped.skipped_nodes).toEqual(expect.arrayContaining(['users', 'final']));
    expect([...stopped.completed_nodes, ...stopped.failed_nodes, ...stopped.skipped_nodes].sort()).toEqual([...stopped.execution_order].sort());
  });

  it('a failed non-critical node does not fail the graph: it completes, listing the failure and the skipped dependents', async () => {
    const { body } = await api('POST', '/api/pipeline/dry-run', failingGraph('graph-optional', 'graph-optional.example', {}, { critical: false }));
    const result = body.execution_result;
    expect(result).toMatchObject({ status: 'completed', failed_nodes: ['check'], skipped_nodes: ['users', 'final'], rolled_back_nodes: [] });
    expect([...result.completed_nodes].sort()).toEqual(['deploy', 'dns', 'generate', 'modules']);
    const events = await auditOf(result.plan_id);
    expect(events.find((e) => e.event_type === 'pipeline.graph_completed')).toMatchObject({ severity: 'warning', success: true, metadata: { failed_nodes: ['check'] } });
    expect(events.some((e) => e.event_type === 'pipeline.graph_failed')).toBe(false);
  });

  describe('in SAFE_MODE, with a short wait', () => {
    let safe: RunningSystem;
    const safeApi = (method: string, path: string, body?: unknown) => call(() => safe, method, path, body);
    beforeAll(async () => {
      safe = await startTestSystem('graph_safe', { SAFE_MODE: 'true', PLAN_WAIT_MS: '100' });
    });
    afterAll(() => safe?.stop());

    it('blocks live execution with 503 and the seed message, recording nothing', async () => {
      const blocked = await safeApi('POST', '/api/pipeline/execute', businessGraph('graph-safe', 'graph-safe.example'));
      expect(blocked.status).toBe(503);
      expect(blocked.body.message).toBe('Pipeline execution blocked: System in SAFE MODE');
      expect(await plansNamed('graph-safe')).toBe(0);
    });

    it('still dry-runs; a run longer than PLAN_WAIT_MS answers 202 with where to follow it', async () => {
      // A chain of 40 nodes takes 40 hops through the queues: well over 100 ms.
      const nodes = Array.from({ length: 40 }, (_, i) => ({ node_id: `n${i}`, node_type: 'odoo.install_modules', depends_on: i ? [`n${i - 1}`] : [], executor_params: { modules: ['crm'] } }));
      const started = await safeApi('POST', '/api/pipeline/dry-run', { graph_id: 'graph-long', business_intent_id: 'intent_long', nodes });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ graph_id: 'graph-long', status: 'running', links: { result: `/api/v1/graphs/${started.body.plan_id}/result` } });
      const settled = await eventually(async () => {
        const { body } = await safeApi('GET', started.body.links.result);
        return ['running', 'rolling_back'].includes(body.execution_result.status) ? undefined : body;
      }, 30_000);
      expect(settled.execution_result).toMatchObject({ status: 'completed', run_id: started.body.run_id });
      expect(settled.execution_result.execution_order).toEqual(nodes.map((n) => n.node_id));
      expect((await safeApi('POST', '/api/pipeline/evidence/verify', settled.evidence_pack)).body.valid).toBe(true);
    });
  });
});
