import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDns } from '@bf/dns';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { filesUnder } from '../support/http';
import { freePort } from '../support/net';
import { PowerDnsServer, startPowerDns } from '../support/pdns-server';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const DOMAIN = 'pdns-live.example';

function graph(graphId: string) {
  return {
    graph_id: graphId,
    business_intent_id: `intent_${graphId}`,
    nodes: [
      { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Powered GmbH', domain: DOMAIN, pages: ['home'], primary_color: '#0f766e' } },
      { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: DOMAIN } },
      { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain: DOMAIN, records: ['A', 'www CNAME', 'MX'], mx: [{ preference: 10, exchange: `mail.${DOMAIN}` }] } },
    ],
  };
}


/**
 * A live run against a real pdns_server through the whole system, and the
 * promise that its API key is never handed out: not in responses, audit events,
 * plan views, the records listing or any file of the evidence pack.
 */
describe('live DNS through PowerDNS (gateway + workers, real pdns_server)', () => {
  let pdns: PowerDnsServer;
  let system: RunningSystem | undefined;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system!.url}${path}`, { method, headers: { ...authHeaders(system!, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const type = response.headers.get('content-type') ?? '';
    const raw = Buffer.from(await response.arrayBuffer());
    return { status: response.status, raw, body: type.includes('json') ? JSON.parse(raw.toString('utf8')) : raw } as { status: number; raw: Buffer; body: any };
  };
  const boot = async (apiKey: string) => {
    await system?.stop();
    system = await startTestSystem('dnspdns', { PORT: String(await freePort()), DNS_PROVIDER: 'powerdns', PDNS_API_URL: pdns.apiUrl, PDNS_API_KEY: apiKey, PDNS_DNS_ADDRESS: `${pdns.dnsHost}:${pdns.dnsPort}`, DNS_WEB_IPV4: '198.51.100.20', SITE_SCREENSHOT: 'off' });
  };

  beforeAll(async () => {
    pdns = await startPowerDns();
  }, 30_000);
  afterAll(async () => {
    await system?.stop();
    await pdns?.stop();
  });

  it('refuses to start a live run with a wrong key, naming the variable and never the value', async () => {
    const wrongKey = 'wrong-key-that-must-not-leak-0123';
    await boot(wrongKey);
    const refused = await call('POST', '/api/pipeline/execute', graph('pdns-refused'));
    expect(refused.status).toBe(422);
    expect(refused.raw.toString('utf8')).toMatch(/refused PDNS_API_KEY \(HTTP 401\)/);
    expect(refused.raw.toString('utf8')).not.toContain(wrongKey);
  });

  it('writes the records to PowerDNS, confirms them over DNS, and hands the key out nowhere', async () => {
    await boot(pdns.apiKey);
    const run = await call('POST', '/api/pipeline/execute', graph('pdns-live'));
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'completed', failed_nodes: [] });
    const dns = run.body.node_results.dns.result;
    expect(dns).toMatchObject({ provider: 'powerdns', zone: DOMAIN, zone_created: true, verification: { checked: true, all_match: true, server: `${pdns.dnsHost}:${pdns.dnsPort}` } });
    const answer = await queryDns({ host: pdns.dnsHost, port: pdns.dnsPort, name: DOMAIN, type: 'MX', timeoutMs: 2000 });
    expect(answer).toMatchObject({ rcode: 'NOERROR', authoritative: true });
    expect(answer.answers.map((record) => record.value)).toEqual([`10 mail.${DOMAIN}.`]);

    const listed = await call('GET', `/api/v1/dns/zones/${DOMAIN}/records`);
    expect(listed.body).toMatchObject({ zone: DOMAIN, provider: 'powerdns' });
    expect(listed.body.record_sets).toEqual(expect.arrayContaining([{ name: DOMAIN, type: 'A', ttl: 3600, values: ['198.51.100.20'] }]));

    const plan = await call('GET', `/api/factory/${run.body.plan_id}`);
    const audit = await call('GET', `/api/sovereign/audit/events?plan_id=${run.body.plan_id}&limit=500`);
    expect(audit.body.events.length).toBeGreaterThan(5);
    const pack = await eventually(async () => {
      const download = await call('GET', `/api/factory/${run.body.plan_id}/evidence`);
      return download.status === 200 ? download.raw : undefined;
    });
    const dir = mkdtempSync(join(tmpdir(), 'bf-pdns-pack-'));
    writeFileSync(join(dir, 'pack.zip'), pack);
    execFileSync('unzip', ['-q', 'pack.zip', '-d', 'pack'], { cwd: dir });
    const packFiles = filesUnder(join(dir, 'pack'));
    expect(packFiles.some((path) => path.endsWith('dns_records.json'))).toBe(true);

    const everythingHandedOut = [run.raw, listed.raw, plan.raw, audit.raw, ...packFiles.map((path) => readFileSync(path))];
    for (const content of everythingHandedOut) expect(content.includes(pdns.apiKey)).toBe(false);
  });
});
