import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tenantsFor } from '@bf/tenancy';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, otherTenantHeaders, testKeys } from '../support/auth';
import { startTestSystem } from '../support/system';
import { freePort } from '../support/net';

const QUICK_START = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-quick-start.json'), 'utf8'));
const VICTIM = 'victim-claims.example';

const briefingFor = (domain: string) => ({ ...QUICK_START, business_name: `Claims ${domain}`, dry_run: true, website_config: { ...QUICK_START.website_config, domain } });
const siteGraph = (graphId: string, domain: string, dryRun = false) => ({
  graph_id: graphId,
  business_intent_id: `intent_${graphId}`,
  dry_run: dryRun,
  nodes: [
    { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Victim GmbH', domain, pages: ['home', 'contact'], primary_color: '#1e40af' } },
    { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain } },
    { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain, records: ['A'] } },
  ],
});

/**
 * A domain belongs to the first tenant that plans it (issue 10): another tenant
 * cannot plan, dry-run, execute or read the zone of it, the site's contact form
 * keeps feeding its owner, and only a release by the owner frees the name.
 * Tenant A is the suite's second tenant (not the platform tenant, which sees
 * every zone); tenant B is a third one created here.
 */
describe('domain claims across tenants (gateway + workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  let tenantA: Record<string, string>;
  let tenantB: Record<string, string>;
  let tenantBId: string;
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const raw = await response.text();
    return { status: response.status, text: raw, body: raw ? JSON.parse(raw) : undefined };
  };
  const plansOf = async (tenantId: string): Promise<number> => (await system.runtime.dataSource.query('SELECT count(*)::int AS n FROM plans WHERE tenant_id = $1', [tenantId]))[0].n;
  const contact = (domain: string, name: string) => call('POST', `/api/v1/sites/${domain}/contact`, {}, { name, email: 'lead@example.com', message: `hello from ${name}` });

  beforeAll(async () => {
    system = await startTestSystem('domain_claims', { PORT: String(await freePort()), SITE_SCREENSHOT: 'off', RATE_LIMIT_ENABLED: 'false', DNS_WEB_IPV4: '203.0.113.20' });
    tenantA = otherTenantHeaders(system, 'admin');
    const created = await tenantsFor(system.runtime.dataSource, system.runtime.config).create({ name: 'Domain claims tenant B' });
    tenantBId = created.tenant.tenant_id;
    tenantB = { authorization: `Bearer ${created.admin_key.key}` };
    // Tenant A deploys its site and DNS live: the domain is its from the plan on.
    const deployed = await call('POST', '/api/pipeline/execute', tenantA, siteGraph('victim-site', VICTIM));
    expect({ status: deployed.status, body: deployed.status === 200 ? deployed.body.status : deployed.text.slice(0, 600) }).toEqual({ status: 200, body: 'completed' });
  });
  afterAll(() => system?.stop());

  it('lists the claim for its owner only, and lets the owner read its zone', async () => {
    const mine = await call('GET', '/api/v1/domains', tenantA);
    expect(mine.status).toBe(200);
    expect(mine.body.domains).toEqual([expect.objectContaining({ domain: VICTIM, plan_id: expect.stringMatching(/^plan_/), claimed_at: expect.any(String) })]);
    expect((await call('GET', '/api/v1/domains', tenantB)).body.domains).toEqual([]);
    const zone = await call('GET', `/api/v1/dns/zones/${VICTIM}/records`, tenantA);
    expect(zone.status).toBe(200);
    expect(zone.body.record_sets).toEqual(expect.arrayContaining([expect.objectContaining({ name: VICTIM, type: 'A' })]));
  });

  it('refuses another tenant at planning (the domain and its sub-names), dry run, execute and zone read, without naming the owner', async () => {
    const plansBefore = await plansOf(tenantBId);
    for (const domain of [VICTIM, `shop.${VICTIM}`, VICTIM.toUpperCase()]) {
      const planned = await call('POST', '/api/factory/plan', tenantB, briefingFor(domain));
      expect({ domain, status: planned.status, message: planned.body.message }).toEqual({ domain, status: 409, message: `domain ${domain.toLowerCase()} belongs to another tenant` });
      expect(planned.text).not.toContain(testKeys(system).otherTenant.tenantId);
    }
    const dryRun = await call('POST', '/api/pipeline/dry-run', tenantB, siteGraph('steal-dry', VICTIM, true));
    expect({ status: dryRun.status, message: dryRun.body.message }).toEqual({ status: 409, message: `domain ${VICTIM} belongs to another tenant` });
    expect(dryRun.text).not.toMatch(/203\.0\.113\.20/); // A's record values never show
    const live = await call('POST', '/api/pipeline/execute', tenantB, siteGraph('steal-live', VICTIM));
    expect(live.status).toBe(409);
    expect(await plansOf(tenantBId)).toBe(plansBefore); // nothing stored for the refused requests
    const zone = await call('GET', `/api/v1/dns/zones/${VICTIM}/records`, tenantB);
    expect(zone.status).toBe(404);
    expect(zone.text).not.toContain('203.0.113.20');
    // Nor can B release A's claim: it answers like a domain B never had.
    expect((await call('DELETE', `/api/v1/domains/${VICTIM}`, tenantB)).status).toBe(404);
    expect((await call('GET', '/api/v1/domains', tenantA)).body.domains.map((d: any) => d.domain)).toEqual([VICTIM]);
  });

  it('refuses at execute a plan made before the other tenant claimed the domain', async () => {
    const domain = 'contested-claims.example';
    const early = await call('POST', '/api/factory/plan', tenantB, briefingFor(domain));
    expect(early.status).toBe(201);
    expect((await call('DELETE', `/api/v1/domains/${domain}`, tenantB)).status).toBe(204);
    const taken = await call('POST', '/api/factory/plan', tenantA, briefingFor(domain));
    expect(taken.status).toBe(201);
    const executed = await call('POST', `/api/factory/execute?plan_id=${early.body.plan_id}&confirm=true`, tenantB);
    expect({ status: executed.status, message: executed.body.message }).toEqual({ status: 409, message: `domain ${domain} belongs to another tenant` });
    expect(await system.runtime.dataSource.query('SELECT id FROM runs WHERE plan_id = $1', [early.body.plan_id])).toEqual([]);
  });

  it('sends the site`s contact submissions to its owner only', async () => {
    expect((await contact(VICTIM, 'Ada')).status).toBe(201);
    const ownerList = await call('GET', `/api/v1/sites/${VICTIM}/contact-submissions`, tenantA);
    expect(ownerList.body.submissions.map((s: any) => s.name)).toEqual(['Ada']);
    expect((await call('GET', `/api/v1/sites/${VICTIM}/contact-submissions`, tenantB)).body.submissions).toEqual([]);
    expect((await call('GET', `/api/v1/sites/${VICTIM}/contact-submissions`, authHeaders(system, 'viewer'))).body.submissions).toEqual([]);
  });

  it('releases only without an active run and with an admin key; then another tenant may claim it', async () => {
    const viewerA = { authorization: `Bearer ${testKeys(system).otherTenant.viewerKey}` };
    expect((await call('DELETE', `/api/v1/domains/${VICTIM}`, viewerA)).status).toBe(403);
    expect((await call('DELETE', '/api/v1/domains/not%20a%20domain', tenantA)).status).toBe(400);
    // A run of A that changes the domain is (made to look) still running.
    const [{ plan_id: planId }] = await system.runtime.dataSource.query('SELECT plan_id FROM domain_claims WHERE domain = $1', [VICTIM]);
    const [{ id: runId }] = await system.runtime.dataSource.query('SELECT id FROM runs WHERE plan_id = $1 ORDER BY started_at DESC LIMIT 1', [planId]);
    await system.runtime.dataSource.query(`UPDATE runs SET status = 'running' WHERE id = $1`, [runId]);
    try {
      const busy = await call('DELETE', `/api/v1/domains/${VICTIM}`, tenantA);
      expect({ status: busy.status, active: busy.body.details?.active_run_id }).toEqual({ status: 409, active: runId });
    } finally {
      await system.runtime.dataSource.query(`UPDATE runs SET status = 'completed' WHERE id = $1`, [runId]);
    }
    expect((await call('DELETE', `/api/v1/domains/${VICTIM}.`, tenantA)).status).toBe(204);
    expect((await call('GET', '/api/v1/domains', tenantA)).body.domains.map((d: any) => d.domain)).toEqual(['contested-claims.example']);
    // Released: the site has no owner, so its form takes no leads for anyone.
    expect((await contact(VICTIM, 'Bob')).status).toBe(404);

    const claimed = await call('POST', '/api/factory/plan', tenantB, briefingFor(VICTIM));
    expect(claimed.status).toBe(201);
    expect((await call('GET', '/api/v1/domains', tenantB)).body.domains).toEqual([expect.objectContaining({ domain: VICTIM, plan_id: claimed.body.plan_id })]);
    expect((await call('POST', '/api/factory/plan', tenantA, briefingFor(VICTIM))).status).toBe(409);
    // B has not deployed it: still no contact form, and A's old leads stay A's.
    expect((await contact(VICTIM, 'Eve')).status).toBe(404);
    expect((await call('GET', `/api/v1/sites/${VICTIM}/contact-submissions`, tenantB)).body.submissions).toEqual([]);
    expect((await call('GET', `/api/v1/sites/${VICTIM}/contact-submissions`, tenantA)).body.submissions.map((s: any) => s.name)).toEqual(['Ada']);
  });
});
