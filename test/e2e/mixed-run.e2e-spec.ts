import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDns } from '@bf/dns';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';
import { statusWithHost } from '../support/http';
import { freePort } from '../support/net';

const DOMAIN = 'mixed-run.example';
/** What runs live on a system without an Odoo: the website, DNS, and the validation (whose Odoo checks skip themselves). */
const LIVE_ACTIONS = ['website.generate', 'website.deploy', 'dns.configure', 'validation.run'];

/** The sample briefing (website, DNS, ERP, integration, validation) on a domain of this suite's own, asking for a live run. */
function briefing() {
  const sample = JSON.parse(readFileSync(join(process.cwd(), 'templates/briefings/acme-consulting.json'), 'utf8'));
  return { ...sample, business_name: 'Mixed Run GmbH', website_config: { ...sample.website_config, domain: DOMAIN }, dry_run: false };
}


/**
 * A live run of a plan with ERP steps on a system without Odoo: refused unless
 * the caller asks to dry-run what cannot run live; then the website and DNS
 * steps change the local targets for real, the others run as dry runs, and the
 * API, the audit trail and the rollback all treat each step by its own mode.
 */
describe('a run live for the configured targets and dry-run for the rest (gateway + workers, real Redis, PostgreSQL and DNS)', () => {
  let system: RunningSystem;
  let webPort: number;
  let dnsPort: number;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const aRecords = async (name: string, type: string) => {
    const answer = await queryDns({ host: '127.0.0.1', port: dnsPort, name, type, timeoutMs: 2000 });
    return { rcode: answer.rcode, values: answer.answers.filter((record) => record.type === type).map((record) => record.value) };
  };

  beforeAll(async () => {
    // The deploy checks the site through the gateway's own port, so it must be known before boot.
    webPort = await freePort();
    dnsPort = await freePort();
    system = await startTestSystem('mixedrun', { PORT: String(webPort), DNS_SERVER_PORT: String(dnsPort), DNS_WEB_IPV4: '203.0.113.20', SITE_SCREENSHOT: 'off' });
  });
  afterAll(() => system?.stop());

  it('refuses without dry_run_unavailable, runs mixed with it, shows each step`s mode and reason, and rolls back each step in its own mode', async () => {
    const planned = await call('POST', '/api/factory/plan', briefing());
    expect(planned.status).toBe(201);
    const planId = planned.body.plan_id;
    const dryIds = planned.body.steps.filter((step: any) => !LIVE_ACTIONS.includes(step.action)).map((step: any) => step.step_id);
    expect(dryIds).toHaveLength(4);

    // Without the opt-in nothing changes: 422 naming the steps that cannot run live, and the way out.
    const refused = await call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('the plan has Odoo steps but Odoo is not configured');
    expect(refused.body.message).toContain('dry_run_unavailable=true');
    expect((await call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true&dry_run_unavailable=maybe`)).status).toBe(400);
    expect((await call('GET', `/api/factory/${planId}`)).body).toMatchObject({ status: 'draft', run: null });

    // The opt-in in the JSON body works as well as in the query.
    const started = await call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`, { dry_run_unavailable: true });
    expect(started.status).toBe(202);
    expect(started.body.dry_run).toBe(false);
    expect(started.body.dry_run_steps.map((step: any) => step.step_id)).toEqual(dryIds);
    const checks = new Map(started.body.preflight.checks.map((check: any) => [check.check, check]));
    expect(checks.get('odoo')).toMatchObject({ passed: true, detail: expect.stringContaining('not probed') });
    expect(checks.get('live:odoo.install_modules')).toMatchObject({ passed: true, detail: expect.stringContaining('will run as a dry run: Odoo is not configured') });
    expect(checks.get('mode')).toMatchObject({ detail: expect.stringContaining('except by 4 step(s)') });

    const done = await eventually(async () => {
      const view = (await call('GET', `/api/factory/${planId}`)).body;
      return view.run?.status !== 'running' ? view : undefined;
    }, 60_000);
    expect(done.run).toMatchObject({ status: 'completed', dry_run: false });
    for (const step of done.steps) {
      const dry = dryIds.includes(step.step_id);
      expect([step.action, step.status, step.mode, step.result.mode]).toEqual([step.action, 'completed', dry ? 'dry_run' : 'live', dry ? 'dry_run' : 'live']);
      expect(step.dry_run_reason === null).toBe(!dry);
    }
    expect(done.run.dry_run_steps.map((step: any) => step.step_id)).toEqual(dryIds);
    const reasonOf = new Map(done.run.dry_run_steps.map((step: any) => [step.name, step.reason]));
    expect(reasonOf.get('Install Odoo Modules')).toBe('Odoo is not configured (ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD not set) (dry_run_unavailable=true)');
    expect(reasonOf.has('Final Validation')).toBe(false);
    // The validation ran live: the website and DNS checks passed, the Odoo ones say why they were skipped.
    const validation = done.steps.find((step: any) => step.action === 'validation.run').result;
    expect(validation.checks.filter((check: any) => check.passed === true).map((check: any) => check.check).sort()).toEqual(['dns_answer', 'website_http_200']);
    expect(validation.checks.filter((check: any) => check.passed === null).map((check: any) => check.check).sort()).toEqual(['integration_roundtrip', 'odoo_login']);

    // The live steps really changed the local targets.
    expect(await statusWithHost(webPort, DOMAIN)).toBe(200);
    expect(await aRecords(DOMAIN, 'A')).toEqual({ rcode: 'NOERROR', values: ['203.0.113.20'] });
    expect(await aRecords(`www.${DOMAIN}`, 'CNAME')).toEqual({ rcode: 'NOERROR', values: [`${DOMAIN}.`] });

    // The audit trail says which steps changed nothing, and why.
    const events = (await call('GET', `/api/sovereign/audit/events?plan_id=${planId}&limit=1000`)).body.events;
    const startedEvent = events.find((event: any) => event.event_type === 'factory.execution_started');
    expect(startedEvent.metadata).toMatchObject({ dry_run: false, dry_run_unavailable: true });
    expect(startedEvent.metadata.dry_run_steps.map((step: any) => step.step_id)).toEqual(dryIds);
    for (const event of events.filter((candidate: any) => candidate.event_type === 'factory.step_completed')) {
      const dry = dryIds.includes(event.metadata.step_id);
      expect(event.metadata.dry_run).toBe(dry);
      expect(event.metadata.dry_run_reason).toBe(dry ? reasonOf.get(event.metadata.step_name) : undefined);
    }

    // Rollback: the live steps are undone for real, the dry ones as dry runs (so the fiscal step needs no manual restoration).
    const rollback = await call('POST', `/api/factory/${planId}/rollback`);
    expect([200, 202]).toContain(rollback.status);
    const rolledBack = await eventually(async () => {
      const view = (await call('GET', `/api/factory/${planId}`)).body;
      return view.status === 'rolled_back' || view.status === 'partially_rolled_back' ? view : undefined;
    }, 60_000);
    expect(rolledBack.status).toBe('rolled_back');
    expect(rolledBack.steps.every((step: any) => step.status === 'rolled_back')).toBe(true);
    expect(await statusWithHost(webPort, DOMAIN)).toBe(404);
    expect(await aRecords(DOMAIN, 'A')).toEqual({ rcode: 'NOERROR', values: [] });
    expect((await aRecords(`www.${DOMAIN}`, 'CNAME')).rcode).toBe('NXDOMAIN');
    const after = (await call('GET', `/api/sovereign/audit/events?plan_id=${planId}&event_type=factory.step_rolled_back&limit=1000`)).body.events;
    expect(after).toHaveLength(8);
    for (const event of after) {
      const dry = dryIds.includes(event.metadata.step_id);
      expect([event.metadata.dry_run, event.metadata.compensation.mode ?? 'live']).toEqual([dry, dry ? 'dry_run' : 'live']);
    }
  });
});
