import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDns } from '@bf/dns';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';
import { filesUnder, statusWithHost } from '../support/http';
import { freePort } from '../support/net';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const ODOO_PASSWORD = 'odoo-admin-secret-never-shown';



/**
 * The seed's Complete Example, everything live: the website on the built-in
 * host, DNS on the embedded server, and the ERP branch against the Odoo double
 * (the test stand-in for a real Odoo, configured like one through ODOO_*).
 * Then a contact form post becomes a CRM lead, and a rollback undoes it all.
 */
describe('the Acme briefing, live end to end (gateway + workers; Odoo double)', () => {
  let odoo: OdooDouble;
  let system: RunningSystem;
  let port: number;
  let dnsPort: number;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const raw = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, raw, body: type.includes('json') ? JSON.parse(raw.toString('utf8')) : raw } as { status: number; raw: Buffer; body: any };
  };

  beforeAll(async () => {
    odoo = await OdooDouble.start({ db: 'acme', login: 'admin', password: ODOO_PASSWORD, version: '17.0' });
    port = await freePort();
    dnsPort = await freePort();
    system = await startTestSystem('fulllive', {
      PORT: String(port),
      DNS_SERVER_PORT: String(dnsPort),
      SITE_SCREENSHOT: 'off',
      ODOO_URL: odoo.url,
      ODOO_DB: 'acme',
      ODOO_USER: 'admin',
      ODOO_PASSWORD,
    });
  });
  afterAll(async () => {
    await system?.stop();
    await odoo?.close();
  });

  it('stands the business up, turns a contact form post into a lead, proves it in the evidence pack and rolls it all back', async () => {
    const briefing = JSON.parse(readFileSync(join(__dirname, '../../templates/briefings/acme-consulting.json'), 'utf8'));
    const plan = await call('POST', '/api/factory/plan', briefing);
    expect(plan.status).toBe(201);
    if (plan.body.status === 'pending_approval') {
      expect((await call('POST', `/api/v1/plans/${plan.body.plan_id}/approve`, { approved_by: 'e2e reviewer' })).status).toBe(200);
    }
    const started = await call('POST', `/api/factory/execute?plan_id=${plan.body.plan_id}&confirm=true`);
    expect(started.status).toBe(202);
    const done = await eventually(async () => {
      const state = await call('GET', `/api/factory/${plan.body.plan_id}`);
      return state.body.run?.status === 'running' ? undefined : state.body;
    }, 60_000);
    expect(done.run).toMatchObject({ status: 'completed', dry_run: false, dry_run_steps: [] });
    expect(done.steps.every((step: any) => step.status === 'completed' && step.mode === 'live')).toBe(true);

    // What the business now has.
    expect(await statusWithHost(port, 'acme.example')).toBe(200);
    const a = await queryDns({ host: '127.0.0.1', port: dnsPort, name: 'acme.example', type: 'A', timeoutMs: 2000 });
    expect(a).toMatchObject({ rcode: 'NOERROR', authoritative: true });
    for (const module of ['crm', 'project', 'hr_timesheet', 'account']) expect(odoo.moduleState(module)).toBe('installed');
    expect(odoo.user('admin@acme.example')).toBeDefined();
    expect(odoo.language('de_DE')).toMatchObject({ active: true });

    // The website's contact form reaches the CRM.
    const posted = await call('POST', '/api/v1/sites/acme.example/contact', { name: 'Grace Hopper', email: 'grace@example.com', message: 'Please call me back' });
    expect(posted.status).toBe(201);
    const lead = await eventually(async () => odoo.records('crm.lead').find((record) => record.email_from === 'grace@example.com'), 20_000);
    expect(lead).toMatchObject({ contact_name: 'Grace Hopper' });

    // The evidence pack carries the ERP's own proof, and never the password.
    const pack = await eventually(async () => {
      const download = await call('GET', `/api/factory/${plan.body.plan_id}/evidence`);
      return download.status === 200 ? download.raw : undefined;
    }, 30_000);
    const dir = mkdtempSync(join(tmpdir(), 'bf-full-pack-'));
    writeFileSync(join(dir, 'pack.zip'), pack);
    execFileSync('unzip', ['-q', 'pack.zip', '-d', 'pack'], { cwd: dir });
    const names = filesUnder(join(dir, 'pack')).map((path) => path.slice(join(dir, 'pack').length + 1));
    for (const expected of ['installed_modules.json', 'odoo_config_export.json', 'dns_records.json', 'health_check_result.json', 'validation_results.json']) {
      expect(names.some((name) => name.endsWith(`/${expected}`))).toBe(true);
    }
    const audit = await call('GET', `/api/sovereign/audit/events?plan_id=${plan.body.plan_id}&limit=500`);
    for (const content of [started.raw, audit.raw, (await call('GET', `/api/factory/${plan.body.plan_id}`)).raw, ...filesUnder(join(dir, 'pack')).map((path) => readFileSync(path))]) {
      expect(content.includes(ODOO_PASSWORD)).toBe(false);
    }

    // Undo.
    const rollback = await call('POST', `/api/factory/${plan.body.plan_id}/rollback`);
    expect(rollback.body).toMatchObject({ success: true, status: 'rolled_back', errors: [] });
    for (const module of ['crm', 'project', 'hr_timesheet', 'account']) expect(odoo.moduleState(module)).toBe('uninstalled');
    expect(odoo.user('admin@acme.example')?.active ?? false).toBe(false);
    expect(await statusWithHost(port, 'acme.example')).toBe(404);
    expect((await queryDns({ host: '127.0.0.1', port: dnsPort, name: 'www.acme.example', type: 'CNAME', timeoutMs: 2000 })).rcode).toBe('NXDOMAIN');
  });
});
