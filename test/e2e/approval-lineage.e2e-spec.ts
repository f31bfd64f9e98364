import { RunningSystem } from '../../apps/gateway/src/start-all';
import { BRIEFING_CORPUS } from '../../apps/planner/src/briefing-corpus';
import { authHeaders, testKeys } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const briefingNamed = (prefix: string, domain: string) => {
  const briefing = structuredClone(BRIEFING_CORPUS.find((c) => c.name.startsWith(prefix))!.briefing) as any;
  if (briefing.website_config) briefing.website_config.domain = domain;
  return { ...briefing, dry_run: true };
};

/**
 * Self-approval through a second key: an admin who creates a plan (or requests
 * a forge approval) with one key and issues another key with it, or whose key
 * was issued by the approver's, is one holder with two keys. Such approvals are
 * refused (403) for plans and forge packages; keys issued side by side by the
 * same admin (two people) still approve each other's work.
 */
describe('approvals refuse a key issued by (or issuing) the creator\'s key', () => {
  let system: RunningSystem;
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const raw = await response.text();
    return { status: response.status, raw, body: raw && response.headers.get('content-type')?.includes('json') ? (JSON.parse(raw) as any) : undefined };
  };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const issue = async (name: string, role: string) => {
    const issued = await call('POST', '/api/v1/api-keys', authHeaders(system, 'admin'), { name, role });
    expect(issued.status).toBe(201);
    return { headers: bearer(issued.body.key), id: issued.body.api_key.id as string };
  };

  beforeAll(async () => {
    system = await startTestSystem('approvallineage', { RATE_LIMIT_ENABLED: 'false' });
  });
  afterAll(() => system?.stop());

  it('plans: the creator key\'s own issued key may not approve, nor the key that issued the creator\'s; a sibling may', async () => {
    const planned = await call('POST', '/api/factory/plan', authHeaders(system, 'admin'), briefingNamed('service: website only', 'lineage-one.example'));
    expect(planned.status).toBe(201);
    const minted = await issue('second key of the same admin', 'approver');
    const refused = await call('POST', `/api/v1/plans/${planned.body.plan_id}/approve`, minted.headers, { note: 'looks fine to me' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/issued by the key that created plan/);

    // The other way round: a key the approver issued created the plan.
    const operator = await issue('operator issued by the admin', 'operator');
    const planned2 = await call('POST', '/api/factory/plan', operator.headers, briefingNamed('service: website only', 'lineage-two.example'));
    expect(planned2.status).toBe(201);
    const reverse = await call('POST', `/api/v1/plans/${planned2.body.plan_id}/approve`, authHeaders(system, 'admin'), {});
    expect(reverse.status).toBe(403);

    // Independent keys approve as before: the suite's approver key (issued by no key), and a sibling of the creator.
    expect((await call('POST', `/api/v1/plans/${planned.body.plan_id}/approve`, authHeaders(system, 'approver'), {})).status).toBe(200);
    const sibling = await issue('approver issued by the admin too', 'approver');
    expect((await call('POST', `/api/v1/plans/${planned2.body.plan_id}/approve`, sibling.headers, {})).status).toBe(200);
    const approved: { approver_key_id: string }[] = await system.runtime.dataSource.query('SELECT approver_key_id FROM plan_approvals WHERE plan_id = ANY($1) ORDER BY created_at', [[planned.body.plan_id, planned2.body.plan_id]]);
    expect(approved.map((row) => row.approver_key_id)).toEqual([testKeys(system).idsByRole.approver, sibling.id]);
  });

  it('forge: the key that issued the requester\'s key may not approve its package; a sibling may', async () => {
    const operator = await issue('forge operator issued by the admin', 'operator');
    const created = await call('POST', '/api/v1/forge/jobs', operator.headers, { template: 'wp-contact-form', parameters: { plugin_name: 'Lineage Contact', slug: 'lineage-contact', version: '1.0.0', gateway_url: 'https://factory.example', site_domain: 'lineage.example' } });
    expect(created.status).toBe(201);
    const done = await eventually(async () => {
      const { body } = await call('GET', `/api/v1/forge/jobs/${created.body.job_id}`, authHeaders(system, 'viewer'));
      return ['success', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, 30_000);
    expect({ status: done.status, reason: done.failure_reason }).toEqual({ status: 'success', reason: null });
    const requested = await call('POST', '/api/v1/forge/approvals', operator.headers, { package_id: done.plugin_package_id });
    expect(requested.status).toBe(201);
    const approvalId = requested.body.approval_id;

    const byIssuer = await call('POST', `/api/v1/forge/approvals/${approvalId}/approve`, authHeaders(system, 'admin'), {});
    expect(byIssuer.status).toBe(403);
    expect(byIssuer.body.message).toMatch(/issued by the key that requested/);
    const sibling = await issue('forge approver issued by the admin', 'approver');
    const bySibling = await call('POST', `/api/v1/forge/approvals/${approvalId}/approve`, sibling.headers, {});
    expect(bySibling.status).toBe(200);
    expect(bySibling.body.approvals.map((a: { approver_id: string }) => a.approver_id)).toEqual([sibling.id]);
  }, 60_000);
});
