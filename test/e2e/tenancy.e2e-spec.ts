import { ALL_QUEUES } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { BRIEFING_CORPUS } from '../../apps/planner/src/briefing-corpus';
import { authHeaders, otherTenantHeaders, testKeys } from '../support/auth';
import { startTestSystem } from '../support/system';

const briefingNamed = (prefix: string, domain: string) => {
  const briefing = structuredClone(BRIEFING_CORPUS.find((c) => c.name.startsWith(prefix))!.briefing) as any;
  if (briefing.website_config) briefing.website_config.domain = domain;
  return { ...briefing, dry_run: true };
};

describe('tenants, API keys, roles and approvals', () => {
  let system: RunningSystem;
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = await response.text();
    return { status: response.status, headers: response.headers, raw, body: raw && response.headers.get('content-type')?.includes('json') ? (JSON.parse(raw) as any) : undefined };
  };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    // Rate limits (key creation is a strictly limited route) have their own tests; this one issues many keys from one address.
    system = await startTestSystem('tenancy', { PLAN_MIN_APPROVALS: '2', RATE_LIMIT_ENABLED: 'false' });
  });
  afterAll(() => system?.stop());

  it('answers 401 with WWW-Authenticate and the API error shape without a valid key', async () => {
    const none = await call('GET', '/api/factory/info', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(none.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });
    for (const header of ['Bearer nonsense', 'Bearer bfk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'Basic Zm9vOmJhcg==', `Token ${testKeys(system).byRole.admin}`]) {
      const refused = await call('GET', '/api/factory/info', { authorization: header });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    // A tampered secret with a real prefix is refused too.
    const real = testKeys(system).byRole.viewer;
    const tampered = real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A');
    expect((await call('GET', '/api/factory/info', bearer(tampered))).status).toBe(401);
    expect((await call('GET', '/api/factory/info', bearer(real))).status).toBe(200);
    // Public: health and metrics.
    expect((await call('GET', '/health/live', {})).status).toBe(200);
    expect((await call('GET', '/metrics', {})).status).toBe(200);
  });

  it('issues a key shown once, lists keys without secrets or hashes, records last use, and revokes with a reason', async () => {
    expect((await call('POST', '/api/v1/api-keys', authHeaders(system, 'approver'), { name: 'ci', role: 'viewer' })).status).toBe(403);
    const bad = await call('POST', '/api/v1/api-keys', authHeaders(system, 'admin'), { name: '', role: 'root', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.path).sort()).toEqual(expect.arrayContaining(['name', 'role']));

    const issued = await call('POST', '/api/v1/api-keys', authHeaders(system, 'admin'), { name: 'ci pipeline', role: 'operator' });
    expect(issued.status).toBe(201);
    const key: string = issued.body.key;
    expect(key).toMatch(/^bfk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(issued.body.api_key).toMatchObject({ name: 'ci pipeline', role: 'operator', prefix: key.slice(0, 12), status: 'active', last_used_at: null, created_by: testKeys(system).idsByRole.admin });

    const listed = await call('GET', '/api/v1/api-keys', authHeaders(system, 'admin'));
    expect(listed.status).toBe(200);
    expect(listed.raw).not.toContain(key.slice(13));
    expect(listed.raw).not.toMatch(/key_hash|"hash"/);
    const row = listed.body.api_keys.find((k: any) => k.id === issued.body.api_key.id);
    expect(row).toMatchObject({ prefix: key.slice(0, 12), role: 'operator' });
    expect(row.key).toBeUndefined();
    const stored = await system.runtime.dataSource.query('SELECT key_hash FROM api_keys WHERE id = $1', [row.id]);
    expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].key_hash).not.toContain(key.slice(13));

    // Another tenant's admin does not see it, and cannot revoke it (404, not 403).
    const otherList = await call('GET', '/api/v1/api-keys', otherTenantHeaders(system));
    expect(otherList.body.api_keys.map((k: any) => k.id)).not.toContain(row.id);
    expect((await call('POST', `/api/v1/api-keys/${row.id}/revoke`, otherTenantHeaders(system), { reason: 'not yours' })).status).toBe(404);

    const me = await call('GET', '/api/v1/tenant', bearer(key));
    expect(me).toMatchObject({ status: 200, body: { tenant_id: 'tenant_default', key: { id: row.id, role: 'operator', name: 'ci pipeline' } } });
    const used = await call('GET', '/api/v1/api-keys', authHeaders(system, 'admin'));
    const usedAt = used.body.api_keys.find((k: any) => k.id === row.id).last_used_at;
    expect(usedAt).not.toBeNull();
    // At most one write a minute: a second request right away leaves last_used_at as it was.
    await call('GET', '/api/v1/tenant', bearer(key));
    const again = await call('GET', '/api/v1/api-keys', authHeaders(system, 'admin'));
    expect(again.body.api_keys.find((k: any) => k.id === row.id).last_used_at).toBe(usedAt);

    expect((await call('POST', `/api/v1/api-keys/${row.id}/revoke`, authHeaders(system, 'admin'), {})).status).toBe(400);
    const revoked = await call('POST', `/api/v1/api-keys/${row.id}/revoke`, authHeaders(system, 'admin'), { reason: 'pipeline retired' });
    expect(revoked).toMatchObject({ status: 200, body: { api_key: { id: row.id, status: 'revoked', revocation_reason: 'pipeline retired', revoked_by: testKeys(system).idsByRole.admin } } });
    const refused = await call('GET', '/api/v1/tenant', bearer(key));
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);

    // By type: the suites share one database, so the newest events may be anyone's.
    const audits = await Promise.all(
      ['tenancy.api_key_created', 'tenancy.api_key_revoked'].map((type) => call('GET', `/api/sovereign/audit/events?event_type=${type}&limit=1000`, authHeaders(system, 'viewer'))),
    );
    const types = audits.flatMap((audit) => audit.body.events.filter((e: any) => e.metadata.key_id === row.id).map((e: any) => e.event_type));
    expect(types).toEqual(expect.arrayContaining(['tenancy.api_key_created', 'tenancy.api_key_revoked']));
    for (const audit of audits) expect(JSON.stringify(audit.body)).not.toContain(key.slice(13));
  });

  it('refuses an expired key', async () => {
    const issued = await call('POST', '/api/v1/api-keys', authHeaders(system, 'admin'), { name: 'short-lived', role: 'viewer', expires_at: new Date(Date.now() + 60_000).toISOString() });
    expect(issued.status).toBe(201);
    expect((await call('GET', '/api/v1/tenant', bearer(issued.body.key))).status).toBe(200);
    await system.runtime.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [issued.body.api_key.id]);
    const expired = await call('GET', '/api/v1/tenant', bearer(issued.body.key));
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    expect((await call('POST', '/api/v1/api-keys', authHeaders(system, 'admin'), { name: 'past', role: 'viewer', expires_at: '2001-01-01T00:00:00Z' })).status).toBe(400);
  });

  it('lets only a platform admin create tenants, whose first admin key works in the new tenant only', async () => {
    expect((await call('POST', '/api/v1/tenants', otherTenantHeaders(system), { name: 'Sneaky' })).status).toBe(403);
    expect((await call('POST', '/api/v1/tenants', authHeaders(system, 'approver'), { name: 'Sneaky' })).status).toBe(403);
    const created = await call('POST', '/api/v1/tenants', authHeaders(system, 'admin'), { name: 'Globex', tenant_id: 'tenant_globex' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenant: { tenant_id: 'tenant_globex', name: 'Globex' }, admin_key: { key: expect.stringMatching(/^bfk_/), api_key: { role: 'admin', tenant_id: 'tenant_globex' } } });
    expect((await call('POST', '/api/v1/tenants', authHeaders(system, 'admin'), { name: 'Globex again', tenant_id: 'tenant_globex' })).status).toBe(409);
    const globex = bearer(created.body.admin_key.key);
    expect((await call('GET', '/api/v1/tenant', globex)).body).toMatchObject({ tenant_id: 'tenant_globex', name: 'Globex' });

    // A plan of the default tenant is another tenant's resource for Globex: 404.
    const planned = await call('POST', '/api/factory/plan', authHeaders(system, 'operator'), briefingNamed('service: website only', 'tenancy-scope.example'));
    expect(planned.status).toBe(201);
    expect((await call('GET', `/api/factory/${planned.body.plan_id}`, globex)).status).toBe(404);
    expect((await call('POST', `/api/factory/execute?plan_id=${planned.body.plan_id}&confirm=true`, globex)).status).toBe(404);
    const globexAudit = await call('GET', `/api/sovereign/audit/events?plan_id=${planned.body.plan_id}`, globex);
    expect(globexAudit.body.events).toEqual([]);
  });

  it('never lets a key approve a plan it created, and needs PLAN_MIN_APPROVALS distinct approvers for a HIGH plan', async () => {
    const planned = await call('POST', '/api/factory/plan', authHeaders(system, 'approver'), briefingNamed('ecommerce: shop with payments', 'tenancy-approvals.example'));
    expect(planned.status).toBe(201);
    const plan = planned.body;
    expect(plan.risk_assessment.overall_risk_level).toBe('high');
    const approve = (headers: Record<string, string>) => call('POST', `/api/v1/plans/${plan.plan_id}/approve`, headers, { note: 'reviewed' });

    expect((await approve(authHeaders(system, 'operator'))).status).toBe(403);
    const own = await approve(authHeaders(system, 'approver'));
    expect(own.status).toBe(403);
    expect(own.body.message).toMatch(/created plan .* may not approve it/);
    expect((await approve(otherTenantHeaders(system))).status).toBe(404);

    const first = await approve(authHeaders(system, 'admin'));
    expect(first).toMatchObject({ status: 200, body: { status: 'draft', approvals: 1, approvals_required: 2, approver: { key_id: testKeys(system).idsByRole.admin } } });
    expect((await call('GET', `/api/factory/${plan.plan_id}`, authHeaders(system, 'viewer'))).body.status).toBe('draft');
    const early = await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`, authHeaders(system, 'operator'));
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/2 distinct key/);
    // The same key again does not count twice.
    expect((await approve(authHeaders(system, 'admin'))).status).toBe(409);

    const second = await call('POST', '/api/v1/api-keys', authHeaders(system, 'admin'), { name: 'second reviewer', role: 'approver' });
    const done = await approve(bearer(second.body.key));
    expect(done).toMatchObject({ status: 200, body: { status: 'approved', approvals: 2, approvals_required: 2, approved_by: 'second reviewer' } });
    expect((await call('GET', `/api/factory/${plan.plan_id}`, authHeaders(system, 'viewer'))).body.status).toBe('approved');

    const audit = await call('GET', `/api/sovereign/audit/events?plan_id=${plan.plan_id}&limit=100`, authHeaders(system, 'viewer'));
    const approvals = audit.body.events.filter((e: any) => e.event_type.startsWith('factory.plan_approv'));
    expect(approvals.map((e: any) => [e.event_type, e.metadata.approver_key_id])).toEqual([
      ['factory.plan_approval_recorded', testKeys(system).idsByRole.admin],
      ['factory.plan_approved', second.body.api_key.id],
    ]);
    for (const event of approvals) expect(Date.parse(event.metadata.approved_at)).not.toBeNaN();
    expect((await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`, authHeaders(system, 'operator'))).status).toBe(202);
  });

  describe('Bull Board', () => {
    const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`anyone:${key}`).toString('base64')}` });

    it('asks for credentials, shows every queue read-only to a viewer, and takes actions only from an admin', async () => {
      const anonymous = await call('GET', '/admin/queues/api/queues', {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="Bull Board"/);
      expect((await call('GET', '/admin/queues/api/queues', basic('wrong'))).status).toBe(401);

      const viewerBoard = await call('GET', '/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10', basic(testKeys(system).byRole.viewer));
      expect(viewerBoard.status).toBe(200);
      const names = viewerBoard.body.queues.map((q: any) => q.name).sort();
      expect(names).toEqual([...ALL_QUEUES].sort());
      expect(names).toEqual(expect.arrayContaining(['intent', 'planner', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence', 'step-status']));
      expect(viewerBoard.body.queues.every((q: any) => q.readOnlyMode === true)).toBe(true);
      expect((await call('GET', '/admin/queues', authHeaders(system, 'viewer'))).status).toBe(200);

      const viewerClean = await call('PUT', '/admin/queues/api/queues/planner/clean/completed', basic(testKeys(system).byRole.operator));
      expect(viewerClean.status).toBe(403);
      const viewerRetry = await call('PUT', '/admin/queues/api/queues/planner/retry/failed', authHeaders(system, 'approver'));
      expect(viewerRetry.status).toBe(403);

      const adminBoard = await call('GET', '/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10', basic(testKeys(system).byRole.admin));
      expect(adminBoard.body.queues.every((q: any) => q.readOnlyMode === false)).toBe(true);
      const adminClean = await call('PUT', '/admin/queues/api/queues/planner/clean/completed', authHeaders(system, 'admin'));
      expect(adminClean.status).toBe(200);
      const adminRetry = await call('PUT', '/admin/queues/api/queues/planner/retry/failed', basic(testKeys(system).byRole.admin));
      expect(adminRetry.status).toBe(200);
    });

    it('is for the platform tenant only: another tenant\'s keys, admin included, see no board and take no action', async () => {
      const other = testKeys(system).otherTenant;
      for (const key of [other.adminKey, other.viewerKey]) {
        for (const headers of [basic(key), bearer(key)]) {
          const board = await call('GET', '/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10', headers);
          expect(board.status).toBe(403);
          expect(board.raw).not.toMatch(/"queues"/);
          expect((await call('GET', '/admin/queues', headers)).status).toBe(403);
          expect((await call('PUT', '/admin/queues/api/queues/planner/clean/completed', headers)).status).toBe(403);
        }
      }
      expect((await call('PUT', '/admin/queues/api/queues/planner/retry/failed', otherTenantHeaders(system, 'admin'))).status).toBe(403);
    });
  });
});
