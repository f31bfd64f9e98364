import { DataSource } from 'typeorm';
import { PlanContentSchema, planHash } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { BRIEFING_CORPUS } from '../../apps/planner/src/briefing-corpus';
import { authHeaders } from '../support/auth';
import { startTestSystem } from '../support/system';

const briefingNamed = (prefix: string, domain: string) => {
  const { briefing } = BRIEFING_CORPUS.find((c) => c.name.startsWith(prefix))!;
  return { ...briefing, dry_run: true, website_config: briefing.website_config ? { ...briefing.website_config, domain } : undefined };
};

/**
 * GET /api/factory/{plan_id} shows the review: the creating key, each approval
 * (key prefix and name, time, note) and how many approvals the plan needs, by
 * key prefix and name only; the plan hash stays the hash of the planned content.
 */
describe('the plan view shows who created and approved the plan', () => {
  let system: RunningSystem;
  let dataSource: DataSource;
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const raw = await response.text();
    return { status: response.status, raw, body: raw ? JSON.parse(raw) : undefined };
  };
  const keyOf = async (headers: Record<string, string>) => {
    const [row] = await dataSource.query('SELECT id, prefix, name, key_hash FROM api_keys WHERE prefix = $1', [headers.authorization.slice('Bearer '.length, 'Bearer '.length + 12)]);
    return row as { id: string; prefix: string; name: string; key_hash: string };
  };

  beforeAll(async () => {
    system = await startTestSystem('planreview', { PLAN_MIN_APPROVALS: '2', RATE_LIMIT_ENABLED: 'false' });
    dataSource = system.runtime.dataSource;
  });
  afterAll(() => system?.stop());

  it('creator, approvals with key prefix, name, time and note, and the number required; no key secret; hash unchanged', async () => {
    const operator = authHeaders(system, 'operator');
    const planned = await call('POST', '/api/factory/plan', operator, briefingNamed('ecommerce: shop with payments', 'plan-review.example'));
    expect(planned.status).toBe(201);
    const planId: string = planned.body.plan_id;
    expect(planned.body.risk_assessment.overall_risk_level).toBe('high');
    const creator = await keyOf(operator);

    const before = await call('GET', `/api/factory/${planId}`, authHeaders(system, 'viewer'));
    expect(before.body).toMatchObject({ created_by: { key_prefix: creator.prefix, key_name: creator.name }, approvals_required: 2, approvals: [] });

    const approver = authHeaders(system, 'approver');
    const admin = authHeaders(system, 'admin');
    expect((await call('POST', `/api/v1/plans/${planId}/approve`, approver, { note: 'payments reviewed' })).status).toBe(200);
    expect((await call('POST', `/api/v1/plans/${planId}/approve`, admin, { approved_by: 'ops@acme.example' })).status).toBe(200);

    const view = await call('GET', `/api/factory/${planId}`, authHeaders(system, 'viewer'));
    expect(view.status).toBe(200);
    const [first, second] = [await keyOf(approver), await keyOf(admin)];
    expect(view.body.status).toBe('approved');
    expect(view.body.approvals_required).toBe(2);
    expect(view.body.approvals).toEqual([
      { approval_id: expect.stringMatching(/^appr_/), approved_by: first.name, key_prefix: first.prefix, key_name: first.name, approved_at: expect.any(String), note: 'payments reviewed', current: true },
      { approval_id: expect.stringMatching(/^appr_/), approved_by: 'ops@acme.example', key_prefix: second.prefix, key_name: second.name, approved_at: expect.any(String), note: null, current: true },
    ]);
    for (const approval of view.body.approvals) expect(Date.parse(approval.approved_at)).not.toBeNaN();

    // Nothing secret: no key id, no hash, no full key; the seed's fields are all still there.
    for (const key of [creator, first, second]) {
      expect(view.raw).not.toContain(key.id);
      expect(view.raw).not.toContain(key.key_hash);
    }
    for (const headers of [operator, approver, admin]) expect(view.raw).not.toContain(headers.authorization.slice('Bearer '.length));
    for (const field of ['plan_id', 'briefing_id', 'business_name', 'business_type', 'status', 'steps_total', 'steps_completed', 'plan_hash', 'created_at', 'dry_run', 'auto_rollback', 'steps', 'risk_assessment', 'run']) {
      expect(view.body).toHaveProperty(field);
    }
    // The review is not content: the hash of the view's content is still the planned hash.
    expect(view.body.plan_hash).toBe(planned.body.plan_hash);
    expect(planHash(PlanContentSchema.parse(view.body))).toBe(view.body.plan_hash);
    expect((await call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`, operator)).status).toBe(202);
  });

  it('a LOW or MEDIUM plan needs no approval; a plan from before keys existed has no creator', async () => {
    const planned = await call('POST', '/api/factory/plan', authHeaders(system, 'operator'), { business_name: 'Review Low GmbH', business_type: 'consulting', dry_run: true });
    expect(planned.status).toBe(201);
    expect(['low', 'medium']).toContain(planned.body.risk_assessment.overall_risk_level);
    expect(planned.body).toMatchObject({ approvals_required: 0, approvals: [] });
    await dataSource.query('UPDATE plans SET created_by_key_id = NULL WHERE id = $1', [planned.body.plan_id]);
    expect((await call('GET', `/api/factory/${planned.body.plan_id}`, authHeaders(system, 'viewer'))).body.created_by).toBeNull();
  });
});
