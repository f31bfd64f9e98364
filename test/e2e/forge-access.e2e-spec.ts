import { DEFAULT_TENANT_ID } from '@bf/persistence';
import { apiKeysFor } from '@bf/tenancy';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, otherTenantHeaders, testKeys } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const PARAMETERS = { plugin_name: 'Access Contact', slug: 'access-contact', version: '2.0.0', gateway_url: 'https://factory.example', site_domain: 'access.example' };

/**
 * Who may do what in the plugin forge, with real API keys: identity is the
 * calling key (never a name in the body), roles gate each route, the requester's
 * key never approves, another tenant sees none of it (404), and every decision
 * is an audit event naming the key.
 */
describe('plugin forge access: roles, key identity, tenants, audit', () => {
  let system: RunningSystem;
  let requesterKey: { key: string; id: string };
  let jobId: string;
  let packageId: string;
  let approvalId: string;

  type Who = 'viewer' | 'operator' | 'approver' | 'admin' | 'requester' | 'stranger' | 'stranger-viewer';
  const headersOf = (who: Who): Record<string, string> => {
    if (who === 'requester') return { authorization: `Bearer ${requesterKey.key}` };
    if (who === 'stranger') return otherTenantHeaders(system, 'admin');
    if (who === 'stranger-viewer') return otherTenantHeaders(system, 'viewer');
    return authHeaders(system, who);
  };
  const call = async (method: string, path: string, body: unknown, who: Who) => {
    const response = await fetch(`${system.url}${path.startsWith('/api/') ? path : `/api/v1/forge${path}`}`, {
      method,
      headers: { ...headersOf(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
  const forgeEvents = async (eventType: string): Promise<{ reason: string; metadata: Record<string, any>; tenant_id: string }[]> =>
    system.runtime.dataSource.query('SELECT tenant_id, reason, metadata FROM audit_events WHERE event_type = $1 ORDER BY seq', [eventType]);

  beforeAll(async () => {
    system = await startTestSystem('forge_access');
    // A second approver key of the default tenant: it requests the approval, so it must not approve it.
    const issued = await apiKeysFor(system.runtime.dataSource, system.runtime.config).issue({ tenantId: DEFAULT_TENANT_ID, name: 'forge access requester', role: 'approver' });
    requesterKey = { key: issued.key, id: issued.api_key.id };
  });
  afterAll(() => system?.stop());

  it('records the calling key as the requester (the body name is display text), and a viewer cannot create a job', async () => {
    const refused = await call('POST', '/jobs', { template: 'wp-contact-form', parameters: PARAMETERS }, 'viewer');
    expect(refused.status).toBe(403);
    const created = await call('POST', '/jobs', { template: 'wp-contact-form', parameters: PARAMETERS, requested_by: 'the CEO' }, 'operator');
    expect(created.status).toBe(201);
    expect(created.body.requested_by).toBe(testKeys(system).idsByRole.operator);
    jobId = created.body.job_id;
    const done = await eventually(async () => {
      const { body } = await call('GET', `/jobs/${jobId}`, undefined, 'viewer');
      return ['success', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, 30_000);
    expect({ status: done.status, reason: done.failure_reason }).toEqual({ status: 'success', reason: null });
    packageId = done.plugin_package_id;

    const [event] = (await forgeEvents('forge.job_created')).filter((e) => e.metadata.forge_job_id === jobId);
    expect(event).toMatchObject({ tenant_id: DEFAULT_TENANT_ID, metadata: { actor_key_id: testKeys(system).idsByRole.operator, actor_role: 'operator', display_name: 'the CEO', template: 'wp-contact-form' } });
    const runs: { tenant_id: string }[] = await system.runtime.dataSource.query('SELECT DISTINCT tenant_id FROM forge_runs WHERE job_id = $1', [jobId]);
    expect(runs).toEqual([{ tenant_id: DEFAULT_TENANT_ID }]);
  });

  it('hides the job, its package, download and approval from another tenant (404), and from its lists', async () => {
    const requested = await call('POST', '/approvals', { package_id: packageId, requested_by: 'someone else' }, 'requester');
    expect(requested.status).toBe(201);
    expect(requested.body.requested_by).toBe(requesterKey.id);
    approvalId = requested.body.approval_id;

    for (const [method, path, body] of [
      ['GET', `/jobs/${jobId}`],
      ['GET', `/jobs/${jobId}/logs`],
      ['POST', `/jobs/${jobId}/cancel`, {}],
      ['POST', `/jobs/${jobId}/retry`, {}],
      ['GET', `/packages/${packageId}`],
      ['GET', `/packages/${packageId}/download`],
      ['GET', `/packages/${packageId}/signature`],
      ['POST', `/packages/${packageId}/publish`, {}],
      ['POST', `/packages/${packageId}/revoke`, { reason: 'another tenant tries to revoke it' }],
      ['POST', '/approvals', { package_id: packageId }],
      ['GET', `/approvals/${approvalId}`],
      ['POST', `/approvals/${approvalId}/approve`, {}],
    ] as [string, string, unknown?][]) {
      const answer = await call(method, path, body, 'stranger');
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
    }
    const jobs = await call('GET', '/jobs', undefined, 'stranger-viewer');
    expect(jobs.status).toBe(200);
    expect(jobs.text).not.toContain(jobId);
    expect((await call('GET', '/packages', undefined, 'stranger-viewer')).text).not.toContain(packageId);
    expect((await call('GET', '/stats', undefined, 'stranger-viewer')).body.total).toBe(0);
    // The same routes answer the owning tenant, so the 404s above are about the tenant.
    expect((await call('GET', `/packages/${packageId}/download`, undefined, 'viewer')).status).toBe(200);
    expect((await call('GET', `/approvals/${approvalId}`, undefined, 'viewer')).status).toBe(200);
  });

  it('approves by distinct keys: not an operator, not the requesting key whatever name it gives, not twice', async () => {
    expect((await call('POST', `/approvals/${approvalId}/approve`, {}, 'operator')).status).toBe(403);
    const own = await call('POST', `/approvals/${approvalId}/approve`, { approver: 'a different person' }, 'requester');
    expect({ status: own.status, message: own.body.message }).toEqual({ status: 403, message: expect.stringMatching(/requested this approval and cannot approve it/) });

    const first = await call('POST', `/approvals/${approvalId}/approve`, { approver: 'forge access requester' }, 'approver');
    expect(first.status).toBe(200);
    expect(first.body.approvals.map((a: any) => a.approver_id)).toEqual([testKeys(system).idsByRole.approver]);
    expect((await call('POST', `/approvals/${approvalId}/approve`, { approver: 'yet another name' }, 'approver')).status).toBe(409);
    expect((await call('POST', `/packages/${packageId}/publish`, {}, 'operator')).status).toBe(409);
    const second = await call('POST', `/approvals/${approvalId}/approve`, {}, 'admin');
    expect(second.body).toMatchObject({ status: 'approved', required_approvals: 2 });

    const granted = (await forgeEvents('forge.approval_granted')).filter((e) => e.metadata.approval_id === approvalId);
    expect(granted.map((e) => [e.metadata.actor_key_id, e.metadata.approvals, e.metadata.approval_complete])).toEqual([
      [testKeys(system).idsByRole.approver, 1, false],
      [testKeys(system).idsByRole.admin, 2, true],
    ]);
    expect(granted[0].metadata.display_name).toBe('forge access requester');
    const [requestEvent] = (await forgeEvents('forge.approval_requested')).filter((e) => e.metadata.approval_id === approvalId);
    expect(requestEvent.metadata).toMatchObject({ actor_key_id: requesterKey.id, display_name: 'someone else', approvals_required: 2 });
  });

  it('keeps marketplace credentials as a tenant secret named by secret_ref, and says honestly that no external publisher exists', async () => {
    // Another tenant's connectors are created on its first use, unconfigured, whatever the default tenant does.
    const theirs = await call('GET', '/connectors', undefined, 'stranger-viewer');
    expect(theirs.body.connectors.map((c: any) => [c.id, c.credentials])).toEqual([
      ['internal', 'not needed'],
      ['prestashop', 'none'],
      ['shopify', 'none'],
      ['wordpress_org', 'none'],
    ]);
    const unconfigured = await call('POST', `/packages/${packageId}/publish`, { connector: 'wordpress_org' }, 'operator');
    expect({ status: unconfigured.status, message: unconfigured.body.message }).toEqual({ status: 422, message: expect.stringMatching(/wordpress_org is not configured: it has no credentials/) });

    expect((await call('PUT', '/connectors/wordpress_org', { secret_ref: 'wporg-publisher' }, 'operator')).status).toBe(403);
    const dangling = await call('PUT', '/connectors/wordpress_org', { secret_ref: 'wporg-publisher' }, 'admin');
    expect({ status: dangling.status, message: dangling.body.message }).toEqual({ status: 422, message: expect.stringMatching(/'wporg-publisher' names no secret of this tenant/) });
    expect((await call('PUT', '/connectors/wordpress_org', { secret_ref: 'Not A Name' }, 'admin')).status).toBe(400);
    expect((await call('PUT', '/connectors/internal', { secret_ref: null }, 'admin')).status).toBe(422);
    const secretValue = 'svn-password-4f1c9e2a7b';
    expect((await call('PUT', '/api/v1/secrets/wporg-publisher', { value: { username: 'acme', password: secretValue } }, 'admin')).status).toBeLessThan(300);
    const configured = await call('PUT', '/connectors/wordpress_org', { secret_ref: 'wporg-publisher' }, 'admin');
    expect(configured.status).toBe(200);
    expect(configured.body).toMatchObject({ id: 'wordpress_org', secret_ref: 'wporg-publisher', credentials: 'stored', publishable: false });

    const honest = await call('POST', `/packages/${packageId}/publish`, { connector: 'wordpress_org' }, 'operator');
    expect({ status: honest.status, message: honest.body.message }).toEqual({ status: 422, message: expect.stringMatching(/wordpress_org is not configured: no publisher for wordpress_org in this version/) });
    expect(honest.text).not.toContain(secretValue);
    expect((await call('GET', '/connectors', undefined, 'stranger-viewer')).body.connectors.find((c: any) => c.id === 'wordpress_org').secret_ref).toBeNull();

    const published = await call('POST', `/packages/${packageId}/publish`, { published_by: 'release bot' }, 'operator');
    expect(published.status).toBe(201);
    expect(published.body.published_by).toBe(testKeys(system).idsByRole.operator);
    const [event] = (await forgeEvents('forge.package_published')).filter((e) => e.metadata.package_id === packageId);
    expect(event.metadata).toMatchObject({ connector: 'internal', actor_key_id: testKeys(system).idsByRole.operator, display_name: 'release bot', approvals: 2 });
    const [connectorEvent] = await forgeEvents('forge.connector_configured');
    expect(connectorEvent.metadata).toMatchObject({ connector: 'wordpress_org', secret_ref: 'wporg-publisher', actor_role: 'admin' });
  });

  it('lets only an admin revoke, records who, when and why as an audit event, and never writes a key or secret into the trail', async () => {
    const reason = 'a customer reported a data leak in version 2.0.0';
    for (const who of ['operator', 'approver'] as const) expect((await call('POST', `/packages/${packageId}/revoke`, { reason }, who)).status).toBe(403);
    const revoked = await call('POST', `/packages/${packageId}/revoke`, { reason, revoked_by: 'somebody else entirely' }, 'admin');
    expect(revoked.status).toBe(200);
    expect(revoked.body.revocation).toMatchObject({ reason, revoked_by: testKeys(system).idsByRole.admin });
    const [event] = (await forgeEvents('forge.package_revoked')).filter((e) => e.metadata.package_id === packageId);
    expect(event).toMatchObject({ tenant_id: DEFAULT_TENANT_ID, metadata: { actor_key_id: testKeys(system).idsByRole.admin, actor_role: 'admin', revocation_reason: reason, display_name: 'somebody else entirely', revoked_at: expect.any(String) } });
    expect(event.reason).toContain(reason);

    const trail = JSON.stringify(await system.runtime.dataSource.query(`SELECT reason, metadata FROM audit_events WHERE event_type LIKE 'forge.%'`));
    for (const secret of [...Object.values(testKeys(system).byRole), requesterKey.key, 'svn-password-4f1c9e2a7b']) expect(trail).not.toContain(secret);
    expect((await call('GET', `/packages/${packageId}/download`, undefined, 'viewer')).status).toBe(410);
  });
});
