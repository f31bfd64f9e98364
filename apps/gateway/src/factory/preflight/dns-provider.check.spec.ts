import { loadConfig } from '@bf/config';
import { closedPortUrl, HttpDouble, neverAnswers, startHttpDouble } from '../../../../../test/doubles/http-double';
import { hetznerDnsDouble } from '../../../../../test/doubles/hetzner-dns.double';
import { powerDnsDouble } from '../../../../../test/doubles/powerdns.double';
import { planOf } from '../../../../../test/support/preflight-subject';
import { DnsProviderCheck } from './dns-provider.check';

const API_KEY = 'pdns-secret-key-1234';
const TOKEN = 'hetzner-secret-token-5678';
const livePlan = planOf(false, ['website.generate', 'website.deploy', 'dns.configure']);
const checkWith = (env: NodeJS.ProcessEnv) => new DnsProviderCheck(loadConfig({ PREFLIGHT_TIMEOUT_MS: '300', ...env }));

describe(DnsProviderCheck.name, () => {
  const doubles: HttpDouble[] = [];
  const start = async (handler: Parameters<typeof startHttpDouble>[0]) => {
    const double = await startHttpDouble(handler);
    doubles.push(double);
    return double;
  };
  afterAll(() => Promise.all(doubles.map((double) => double.close())));

  it('passes the embedded DNS server without a probe, and says it is in-process', async () => {
    expect(await checkWith({}).run(livePlan)).toEqual([
      { check: 'dns_provider', passed: true, detail: 'DNS_PROVIDER=embedded: records go to the built-in DNS server, which is in-process (127.0.0.1:5300); there is no external system to probe' },
    ]);
  });

  it('applies only to live runs with dns.* steps', async () => {
    const unreachable = { DNS_PROVIDER: 'powerdns' };
    expect(await checkWith(unreachable).run(planOf(true, ['dns.configure']))).toEqual([]);
    expect(await checkWith(unreachable).run(planOf(false, ['website.generate', 'odoo.install_modules']))).toEqual([]);
  });

  describe('PowerDNS', () => {
    it('passes when GET /api/v1/servers/{id} answers with the X-API-Key', async () => {
      const pdns = await start(powerDnsDouble({ apiKey: API_KEY, serverId: 'ns1' }));
      const [result] = await checkWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: `${pdns.url}/`, PDNS_API_KEY: API_KEY, PDNS_SERVER_ID: 'ns1' }).run(livePlan);
      expect(result).toEqual({ check: 'dns_provider', passed: true, detail: `PowerDNS (authoritative 4.7.3) answers at ${pdns.url}/: server ns1, PDNS_API_KEY accepted` });
      expect(pdns.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/api/v1/servers/ns1', headers: expect.objectContaining({ 'x-api-key': API_KEY }) })]);
    });

    it('fails on a refused key (plain-text 401) without showing the key', async () => {
      const pdns = await start(powerDnsDouble({ apiKey: 'another-key' }));
      const [result] = await checkWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: pdns.url, PDNS_API_KEY: API_KEY }).run(livePlan);
      expect(result).toEqual({ check: 'dns_provider', passed: false, detail: `PowerDNS at ${pdns.url}/ refused PDNS_API_KEY (HTTP 401)` });
    });

    it('fails on an unknown server id, naming PDNS_SERVER_ID', async () => {
      const pdns = await start(powerDnsDouble({ apiKey: API_KEY }));
      const [result] = await checkWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: pdns.url, PDNS_API_KEY: API_KEY, PDNS_SERVER_ID: 'nope' }).run(livePlan);
      expect(result).toMatchObject({ passed: false, detail: expect.stringContaining("has no server 'nope' (HTTP 404): check PDNS_SERVER_ID") });
    });

    it('fails naming the missing variables, never their values', async () => {
      expect(await checkWith({ DNS_PROVIDER: 'powerdns' }).run(livePlan)).toEqual([
        { check: 'dns_provider', passed: false, detail: 'DNS_PROVIDER=powerdns needs PDNS_API_URL and PDNS_API_KEY, which are not set' },
      ]);
      expect((await checkWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: 'http://127.0.0.1:1', PDNS_API_KEY: '' }).run(livePlan))[0].detail).toBe(
        'DNS_PROVIDER=powerdns needs PDNS_API_KEY, which is not set',
      );
    });

    it('fails within PREFLIGHT_TIMEOUT_MS when the API never answers', async () => {
      const silent = await start(neverAnswers);
      const started = Date.now();
      const [result] = await checkWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: silent.url, PDNS_API_KEY: API_KEY }).run(livePlan);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(result).toEqual({ check: 'dns_provider', passed: false, detail: `PowerDNS did not answer at ${silent.url}/api/v1/servers/localhost: no answer within 300 ms (PREFLIGHT_TIMEOUT_MS)` });
    });

    it('fails with "connection refused" when nothing listens', async () => {
      const url = await closedPortUrl();
      const [result] = await checkWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: url, PDNS_API_KEY: API_KEY }).run(livePlan);
      expect(result).toEqual({ check: 'dns_provider', passed: false, detail: `PowerDNS did not answer at ${url}/api/v1/servers/localhost: connection refused (ECONNREFUSED)` });
    });
  });

  describe('Hetzner Cloud DNS', () => {
    it('passes when GET /zones?per_page=1 answers with the Bearer token', async () => {
      const hetzner = await start(hetznerDnsDouble({ token: TOKEN }));
      const [result] = await checkWith({ DNS_PROVIDER: 'hetzner', HETZNER_API_URL: `${hetzner.url}/v1`, HETZNER_DNS_TOKEN: TOKEN }).run(livePlan);
      expect(result).toEqual({ check: 'dns_provider', passed: true, detail: `the Hetzner Cloud API answers at ${hetzner.url}/v1 and HETZNER_DNS_TOKEN can read zones` });
      expect(hetzner.requests[0]).toMatchObject({ method: 'GET', path: '/v1/zones?per_page=1', headers: { authorization: `Bearer ${TOKEN}` } });
    });

    it('fails on a refused token with the API error code, without showing the token', async () => {
      const hetzner = await start(hetznerDnsDouble({ token: 'other' }));
      const [result] = await checkWith({ DNS_PROVIDER: 'hetzner', HETZNER_API_URL: `${hetzner.url}/v1`, HETZNER_DNS_TOKEN: TOKEN }).run(livePlan);
      expect(result).toEqual({ check: 'dns_provider', passed: false, detail: `the Hetzner Cloud API at ${hetzner.url}/v1 refused HETZNER_DNS_TOKEN (HTTP 401 unauthorized: unable to authenticate)` });
    });

    it('fails naming HETZNER_DNS_TOKEN when it is missing', async () => {
      expect((await checkWith({ DNS_PROVIDER: 'hetzner' }).run(livePlan))[0]).toEqual({ check: 'dns_provider', passed: false, detail: 'DNS_PROVIDER=hetzner needs HETZNER_DNS_TOKEN, which is not set' });
    });
  });
});
