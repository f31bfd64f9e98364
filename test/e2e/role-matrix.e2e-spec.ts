import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ROLES, Role, roleAllows } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { authHeaders, otherTenantHeaders, testKeys } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

/** What the matrix needs to call a route: a path and body that pass authorisation and harm nothing (most end in 400 or 404). */
interface Probe {
  path: string;
  body?: unknown;
}

/** The default tenant's resources the matrix points other tenants at. */
interface Fixtures {
  planId: string;
  runId: string;
  graphPlanId: string;
  graphRunId: string;
  domain: string;
  submissionId: string;
  viewerKeyId: string;
  forgeJobId: string;
}

interface RouteRule {
  /** The weakest role that may call it; 'public' needs no key; 'platform' is an admin of the platform tenant. */
  access: Role | 'public' | 'platform';
  probe: (f: Fixtures) => Probe;
  /**
   * A request for one of the default tenant's resources, made with another
   * tenant's admin key: it must answer 404 (or, for a listing, leave out the
   * resource: `hidden` names what must not appear). Null: not a tenant resource.
   */
  otherTenant: ((f: Fixtures) => Probe & { hidden?: string }) | null;
  /** Why calling it with a sufficient role is skipped (a platform-wide side effect that other suites would feel). */
  skipAllowed?: string;
}

const NOT_A_PLAN = 'plan_000000000000';
const QUICK_START = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-quick-start.json'), 'utf8'));

/**
 * Every route of the gateway, by `METHOD /path` as Nest registers it. A route
 * missing here fails the test: add it with its role and probes.
 */
const ROUTES: Record<string, RouteRule> = {
  // Operations: public (probes and scrapers carry no key; no tenant data in any of them).
  'GET /health': { access: 'public', probe: () => ({ path: '/health' }), otherTenant: null },
  'GET /health/ready': { access: 'public', probe: () => ({ path: '/health/ready' }), otherTenant: null },
  'GET /health/live': { access: 'public', probe: () => ({ path: '/health/live' }), otherTenant: null },
  'GET /api/healthz': { access: 'public', probe: () => ({ path: '/api/healthz' }), otherTenant: null },
  'GET /metrics': { access: 'public', probe: () => ({ path: '/metrics' }), otherTenant: null },
  'POST /api/v1/sites/:siteId/contact': { access: 'public', probe: () => ({ path: '/api/v1/sites/never-deployed-matrix.example/contact', body: {} }), otherTenant: null },
  'POST /api/onboarding/setup': { access: 'public', probe: () => ({ path: '/api/onboarding/setup', body: {} }), otherTenant: null },

  // Seed 000
  'POST /api/factory/plan': { access: 'operator', probe: () => ({ path: '/api/factory/plan', body: {} }), otherTenant: null },
  'POST /api/factory/execute': {
    access: 'operator',
    probe: (f) => ({ path: `/api/factory/execute?plan_id=${f.planId}` }),
    otherTenant: (f) => ({ path: `/api/factory/execute?plan_id=${f.planId}&confirm=true` }),
  },
  'GET /api/factory/templates': { access: 'viewer', probe: () => ({ path: '/api/factory/templates' }), otherTenant: null },
  'GET /api/factory/templates/:templateId': { access: 'viewer', probe: () => ({ path: '/api/factory/templates/static_landing' }), otherTenant: null },
  'GET /api/factory/info': { access: 'viewer', probe: () => ({ path: '/api/factory/info' }), otherTenant: null },
  'GET /api/factory/:planId': { access: 'viewer', probe: (f) => ({ path: `/api/factory/${f.planId}` }), otherTenant: (f) => ({ path: `/api/factory/${f.planId}` }) },
  'GET /api/factory/:planId/events': { access: 'viewer', probe: (f) => ({ path: `/api/factory/${f.planId}/events` }), otherTenant: (f) => ({ path: `/api/factory/${f.planId}/events` }) },
  'GET /api/factory/:planId/evidence': { access: 'viewer', probe: (f) => ({ path: `/api/factory/${f.planId}/evidence` }), otherTenant: (f) => ({ path: `/api/factory/${f.planId}/evidence` }) },
  'POST /api/factory/:planId/rollback': {
    access: 'operator',
    probe: (f) => ({ path: `/api/factory/${f.planId}/rollback?to_step=x` }),
    otherTenant: (f) => ({ path: `/api/factory/${f.planId}/rollback` }),
  },

  // Seed 001
  'POST /api/pipeline/intent/resolve': { access: 'operator', probe: () => ({ path: '/api/pipeline/intent/resolve', body: {} }), otherTenant: null },
  'POST /api/pipeline/dry-run': { access: 'operator', probe: () => ({ path: '/api/pipeline/dry-run', body: {} }), otherTenant: null },
  'POST /api/pipeline/execute': { access: 'operator', probe: () => ({ path: '/api/pipeline/execute', body: {} }), otherTenant: null },
  'POST /api/pipeline/evidence/generate': {
    access: 'viewer',
    probe: () => ({ path: '/api/pipeline/evidence/generate', body: {} }),
    otherTenant: (f) => ({ path: '/api/pipeline/evidence/generate', body: { execution_result: { plan_id: f.graphPlanId, run_id: f.graphRunId } } }),
  },
  'POST /api/pipeline/evidence/verify': { access: 'viewer', probe: () => ({ path: '/api/pipeline/evidence/verify', body: {} }), otherTenant: null },

  // Ours under /api/v1
  'POST /api/v1/plans/from-idea': { access: 'operator', probe: () => ({ path: '/api/v1/plans/from-idea', body: {} }), otherTenant: null },
  'POST /api/v1/plans/:planId/approve': {
    access: 'approver',
    probe: (f) => ({ path: `/api/v1/plans/${f.planId}/approve`, body: { not_a_field: true } }),
    otherTenant: (f) => ({ path: `/api/v1/plans/${f.planId}/approve`, body: { note: 'not my plan' } }),
  },
  'POST /api/v1/plans/:planId/cancel': {
    access: 'operator',
    probe: () => ({ path: `/api/v1/plans/${NOT_A_PLAN}/cancel` }),
    otherTenant: (f) => ({ path: `/api/v1/plans/${f.planId}/cancel` }),
  },
  'POST /api/v1/graphs/validate': { access: 'viewer', probe: () => ({ path: '/api/v1/graphs/validate', body: {} }), otherTenant: null },
  'GET /api/v1/graphs/:planId/result': { access: 'viewer', probe: (f) => ({ path: `/api/v1/graphs/${f.graphPlanId}/result` }), otherTenant: (f) => ({ path: `/api/v1/graphs/${f.graphPlanId}/result` }) },
  'GET /api/sovereign/audit/events': {
    access: 'viewer',
    probe: () => ({ path: '/api/sovereign/audit/events?limit=5' }),
    otherTenant: (f) => ({ path: `/api/sovereign/audit/events?plan_id=${f.planId}`, hidden: f.runId }),
  },
  'GET /api/v1/audit/verify': {
    access: 'viewer',
    probe: () => ({ path: `/api/v1/audit/verify?plan_id=${NOT_A_PLAN}` }),
    // Another tenant verifying the plan's chain finds no event of it at all.
    otherTenant: (f) => ({ path: `/api/v1/audit/verify?plan_id=${f.planId}`, hidden: '"events_checked":1' }),
  },
  'GET /api/v1/sites/:siteId/contact-submissions': {
    access: 'viewer',
    probe: (f) => ({ path: `/api/v1/sites/${f.domain}/contact-submissions` }),
    otherTenant: (f) => ({ path: `/api/v1/sites/${f.domain}/contact-submissions`, hidden: f.submissionId }),
  },
  // Domain claims: another tenant neither sees nor releases the default tenant's domain.
  'GET /api/v1/domains': { access: 'viewer', probe: () => ({ path: '/api/v1/domains' }), otherTenant: (f) => ({ path: '/api/v1/domains', hidden: f.domain }) },
  'DELETE /api/v1/domains/:domain': { access: 'admin', probe: () => ({ path: '/api/v1/domains/never-claimed-matrix.example' }), otherTenant: (f) => ({ path: `/api/v1/domains/${f.domain}` }) },
  'GET /api/v1/dns/zones/:zone/records': { access: 'viewer', probe: (f) => ({ path: `/api/v1/dns/zones/${f.domain}/records` }), otherTenant: (f) => ({ path: `/api/v1/dns/zones/${f.domain}/records` }) },

  // Evidence signing keys: platform-wide. Reading is for any key; changing them for platform admins.
  'GET /api/v1/keys': { access: 'viewer', probe: () => ({ path: '/api/v1/keys' }), otherTenant: null },
  'POST /api/v1/keys/rotate': { access: 'platform', probe: () => ({ path: '/api/v1/keys/rotate' }), otherTenant: null, skipAllowed: 'rotating the signing key would change the key other suites sign with' },
  'POST /api/v1/keys/:keyId/revoke': { access: 'platform', probe: () => ({ path: '/api/v1/keys/not-a-key/revoke', body: { reason: 'matrix' } }), otherTenant: null },

  // Tenants and API keys
  'POST /api/v1/api-keys': { access: 'admin', probe: () => ({ path: '/api/v1/api-keys', body: {} }), otherTenant: null },
  'GET /api/v1/api-keys': { access: 'admin', probe: () => ({ path: '/api/v1/api-keys' }), otherTenant: (f) => ({ path: '/api/v1/api-keys', hidden: f.viewerKeyId }) },
  'POST /api/v1/api-keys/:keyId/revoke': {
    access: 'admin',
    probe: (f) => ({ path: `/api/v1/api-keys/${f.viewerKeyId}/revoke`, body: {} }),
    otherTenant: (f) => ({ path: `/api/v1/api-keys/${f.viewerKeyId}/revoke`, body: { reason: 'another tenant tries' } }),
  },
  'POST /api/v1/tenants': { access: 'platform', probe: () => ({ path: '/api/v1/tenants', body: {} }), otherTenant: null },
  'GET /api/v1/tenant': { access: 'viewer', probe: () => ({ path: '/api/v1/tenant' }), otherTenant: null },

  // Credits and run history (seed 004)
  'GET /api/v1/credits': { access: 'viewer', probe: () => ({ path: '/api/v1/credits' }), otherTenant: null },
  'GET /api/v1/credits/transactions': { access: 'viewer', probe: () => ({ path: '/api/v1/credits/transactions' }), otherTenant: null },
  'POST /api/v1/credits/grants': { access: 'platform', probe: () => ({ path: '/api/v1/credits/grants', body: {} }), otherTenant: null },
  'GET /api/v1/runs': { access: 'viewer', probe: () => ({ path: '/api/v1/runs' }), otherTenant: (f) => ({ path: '/api/v1/runs', hidden: f.runId }) },
  'GET /api/v1/runs/:runId': { access: 'viewer', probe: (f) => ({ path: `/api/v1/runs/${f.runId}` }), otherTenant: (f) => ({ path: `/api/v1/runs/${f.runId}` }) },

  // Tenant secrets: names and metadata only, admin
  'GET /api/v1/secrets': { access: 'admin', probe: () => ({ path: '/api/v1/secrets' }), otherTenant: null },
  'POST /api/v1/secrets/rotate': { access: 'platform', probe: () => ({ path: '/api/v1/secrets/rotate', body: { not_a_field: true } }), otherTenant: null, skipAllowed: 'rotation re-encrypts every tenant secret' },
  'PUT /api/v1/secrets/:name': { access: 'admin', probe: () => ({ path: '/api/v1/secrets/matrix-probe', body: {} }), otherTenant: null },
  'DELETE /api/v1/secrets/:name': { access: 'admin', probe: () => ({ path: '/api/v1/secrets/no-such-secret' }), otherTenant: null },

  // Plugin forge (seed 002)
  'GET /api/v1/forge/templates': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/templates' }), otherTenant: null },
  'POST /api/v1/forge/jobs': { access: 'operator', probe: () => ({ path: '/api/v1/forge/jobs', body: {} }), otherTenant: null },
  'GET /api/v1/forge/jobs': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/jobs' }), otherTenant: (f) => ({ path: '/api/v1/forge/jobs', hidden: f.forgeJobId }) },
  'GET /api/v1/forge/jobs/:jobId': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/jobs/job_000000000000' }), otherTenant: (f) => ({ path: `/api/v1/forge/jobs/${f.forgeJobId}` }) },
  'GET /api/v1/forge/jobs/:jobId/logs': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/jobs/job_000000000000/logs' }), otherTenant: (f) => ({ path: `/api/v1/forge/jobs/${f.forgeJobId}/logs` }) },
  'POST /api/v1/forge/jobs/:jobId/cancel': { access: 'operator', probe: () => ({ path: '/api/v1/forge/jobs/job_000000000000/cancel' }), otherTenant: (f) => ({ path: `/api/v1/forge/jobs/${f.forgeJobId}/cancel`, body: {} }) },
  'POST /api/v1/forge/jobs/:jobId/retry': { access: 'operator', probe: () => ({ path: '/api/v1/forge/jobs/job_000000000000/retry' }), otherTenant: (f) => ({ path: `/api/v1/forge/jobs/${f.forgeJobId}/retry`, body: {} }) },
  'GET /api/v1/forge/stats': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/stats' }), otherTenant: null },
  'GET /api/v1/forge/packages': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/packages' }), otherTenant: null },
  'GET /api/v1/forge/packages/:packageId': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/packages/pkg_000000000000' }), otherTenant: null },
  'GET /api/v1/forge/packages/:packageId/download': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/packages/pkg_000000000000/download' }), otherTenant: null },
  'GET /api/v1/forge/packages/:packageId/signature': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/packages/pkg_000000000000/signature' }), otherTenant: null },
  'POST /api/v1/forge/packages/:packageId/revoke': { access: 'admin', probe: () => ({ path: '/api/v1/forge/packages/pkg_000000000000/revoke', body: {} }), otherTenant: null },
  'POST /api/v1/forge/packages/:packageId/publish': { access: 'operator', probe: () => ({ path: '/api/v1/forge/packages/pkg_000000000000/publish', body: {} }), otherTenant: null },
  'GET /api/v1/forge/connectors': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/connectors' }), otherTenant: null },
  // Per tenant: another tenant's admin configures its own connectors, never the default tenant's (forge-access e2e checks that).
  'PUT /api/v1/forge/connectors/:connectorId': { access: 'admin', probe: () => ({ path: '/api/v1/forge/connectors/wordpress_org', body: {} }), otherTenant: null },
  'POST /api/v1/forge/approvals': { access: 'operator', probe: () => ({ path: '/api/v1/forge/approvals', body: {} }), otherTenant: null },
  'GET /api/v1/forge/approvals/:approvalId': { access: 'viewer', probe: () => ({ path: '/api/v1/forge/approvals/appr_000000000000' }), otherTenant: null },
  'POST /api/v1/forge/approvals/:approvalId/approve': { access: 'approver', probe: () => ({ path: '/api/v1/forge/approvals/appr_000000000000/approve', body: {} }), otherTenant: null },
};

async function firstEvent(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  await reader.cancel();
  return text;
}

/** Every HTTP route Nest registered, as `METHOD /path`, read from the controllers' route metadata. */
function registeredRoutes(system: RunningSystem): string[] {
  const routes = new Set<string>();
  const join = (...parts: string[]) => `/${parts.map((part) => part.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
  for (const module of system.gateway.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        for (const base of bases) for (const path of [paths].flat()) routes.add(`${RequestMethod[method]} ${join(base, path)}`);
      }
    }
  }
  return [...routes].sort();
}

describe('role matrix: every gateway route with no key, another tenant\'s key and each role', () => {
  let system: RunningSystem;
  let fixtures: Fixtures;

  const send = async (method: string, probe: Probe, headers: Record<string, string>) => {
    const abort = new AbortController();
    const response = await fetch(`${system.url}${probe.path}`, {
      method,
      headers: { ...headers, ...(probe.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: probe.body === undefined ? undefined : JSON.stringify(probe.body),
      signal: abort.signal,
    });
    // A Server-Sent Events stream never ends by itself: read its snapshot (so the server has
    // its close handler in place), then hang up.
    const text = response.headers.get('content-type')?.startsWith('text/event-stream') ? await firstEvent(response) : await response.text();
    abort.abort();
    return { status: response.status, text };
  };

  beforeAll(async () => {
    // The matrix makes a few hundred requests from one address in a minute; rate limits have their own tests.
    system = await startTestSystem('role_matrix', { RATE_LIMIT_ENABLED: 'false', PLAN_WAIT_MS: '15000' });
    const operator = authHeaders(system, 'operator');
    const domain = 'role-matrix.example';
    const planned = await send('POST', { path: '/api/factory/plan', body: { ...QUICK_START, dry_run: true, website_config: { ...QUICK_START.website_config, domain } } }, operator);
    expect(planned.status).toBe(201);
    const planId = JSON.parse(planned.text).plan_id as string;
    const started = await send('POST', { path: `/api/factory/execute?plan_id=${planId}&confirm=true` }, operator);
    expect(started.status).toBe(202);
    const runId = JSON.parse(started.text).run_id as string;
    await eventually(async () => (JSON.parse((await send('GET', { path: `/api/factory/${planId}` }, operator)).text).run?.status === 'completed' ? true : undefined), 30_000);
    const graph = await send(
      'POST',
      {
        path: '/api/pipeline/dry-run',
        body: { graph_id: 'role-matrix', business_intent_id: 'intent_role_matrix', nodes: [{ node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Matrix', domain: 'graph-matrix.example', pages: ['home'], primary_color: '#1e40af' } }] },
      },
      operator,
    );
    expect({ status: graph.status, body: graph.status === 200 ? 'ok' : graph.text.slice(0, 600) }).toEqual({ status: 200, body: 'ok' });
    const result = JSON.parse(graph.text).execution_result;
    const [submission] = await system.runtime.dataSource.query(
      `INSERT INTO contact_submissions (id, tenant_id, site_id, name, email, message, client_address, status) VALUES ($2, 'tenant_default', $1, 'Matrix', 'm@example.com', 'hello', '127.0.0.1', 'received') RETURNING id`,
      [domain, `msg_${randomBytes(6).toString('hex')}`],
    );
    // A forge job of the default tenant (packages, downloads and approvals across tenants: test/e2e/forge-access.e2e-spec.ts).
    const forgeJob = await send(
      'POST',
      { path: '/api/v1/forge/jobs', body: { template: 'wp-contact-form', parameters: { plugin_name: 'Matrix Contact', slug: 'matrix-contact', version: '1.0.0', gateway_url: 'https://factory.example', site_domain: domain } } },
      operator,
    );
    expect(forgeJob.status).toBe(201);
    fixtures = { planId, runId, graphPlanId: result.plan_id, graphRunId: result.run_id, domain, submissionId: submission.id, viewerKeyId: testKeys(system).idsByRole.viewer, forgeJobId: JSON.parse(forgeJob.text).job_id };
  });
  afterAll(() => system?.stop());

  it('knows every registered route, and every route it knows is registered', () => {
    const registered = registeredRoutes(system);
    expect(registered.length).toBeGreaterThan(30);
    expect(registered.filter((route) => !ROUTES[route])).toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !registered.includes(route))).toEqual([]);
  });

  it.each(Object.entries(ROUTES))('%s', async (route, rule) => {
    const method = route.split(' ')[0];
    const probe = rule.probe(fixtures);
    const anonymous = await send(method, probe, {});
    if (rule.access === 'public') {
      expect([401, 403]).not.toContain(anonymous.status);
      return;
    }
    expect(anonymous.status).toBe(401);

    const needed: Role = rule.access === 'platform' ? 'admin' : rule.access;
    for (const role of ROLES) {
      const answer = await send(method, probe, authHeaders(system, role));
      if (!roleAllows(role, needed)) {
        expect({ role, status: answer.status }).toEqual({ role, status: 403 });
      } else if (!rule.skipAllowed) {
        expect({ role, status: answer.status, allowed: ![401, 403].includes(answer.status) }).toEqual({ role, status: answer.status, allowed: true });
        expect(answer.status).toBeLessThan(500);
      }
    }

    const stranger = await send(method, rule.otherTenant ? rule.otherTenant(fixtures) : probe, otherTenantHeaders(system));
    if (rule.access === 'platform') {
      // Not another tenant's resource but the platform's: refused as such.
      expect(stranger.status).toBe(403);
    } else if (rule.otherTenant) {
      const request = rule.otherTenant(fixtures);
      if (request.hidden) {
        expect(stranger.status).toBeLessThan(400);
        expect(stranger.text).not.toContain(request.hidden);
      } else {
        expect(stranger.status).toBe(404);
      }
    }
  });
});
