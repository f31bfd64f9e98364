import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_CAPABLE_ACTIONS } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { HttpDouble, startHttpDouble } from '../doubles/http-double';
import { odooXmlRpcDouble } from '../doubles/odoo-xmlrpc.double';
import { powerDnsDouble } from '../doubles/powerdns.double';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';
import { currentTestEnv } from '../support/test-env';

const QUICK_START = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-quick-start.json'), 'utf8'));
const PDNS_KEY = 'configured-pdns-key-0001';
const ODOO_PASSWORD = 'configured-odoo-password-0002';
const TIMEOUT_MS = 1500;

/**
 * Preflight through the gateway, against a system where every check can fail:
 * an impossible free-space minimum, a sites path that is a regular file,
 * PowerDNS and Odoo doubles that refuse the configured credentials, and
 * templates that disappear between review and execution.
 */
describe('preflight end to end (gateway + workers, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  let pdns: HttpDouble;
  let odoo: HttpDouble;
  let odooHangs = false;
  const templatesDir = mkdtempSync(join(tmpdir(), 'bf-templates-'));
  const dataDir = join(currentTestEnv().dataDir, 'preflight');

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const raw = await response.text();
    return { status: response.status, body: JSON.parse(raw) as any, raw };
  };
  /** Plans the Quick Start with its own template, which is removed again after review. */
  const planWithVanishedTemplate = async (templateId: string, domain: string, dryRun: boolean) => {
    cpSync(join(templatesDir, 'websites/modern_landing_v1'), join(templatesDir, 'websites', templateId), { recursive: true });
    const manifest = join(templatesDir, 'websites', templateId, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"modern_landing_v1"', `"${templateId}"`));
    const planned = await call('POST', '/api/factory/plan', { ...QUICK_START, dry_run: dryRun, website_config: { ...QUICK_START.website_config, domain, template: templateId } });
    expect(planned.status).toBe(201);
    rmSync(join(templatesDir, 'websites', templateId), { recursive: true });
    return planned.body;
  };
  const runRows = async (planId: string) => (await system.runtime.dataSource.query('SELECT count(*)::int AS n FROM runs WHERE plan_id = $1', [planId]))[0].n;
  const failedChecks = (body: any) => body.details.preflight.checks.filter((check: any) => !check.passed).map((check: any) => check.check).sort();

  beforeAll(async () => {
    cpSync(join(__dirname, '../../templates'), templatesDir, { recursive: true });
    // The deploy target DATA_DIR/sites is a regular file, so it cannot be made or written into.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'sites'), 'not a directory');
    pdns = await startHttpDouble(powerDnsDouble({ apiKey: 'the-real-key' }));
    const odooAnswers = odooXmlRpcDouble({ db: 'acme', login: 'admin', password: 'the-real-password' });
    odoo = await startHttpDouble((request, response) => (odooHangs ? undefined : odooAnswers(request, response)));
    system = await startTestSystem('preflight', {
      TEMPLATES_DIR: templatesDir,
      DATA_DIR: dataDir,
      PREFLIGHT_MIN_FREE_MB: String(1024 ** 4),
      PREFLIGHT_TIMEOUT_MS: String(TIMEOUT_MS),
      DNS_PROVIDER: 'powerdns',
      PDNS_API_URL: pdns.url,
      PDNS_API_KEY: PDNS_KEY,
      ODOO_URL: odoo.url,
      ODOO_DB: 'acme',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: ODOO_PASSWORD,
    });
  });
  afterAll(async () => {
    await system?.stop();
    await Promise.all([pdns?.close(), odoo?.close()]);
    rmSync(templatesDir, { recursive: true, force: true });
  });

  it('refuses a live run with 422 listing every failed check, and records nothing', async () => {
    const plan = await planWithVanishedTemplate('vanished_live_v1', 'preflight-live.example', false);
    const response = await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);

    expect(response.status).toBe(422);
    expect(response.body.details.preflight.passed).toBe(false);
    expect(failedChecks(response.body)).toEqual(
      ['deploy_target', 'disk_space', 'dns_provider', 'odoo', 'template:vanished_live_v1', ...plan.steps.filter((step: any) => !LIVE_CAPABLE_ACTIONS.includes(step.action)).map((step: any) => `live:${step.action}`)].sort(),
    );
    const failed = response.body.details.preflight.checks.filter((check: any) => !check.passed);
    for (const check of failed) expect(response.body.message).toContain(check.detail);
    expect(failed.find((check: any) => check.check === 'dns_provider').detail).toBe(`PowerDNS at ${pdns.url}/ refused PDNS_API_KEY (HTTP 401)`);
    expect(failed.find((check: any) => check.check === 'odoo').detail).toMatch(/refused the login ODOO_USER=admin with ODOO_PASSWORD on database ODOO_DB=acme \(authenticate returned false\)$/);
    expect(failed.find((check: any) => check.check === 'disk_space').detail).toMatch(/PREFLIGHT_MIN_FREE_MB requires 1099511627776 MB$/);
    expect(failed.find((check: any) => check.check === 'deploy_target').detail).toContain(`the deploy target ${join(dataDir, 'sites')} is not writable`);
    // The probes really asked, with the configured credentials; the answer never shows them.
    expect(pdns.requests.some((request) => request.headers['x-api-key'] === PDNS_KEY)).toBe(true);
    expect(odoo.requests.some((request) => request.body.includes('<methodName>authenticate</methodName>'))).toBe(true);
    expect(response.raw).not.toContain(PDNS_KEY);
    expect(response.raw).not.toContain(ODOO_PASSWORD);

    expect(await runRows(plan.plan_id)).toBe(0);
    expect((await call('GET', `/api/factory/${plan.plan_id}`)).body).toMatchObject({ status: 'draft', run: null });
    const events = (await call('GET', `/api/sovereign/audit/events?plan_id=${plan.plan_id}`)).body.events;
    expect(events.map((event: any) => event.event_type)).toEqual(['factory.plan_generated']);
  });

  it('refuses a dry run whose template vanished after review (a dry run renders it), with only the checks a dry run needs', async () => {
    const plan = await planWithVanishedTemplate('vanished_dry_v1', 'preflight-dry.example', true);
    const response = await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);
    expect(response.status).toBe(422);
    expect(failedChecks(response.body)).toEqual(['disk_space', 'template:vanished_dry_v1']);
    expect(response.body.message).toContain('template vanished_dry_v1 does not exist in the template registry');
    expect(response.body.details.preflight.checks[0]).toEqual({ check: 'mode', passed: true, detail: 'dry run: no external system is changed' });
    expect(await runRows(plan.plan_id)).toBe(0);
  });

  it('probes before locking the plan row, and reports a system that never answers as a timeout', async () => {
    const planned = await call('POST', '/api/factory/plan', { ...QUICK_START, dry_run: false, website_config: { ...QUICK_START.website_config, domain: 'preflight-slow.example' } });
    const planId = planned.body.plan_id;
    odooHangs = true;
    try {
      const seen = odoo.requests.length;
      const executing = call('POST', `/api/factory/execute?plan_id=${planId}&confirm=true`);
      await eventually(async () => (odoo.requests.length > seen ? true : undefined));
      // While the gateway waits for Odoo, the plan row is free: NOWAIT would fail at once on a held lock.
      const locked = await system.runtime.dataSource.transaction((manager) => manager.query('SELECT id FROM plans WHERE id = $1 FOR UPDATE NOWAIT', [planId]));
      expect(locked).toEqual([{ id: planId }]);
      const response = await executing;
      expect(response.status).toBe(422);
      const odooCheck = response.body.details.preflight.checks.find((check: any) => check.check === 'odoo');
      expect(odooCheck).toEqual({ check: 'odoo', passed: false, detail: `Odoo did not answer at ${odoo.url}/xmlrpc/2/common: no answer within ${TIMEOUT_MS} ms (PREFLIGHT_TIMEOUT_MS)` });
      expect(await runRows(planId)).toBe(0);
    } finally {
      odooHangs = false;
    }
  });
});
