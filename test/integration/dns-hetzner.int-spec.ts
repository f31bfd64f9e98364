import { DnsProviderError, DnsZone, RecordSet } from '@bf/dns';
import { HetznerCloudClient, HetznerCloudDnsProvider, HetznerCloudDnsOptions } from '../../libs/dns/src/hetzner/hetzner-cloud.provider';
import { hetznerDnsDouble, HetznerDnsDoubleOptions } from '../doubles/hetzner-dns.double';
import { closedPortUrl, HttpDouble, neverAnswers, startHttpDouble } from '../doubles/http-double';

const TOKEN = 'hcloud-secret-token-0123456789';
const ZONE = 'acme.example';

/** The Hetzner Cloud DNS provider against a protocol-faithful double of the Cloud API, over real HTTP. */
describe('Hetzner Cloud DNS provider (against the API double)', () => {
  const servers: HttpDouble[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  async function setup(doubleOptions: Partial<HetznerDnsDoubleOptions> = {}, providerOptions: Partial<HetznerCloudDnsOptions> = {}) {
    const handler = hetznerDnsDouble({ token: TOKEN, zones: [{ name: ZONE, id: 100, ttl: 3600 }], ...doubleOptions });
    const http = await startHttpDouble(handler);
    servers.push(http);
    const sleeps: number[] = [];
    const options: HetznerCloudDnsOptions = {
      apiUrl: `${http.url}/v1/`,
      token: TOKEN,
      timeoutMs: 2000,
      actionPollMs: 10,
      sleep: async (ms) => void sleeps.push(ms),
      ...providerOptions,
    };
    const provider = new HetznerCloudDnsProvider(options);
    return { api: handler.api, http, sleeps, provider, options };
  }

  async function rejection(promise: Promise<unknown>): Promise<DnsProviderError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DnsProviderError);
    return error as DnsProviderError;
  }

  const zone: DnsZone = { name: ZONE, id: '100' };
  const desired: RecordSet[] = [
    { name: ZONE, type: 'A', ttl: 300, values: ['203.0.113.10'] },
    { name: ZONE, type: 'AAAA', ttl: 300, values: ['2001:DB8::10'] },
    { name: ZONE, type: 'MX', ttl: 300, values: ['10 mail.acme.example'] },
    { name: ZONE, type: 'TXT', ttl: 300, values: ['v=spf1 -all'] },
    { name: `WWW.${ZONE}.`, type: 'CNAME', ttl: 300, values: [ZONE] },
  ];

  describe('zones', () => {
    it('finds a zone by name, with its numeric id as the handle, and null for an unknown one', async () => {
      const { provider, http } = await setup();
      expect(await provider.findZone('Acme.Example.')).toEqual({ name: ZONE, id: '100' });
      expect(await provider.findZone('other.example')).toBeNull();
      expect(http.requests[0]).toMatchObject({ method: 'GET', path: '/v1/zones?name=acme.example', headers: { authorization: `Bearer ${TOKEN}` } });
    });

    it('creates a zone through its action and is idempotent on the second call (uniqueness_error → re-read)', async () => {
      const { provider, api } = await setup({ actionDelayPolls: 2 });
      const created = await provider.createZone('new.example');
      expect(created).toEqual({ name: 'new.example', id: String(api.zone('new.example')!.id) });
      expect(api.actionPolls()).toBe(2);
      expect(await provider.createZone('new.example')).toEqual(created);
      expect(api.zoneNames().filter((name) => name === 'new.example')).toHaveLength(1);
      expect(api.writes().map((call) => call.status)).toEqual([201, 409]);
      // A fresh zone carries Hetzner's SOA and NS, with the zone's default TTL.
      expect((await provider.listRecordSets(created)).map((set) => [set.type, set.ttl])).toEqual([
        ['SOA', 3600],
        ['NS', 3600],
      ]);
    });
  });

  describe('record sets', () => {
    it('upserts A, AAAA, MX, TXT at the apex and a CNAME at www through polled actions, with relative names and quoted TXT on the wire', async () => {
      const { provider, api, http } = await setup({ actionDelayPolls: 2 });
      for (const set of desired) await provider.upsertRecordSet(zone, set);

      expect(api.actionPolls()).toBe(desired.length * 2);
      const creates = http.requests.filter((request) => request.method === 'POST').map((request) => JSON.parse(request.body));
      expect(creates).toEqual([
        { name: '@', type: 'A', ttl: 300, records: [{ value: '203.0.113.10' }] },
        { name: '@', type: 'AAAA', ttl: 300, records: [{ value: '2001:db8::10' }] },
        { name: '@', type: 'MX', ttl: 300, records: [{ value: '10 mail.acme.example.' }] },
        { name: '@', type: 'TXT', ttl: 300, records: [{ value: '"v=spf1 -all"' }] },
        { name: 'www', type: 'CNAME', ttl: 300, records: [{ value: 'acme.example.' }] },
      ]);
      expect(api.rrsets(ZONE).filter((set) => !['SOA', 'NS'].includes(set.type))).toEqual([
        { name: '@', type: 'A', ttl: 300, values: ['203.0.113.10'] },
        { name: '@', type: 'AAAA', ttl: 300, values: ['2001:db8::10'] },
        { name: '@', type: 'MX', ttl: 300, values: ['10 mail.acme.example.'] },
        { name: '@', type: 'TXT', ttl: 300, values: ['"v=spf1 -all"'] },
        { name: 'www', type: 'CNAME', ttl: 300, values: ['acme.example.'] },
      ]);
      expect(await provider.getRecordSet(zone, `www.${ZONE}`, 'cname')).toEqual({ name: `www.${ZONE}`, type: 'CNAME', ttl: 300, values: ['acme.example.'] });
      expect(await provider.getRecordSet(zone, ZONE, 'TXT')).toEqual({ name: ZONE, type: 'TXT', ttl: 300, values: ['"v=spf1 -all"'] });
      expect(await provider.getRecordSet(zone, `nope.${ZONE}`, 'A')).toBeNull();
      const listed = await provider.listRecordSets(zone);
      expect(listed.map((set) => `${set.name} ${set.type}`).sort()).toEqual(
        [`${ZONE} A`, `${ZONE} AAAA`, `${ZONE} MX`, `${ZONE} NS`, `${ZONE} SOA`, `${ZONE} TXT`, `www.${ZONE} CNAME`].sort(),
      );
      expect(listed.find((set) => set.type === 'NS')).toEqual({ name: ZONE, type: 'NS', ttl: 3600, values: ['helium.ns.hetzner.de.', 'hydrogen.ns.hetzner.com.', 'oxygen.ns.hetzner.com.'] });
    });

    it('makes no write on a re-run and leaves exactly one rrset per name and type', async () => {
      const { provider, api } = await setup();
      for (const set of desired) await provider.upsertRecordSet(zone, set);
      const before = api.rrsets(ZONE);
      const writes = api.writes().length;

      for (const set of desired) await provider.upsertRecordSet(zone, set);
      expect(api.writes()).toHaveLength(writes);
      expect(api.rrsets(ZONE)).toEqual(before);
      expect(new Set(before.map((set) => `${set.name}/${set.type}`)).size).toBe(before.length);
    });

    it('treats an rrset with ttl null as having the zone default, and relative host values as relative to the zone', async () => {
      const { provider, api } = await setup({
        rrsets: { [ZONE]: [{ name: '@', type: 'MX', ttl: null, values: ['10 mail'] }, { name: 'www', type: 'CNAME', values: ['@'] }] },
      });
      expect(await provider.getRecordSet(zone, ZONE, 'MX')).toEqual({ name: ZONE, type: 'MX', ttl: 3600, values: ['10 mail.acme.example.'] });
      expect(await provider.getRecordSet(zone, `www.${ZONE}`, 'CNAME')).toMatchObject({ values: ['acme.example.'] });
      await provider.upsertRecordSet(zone, { name: ZONE, type: 'MX', ttl: 3600, values: ['10 mail.acme.example.'] });
      expect(api.writes()).toEqual([]);
    });

    it('replaces values with set_records and the TTL with change_ttl, each only when it differs', async () => {
      const { provider, api, http } = await setup({ actionDelayPolls: 1 });
      await provider.upsertRecordSet(zone, desired[0]);
      const mark = http.requests.length;

      await provider.upsertRecordSet(zone, { name: ZONE, type: 'A', ttl: 600, values: ['203.0.113.20', '203.0.113.11'] });
      const writes = http.requests.slice(mark).filter((request) => request.method !== 'GET');
      expect(writes.map((request) => [request.path, JSON.parse(request.body)])).toEqual([
        [`/v1/zones/100/rrsets/@/A/actions/set_records`, { records: [{ value: '203.0.113.11' }, { value: '203.0.113.20' }] }],
        [`/v1/zones/100/rrsets/@/A/actions/change_ttl`, { ttl: 600 }],
      ]);
      expect(api.rrset(ZONE, '@', 'A')).toEqual({ name: '@', type: 'A', ttl: 600, values: ['203.0.113.11', '203.0.113.20'] });

      const mark2 = http.requests.length;
      await provider.upsertRecordSet(zone, { name: ZONE, type: 'A', ttl: 120, values: ['203.0.113.20', '203.0.113.11'] });
      expect(http.requests.slice(mark2).filter((request) => request.method !== 'GET').map((request) => request.path)).toEqual([`/v1/zones/100/rrsets/@/A/actions/change_ttl`]);
      expect(api.rrset(ZONE, '@', 'A')?.ttl).toBe(120);
    });

    it('deletes through the action, and deleting a missing rrset is not an error', async () => {
      const { provider, api } = await setup({ actionDelayPolls: 1 });
      await provider.upsertRecordSet(zone, desired[4]);
      await provider.deleteRecordSet(zone, `www.${ZONE}`, 'CNAME');
      expect(api.rrset(ZONE, 'www', 'CNAME')).toBeUndefined();
      await expect(provider.deleteRecordSet(zone, `www.${ZONE}`, 'CNAME')).resolves.toBeUndefined();
      expect(api.writes().map((call) => [call.method, call.status])).toEqual([
        ['POST', 201],
        ['DELETE', 201],
        ['DELETE', 404],
      ]);
    });

    it('refuses a name outside the zone without calling the API', async () => {
      const { provider, http } = await setup();
      const error = await rejection(provider.upsertRecordSet(zone, { name: 'acme.other', type: 'A', ttl: 300, values: ['203.0.113.1'] }));
      expect(error).toMatchObject({ message: 'acme.other is not inside the zone acme.example', retryable: false });
      expect(http.requests).toEqual([]);
    });

    it('pages through a zone with more rrsets than one page holds', async () => {
      const many = Array.from({ length: 60 }, (_, index) => ({ name: `host${index}`, type: 'A', ttl: 300, values: [`192.0.2.${index + 1}`] }));
      const { provider, http } = await setup({ rrsets: { [ZONE]: many } });
      expect(await provider.listRecordSets(zone)).toHaveLength(62);
      expect(http.requests.filter((request) => request.path.includes('/rrsets?')).map((request) => request.path)).toEqual([
        '/v1/zones/100/rrsets?page=1&per_page=50',
        '/v1/zones/100/rrsets?page=2&per_page=50',
      ]);
    });
  });

  describe('actions', () => {
    it('turns an action that ends in error into a DnsProviderError with its message, and the change is not made', async () => {
      const { provider, api } = await setup({ actionDelayPolls: 2 });
      api.failNextAction({ code: 'action_failed', message: 'the nameservers rejected the change' });
      const error = await rejection(provider.upsertRecordSet(zone, desired[0]));
      expect(error.message).toBe('the Hetzner Cloud action create_rrset (1) failed: action_failed: the nameservers rejected the change');
      expect(error.options).toMatchObject({ code: 'action_failed', retryable: false });
      expect(api.rrset(ZONE, '@', 'A')).toBeUndefined();
    });

    it('gives up, retryable, on an action that is still running after actionTimeoutMs', async () => {
      const { provider } = await setup({ actionDelayPolls: 100 }, { actionPollMs: 10, actionTimeoutMs: 50 });
      const error = await rejection(provider.upsertRecordSet(zone, desired[0]));
      expect(error).toMatchObject({ message: 'the Hetzner Cloud action create_rrset (1) was still running after 50 ms', retryable: true });
    });
  });

  describe('errors', () => {
    it('retries a 429 after RateLimit-Reset and succeeds', async () => {
      const { provider, api, sleeps } = await setup();
      api.rateLimitNext(2, { resetInSeconds: 2 });
      expect(await provider.findZone(ZONE)).toEqual(zone);
      expect(api.calls.map((call) => call.status)).toEqual([429, 429, 200]);
      expect(sleeps).toHaveLength(2);
      for (const ms of sleeps) {
        expect(ms).toBeGreaterThan(0);
        expect(ms).toBeLessThanOrEqual(2000);
      }
    });

    it('caps a long Retry-After and gives up as retryable after maxAttempts', async () => {
      const { provider, api, sleeps } = await setup({}, { maxAttempts: 3 });
      api.rateLimitNext(10, { retryAfterSeconds: 600 });
      const error = await rejection(provider.findZone(ZONE));
      expect(error.options).toEqual({ status: 429, code: 'rate_limit_exceeded', retryable: true, retryAfterMs: 30_000 });
      expect(error.message).toBe('the Hetzner Cloud API rate limit was hit on GET /zones?name=acme.example (HTTP 429 rate_limit_exceeded: limit of 3600 requests per hour reached)');
      expect(api.calls).toHaveLength(3);
      expect(sleeps).toEqual([30_000, 30_000]);
    });

    it('retries 5xx with exponential backoff, then gives up as retryable', async () => {
      const { provider, api, sleeps } = await setup();
      api.failNextRequests(2);
      expect(await provider.findZone(ZONE)).toEqual(zone);
      expect(sleeps).toEqual([250, 500]);

      api.failNextRequests(4);
      const error = await rejection(provider.findZone(ZONE));
      expect(error.options).toEqual({ status: 503, code: 'unavailable', retryable: true });
      expect(sleeps).toEqual([250, 500, 250, 500, 1000]);
    });

    it('maps a refused token to a 401 DnsProviderError, not retryable, without the token', async () => {
      const { provider, http } = await setup({}, { token: `${TOKEN}-wrong` });
      const error = await rejection(provider.findZone(ZONE));
      expect(error.message).toBe('the Hetzner Cloud API refused the token (HTTP 401 unauthorized: unable to authenticate): check HETZNER_DNS_TOKEN');
      expect(error.options).toEqual({ status: 401, code: 'unauthorized', retryable: false });
      expect(error.message).not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect(http.requests).toHaveLength(1);
    });

    it('maps invalid_input with its field details: an unquoted TXT sent raw, and a CNAME at the apex', async () => {
      const { provider, options } = await setup();
      const client = new HetznerCloudClient(options, async () => undefined);
      const raw = await rejection(client.request('POST', '/zones/100/rrsets', { name: '@', type: 'TXT', records: [{ value: 'v=spf1 -all' }] }));
      expect(raw.options).toEqual({ status: 400, code: 'invalid_input', retryable: false });
      expect(raw.message).toBe(
        `the Hetzner Cloud API refused POST /zones/100/rrsets (HTTP 400 invalid_input: invalid input in field 'records[0].value'; records[0].value: TXT values must be quoted character-strings, e.g. "v=spf1 -all")`,
      );

      const apex = await rejection(provider.upsertRecordSet(zone, { name: ZONE, type: 'CNAME', ttl: 300, values: ['elsewhere.example'] }));
      expect(apex.options).toMatchObject({ status: 400, code: 'invalid_input', retryable: false });
      expect(apex.message).toContain('a CNAME record is not allowed at the zone apex');
    });

    it('maps an unknown zone to not_found', async () => {
      const { provider } = await setup();
      const error = await rejection(provider.upsertRecordSet({ name: 'gone.example', id: '999' }, { name: 'gone.example', type: 'A', ttl: 300, values: ['192.0.2.1'] }));
      expect(error.options).toMatchObject({ status: 404, code: 'not_found', retryable: false });
    });

    it('retries network failures and gives up as retryable: connection refused, and no answer within timeoutMs', async () => {
      const refused = new HetznerCloudDnsProvider({ apiUrl: await closedPortUrl(), token: TOKEN, timeoutMs: 500, maxAttempts: 2, sleep: async () => undefined });
      const refusedError = await rejection(refused.findZone(ZONE));
      expect(refusedError).toMatchObject({ retryable: true, message: expect.stringContaining('connection refused (ECONNREFUSED)') });

      const silent = await startHttpDouble(neverAnswers);
      servers.push(silent);
      const slow = new HetznerCloudDnsProvider({ apiUrl: silent.url, token: TOKEN, timeoutMs: 100, maxAttempts: 2, sleep: async () => undefined });
      const slowError = await rejection(slow.findZone(ZONE));
      expect(slowError).toMatchObject({ retryable: true, message: 'the Hetzner Cloud API did not answer GET /zones?name=acme.example: no answer within 100 ms' });
      expect(silent.requests).toHaveLength(2);
    });
  });

  it('names the configured verification server as authoritative, or none', async () => {
    const { provider } = await setup({}, { verifyServer: { host: '127.0.0.1', port: 5353 } });
    expect(await provider.authoritativeServer(zone)).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(await (await setup()).provider.authoritativeServer(zone)).toBeNull();
  });
});
