import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';
import { freePort } from '../support/net';

const DOMAIN = 'dns-live.example';

/** The website's two steps and the DNS step that points the domain at it, all live. */
function siteWithDnsGraph(graphId: string) {
  return {
    graph_id: graphId,
    business_intent_id: `intent_${graphId}`,
    nodes: [
      { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Resolvable GmbH', domain: DOMAIN, pages: ['home', 'contact'], primary_color: '#1e40af' } },
      { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: DOMAIN } },
      { node_id: 'dns', node_type: 'dns.configure', depends_on: ['deploy'], executor_params: { domain: DOMAIN, records: ['A', 'AAAA', 'www CNAME'] } },
    ],
  };
}

/** Asynchronous on purpose: the DNS server answering it runs in this very process. */
async function dig(port: number, name: string, type: string, ...options: string[]): Promise<string> {
  return (await promisify(execFile)('dig', [`@127.0.0.1`, '-p', String(port), name, type, '+time=2', '+tries=1', ...options], { encoding: 'utf8' })).stdout;
}

/**
 * A live run through the gateway and workers with the embedded DNS provider:
 * records land in PostgreSQL, the dns worker's built-in server answers them over
 * real DNS, the operators' route lists them, the evidence pack carries them,
 * and a rollback takes them away again.
 */
describe('live DNS with the embedded server (gateway + workers, real Redis, PostgreSQL and DNS)', () => {
  let system: RunningSystem;
  let dnsPort: number;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method, headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: (type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer())) as any };
  };

  beforeAll(async () => {
    dnsPort = await freePort();
    const webPort = await freePort();
    system = await startTestSystem('dnslive', { PORT: String(webPort), DNS_SERVER_PORT: String(dnsPort), DNS_WEB_IPV4: '203.0.113.10', DNS_WEB_IPV6: '2001:db8::10', DNS_TTL: '600', SITE_SCREENSHOT: 'off' });
  });
  afterAll(() => system?.stop());

  it('writes the records, verifies them over DNS, lists them, packs them as evidence and rolls them back', async () => {
    const run = await call('POST', '/api/pipeline/execute', siteWithDnsGraph('dns-live-a'));
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'completed', dry_run: false, failed_nodes: [] });
    const dns = run.body.node_results.dns.result;
    expect(dns).toMatchObject({ mode: 'live', provider: 'embedded', zone: DOMAIN, zone_created: true });
    expect(dns.changes.map((change: any) => `${change.action} ${change.name} ${change.type}`)).toEqual([`create ${DOMAIN} A`, `create ${DOMAIN} AAAA`, `create www.${DOMAIN} CNAME`, `create _bf-owner.${DOMAIN} TXT`]);
    expect(dns.verification).toMatchObject({ checked: true, all_match: true, server: `127.0.0.1:${dnsPort}` });
    expect(dns.verification.record_sets.every((set: any) => set.authoritative && set.rcode === 'NOERROR')).toBe(true);

    // What any resolver would be told.
    expect((await dig(dnsPort, DOMAIN, 'A', '+short')).trim()).toBe('203.0.113.10');
    expect((await dig(dnsPort, DOMAIN, 'AAAA', '+short')).trim()).toBe('2001:db8::10');
    const www = await dig(dnsPort, `www.${DOMAIN}`, 'A');
    expect(www).toMatch(/status: NOERROR/);
    expect(www).toMatch(/flags: qr aa/);
    expect(www).toMatch(new RegExp(`www\\.${DOMAIN.replace('.', '\\.')}\\.\\s+600\\s+IN\\s+CNAME\\s+${DOMAIN.replace('.', '\\.')}\\.`));
    expect(await dig(dnsPort, `nothing.${DOMAIN}`, 'A')).toMatch(/status: NXDOMAIN/);

    // The operators' view of the zone.
    const listed = await call('GET', `/api/v1/dns/zones/${DOMAIN}/records`);
    expect(listed.status).toBe(200);
    expect(listed.body.provider).toBe('embedded');
    expect(listed.body.record_sets.map((set: any) => `${set.name} ${set.type}`)).toEqual(
      expect.arrayContaining([`${DOMAIN} A`, `${DOMAIN} AAAA`, `${DOMAIN} NS`, `${DOMAIN} SOA`, `www.${DOMAIN} CNAME`, `_bf-owner.${DOMAIN} TXT`]),
    );
    expect((await call('GET', '/api/v1/dns/zones/unknown-zone.example/records')).status).toBe(404);
    const bad = await call('GET', '/api/v1/dns/zones/not%20a%20zone/records');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/zone/);

    // The evidence pack carries the step's records and their verification.
    const pack = await eventually(async () => {
      const download = await call('GET', `/api/factory/${run.body.plan_id}/evidence`);
      return download.status === 200 ? (download.body as Buffer) : undefined;
    });
    const dir = mkdtempSync(join(tmpdir(), 'bf-dns-pack-'));
    writeFileSync(join(dir, 'pack.zip'), pack);
    execFileSync('unzip', ['-q', 'pack.zip'], { cwd: dir });
    const listing = execFileSync('find', ['.', '-name', 'dns_*.json'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toEqual([expect.stringMatching(/^\.\/steps\/step_3_[a-z_]+\/dns_records\.json$/), expect.stringMatching(/^\.\/steps\/step_3_[a-z_]+\/dns_verification\.json$/)]);
    expect(execFileSync('sha256sum', ['-c', 'verification_checksums.txt'], { cwd: dir, encoding: 'utf8' })).not.toMatch(/FAILED/);

    // The same records again: nothing to change.
    const again = await call('POST', '/api/pipeline/execute', siteWithDnsGraph('dns-live-b'));
    expect(again.body.node_results.dns.result.changes.map((change: any) => change.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);

    // Rolling back the first run removes what it created; the unchanged second run had nothing to undo.
    const rollback = await call('POST', `/api/factory/${run.body.plan_id}/rollback`);
    expect(rollback.body).toMatchObject({ success: true, status: 'rolled_back' });
    expect(await dig(dnsPort, DOMAIN, 'A')).toMatch(/status: NOERROR/); // the zone stays; its apex has SOA and NS
    expect((await dig(dnsPort, DOMAIN, 'A', '+short')).trim()).toBe('');
    expect(await dig(dnsPort, `www.${DOMAIN}`, 'CNAME')).toMatch(/status: NXDOMAIN/);
  });

  it('plans a dry run against what the zone holds, without writing', async () => {
    const graph = { ...siteWithDnsGraph('dns-dry-a'), nodes: siteWithDnsGraph('dns-dry-a').nodes.map((node) => (node.node_id === 'dns' ? { ...node, executor_params: { domain: 'dns-dry.example', records: ['A'] } } : node)) };
    const dry = await call('POST', '/api/pipeline/dry-run', { ...graph, nodes: graph.nodes.map((node) => ({ ...node, executor_params: { ...node.executor_params, domain: 'dns-dry.example' } })) });
    expect(dry.status).toBe(200);
    const plan = dry.body.execution_result.node_results.dns.result;
    expect(plan).toMatchObject({ mode: 'dry_run', provider: 'embedded', zone: 'dns-dry.example', zone_exists: false });
    expect(plan.plan.map((change: any) => change.action)).toEqual(['create', 'create']);
    expect(await dig(dnsPort, 'dns-dry.example', 'A')).toMatch(/status: REFUSED/);
  });
});
