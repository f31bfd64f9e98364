import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DnsProviderError, DnsZone, RecordSet } from '../../libs/dns/src/dns-provider';
import { PowerDnsProvider, PowerDnsProviderOptions } from '../../libs/dns/src/powerdns/powerdns.provider';
import { closedPortUrl, sendJson, sendText, startHttpDouble } from '../doubles/http-double';
import { PowerDnsServer, startPowerDns } from '../support/pdns-server';

const exec = promisify(execFile);

/** What the zone's own server answers over real DNS (no recursion: authoritative data only). */
async function dig(server: PowerDnsServer, name: string, type: string, ...flags: string[]): Promise<string> {
  const { stdout } = await exec('dig', [`@${server.dnsHost}`, '-p', String(server.dnsPort), name, type, '+norec', '+time=2', '+tries=1', ...flags]);
  return stdout;
}
const digShort = async (server: PowerDnsServer, name: string, type: string) =>
  (await dig(server, name, type, '+short'))
    .split('\n')
    .filter(Boolean)
    .sort();

async function rejection(promise: Promise<unknown>): Promise<DnsProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DnsProviderError);
    return error as DnsProviderError;
  }
  throw new Error('expected the call to fail');
}

describe('PowerDnsProvider against a real pdns_server 4.7', () => {
  let server: PowerDnsServer;
  let provider: PowerDnsProvider;
  const logged: unknown[] = [];
  const logger = { warn: (context: object, message: string) => logged.push({ context, message }) };
  const providerWith = (overrides: Partial<PowerDnsProviderOptions> = {}) =>
    new PowerDnsProvider({
      apiUrl: server.apiUrl,
      apiKey: server.apiKey,
      dnsHost: server.dnsHost,
      dnsPort: server.dnsPort,
      timeoutMs: 5000,
      nameservers: ['NS1.acme.example'],
      logger,
      ...overrides,
    });

  beforeAll(async () => {
    server = await startPowerDns();
    provider = providerWith();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('zones', () => {
    it('finds no zone that does not exist', async () => {
      expect(await provider.findZone('unknown.example')).toBeNull();
    });

    it('creates a zone idempotently, with our nameservers', async () => {
      const zone = await provider.createZone('Zones.Example.');
      expect(zone).toEqual({ name: 'zones.example', id: 'zones.example.' });
      expect(await provider.createZone('zones.example')).toEqual(zone);
      expect(await provider.findZone('zones.example')).toEqual(zone);
      const sets = await provider.listRecordSets(zone);
      expect(sets.map((set) => set.type)).toEqual(['NS', 'SOA']);
      expect(sets.find((set) => set.type === 'NS')?.values).toEqual(['ns1.acme.example.']);
    });
  });

  describe('record sets', () => {
    let zone: DnsZone;
    beforeAll(async () => {
      zone = await provider.createZone('acme.example');
    });

    it('upserts A, AAAA, MX, TXT at the apex and CNAME at www, and reads them back canonical', async () => {
      // Deliberately non-canonical input: mixed case, missing dots, unquoted TXT.
      const input: RecordSet[] = [
        { name: 'ACME.example.', type: 'A', ttl: 300, values: ['203.0.113.10', '203.0.113.11'] },
        { name: 'acme.example', type: 'aaaa', ttl: 300, values: ['2001:DB8::10'] },
        { name: 'acme.example', type: 'MX', ttl: 600, values: ['10 Mail.Acme.Example'] },
        { name: 'acme.example', type: 'TXT', ttl: 300, values: ['v=spf1 -all', '"already quoted"', 'say "hi"'] },
        { name: 'WWW.acme.example', type: 'CNAME', ttl: 300, values: ['acme.example'] },
        { name: 'mail.acme.example', type: 'A', ttl: 300, values: ['203.0.113.25'] },
      ];
      for (const set of input) await provider.upsertRecordSet(zone, set);

      const expected: RecordSet[] = [
        { name: 'acme.example', type: 'A', ttl: 300, values: ['203.0.113.10', '203.0.113.11'] },
        { name: 'acme.example', type: 'AAAA', ttl: 300, values: ['2001:db8::10'] },
        { name: 'acme.example', type: 'MX', ttl: 600, values: ['10 mail.acme.example.'] },
        { name: 'acme.example', type: 'TXT', ttl: 300, values: ['"already quoted"', '"say \\"hi\\""', '"v=spf1 -all"'] },
        { name: 'mail.acme.example', type: 'A', ttl: 300, values: ['203.0.113.25'] },
        { name: 'www.acme.example', type: 'CNAME', ttl: 300, values: ['acme.example.'] },
      ];
      const listed = await provider.listRecordSets(zone);
      expect(listed.filter((set) => !['SOA', 'NS'].includes(set.type))).toEqual(expected);
      for (const set of expected) expect(await provider.getRecordSet(zone, set.name.toUpperCase(), set.type.toLowerCase())).toEqual(set);
      expect(await provider.getRecordSet(zone, 'nothing.acme.example', 'A')).toBeNull();
    });

    it('serves what it stored over real DNS, authoritatively', async () => {
      expect(await digShort(server, 'acme.example', 'A')).toEqual(['203.0.113.10', '203.0.113.11']);
      expect(await digShort(server, 'acme.example', 'AAAA')).toEqual(['2001:db8::10']);
      expect(await digShort(server, 'acme.example', 'MX')).toEqual(['10 mail.acme.example.']);
      expect(await digShort(server, 'acme.example', 'TXT')).toEqual(['"already quoted"', '"say \\"hi\\""', '"v=spf1 -all"']);
      expect(await digShort(server, 'www.acme.example', 'CNAME')).toEqual(['acme.example.']);
      const full = await dig(server, 'www.acme.example', 'A');
      expect(full).toMatch(/status: NOERROR/);
      expect(full).toMatch(/flags: qr aa\b/);
    });

    it('upserting the same set twice leaves exactly one rrset with those values', async () => {
      const set = { name: 'twice.acme.example', type: 'TXT', ttl: 120, values: ['"one"'] };
      await provider.upsertRecordSet(zone, set);
      await provider.upsertRecordSet(zone, set);
      const matching = (await provider.listRecordSets(zone)).filter((s) => s.name === set.name);
      expect(matching).toEqual([set]);
    });

    it('replaces values and TTL, and DNS answers the new values at once', async () => {
      await provider.upsertRecordSet(zone, { name: 'swap.acme.example', type: 'A', ttl: 300, values: ['198.51.100.1', '198.51.100.2'] });
      expect(await digShort(server, 'swap.acme.example', 'A')).toEqual(['198.51.100.1', '198.51.100.2']);
      await provider.upsertRecordSet(zone, { name: 'swap.acme.example', type: 'A', ttl: 60, values: ['198.51.100.3'] });
      expect(await provider.getRecordSet(zone, 'swap.acme.example', 'A')).toEqual({ name: 'swap.acme.example', type: 'A', ttl: 60, values: ['198.51.100.3'] });
      expect(await digShort(server, 'swap.acme.example', 'A')).toEqual(['198.51.100.3']);
    });

    it('deletes a record set, and deleting a missing one is not an error', async () => {
      await provider.upsertRecordSet(zone, { name: 'gone.acme.example', type: 'A', ttl: 300, values: ['198.51.100.9'] });
      await provider.deleteRecordSet(zone, 'Gone.Acme.Example.', 'a');
      expect(await provider.getRecordSet(zone, 'gone.acme.example', 'A')).toBeNull();
      expect(await dig(server, 'gone.acme.example', 'A')).toMatch(/status: NXDOMAIN/);
      await expect(provider.deleteRecordSet(zone, 'gone.acme.example', 'A')).resolves.toBeUndefined();
      await expect(provider.deleteRecordSet(zone, 'never.acme.example', 'MX')).resolves.toBeUndefined();
    });

    it('names its own DNS listener as the authoritative server', async () => {
      expect(await provider.authoritativeServer(zone)).toEqual({ host: '127.0.0.1', port: server.dnsPort });
      expect(await providerWith({ dnsHost: undefined, dnsPort: undefined }).authoritativeServer(zone)).toBeNull();
    });
  });

  describe('errors', () => {
    it('a wrong API key is a 401 that is not retried and never shows the key', async () => {
      const wrongKey = 'wrong-key-Zq8Xf3LpT0';
      const before = logged.length;
      const error = await rejection(providerWith({ apiKey: wrongKey }).findZone('acme.example'));
      expect(error.options).toMatchObject({ status: 401, code: 'unauthorized', retryable: false });
      expect(error.message).toBe('PowerDNS GET /zones?zone=acme.example. failed: HTTP 401: Unauthorized');
      for (const key of [wrongKey, server.apiKey]) {
        expect(error.message).not.toContain(key);
        expect(JSON.stringify(error)).not.toContain(key);
        expect(String(error.stack)).not.toContain(key);
      }
      expect(logged.length).toBe(before);
    });

    it("a 422 carries PowerDNS's JSON message", async () => {
      const error = await rejection(provider.createZone('bad..name'));
      expect(error.options).toMatchObject({ status: 422, code: 'invalid_input', retryable: false });
      expect(error.message).toBe("PowerDNS POST /zones failed: HTTP 422: Unable to parse DNS Name 'bad..name.'");
    });

    it('a 422 for a record set PowerDNS rejects (REPLACE without an integer ttl)', async () => {
      const zone = await provider.createZone('acme.example');
      const error = await rejection(provider.upsertRecordSet(zone, { name: 'x.acme.example', type: 'A', ttl: Number.NaN, values: ['192.0.2.1'] }));
      expect(error.options).toMatchObject({ status: 422, retryable: false });
      expect(error.message).toContain("HTTP 422: Key 'ttl' not an Integer or not present");
    });

    it('an unknown zone is a plain-text 404', async () => {
      const error = await rejection(provider.listRecordSets({ name: 'nope.example', id: 'nope.example.' }));
      expect(error.options).toMatchObject({ status: 404, code: 'not_found', retryable: false });
      expect(error.message).toBe('PowerDNS GET /zones/nope.example. failed: HTTP 404: Not Found');
    });
  });
});

describe('PowerDnsProvider retries (local HTTP stand-in: pdns never sends 429)', () => {
  const apiKey = 'standin-key-9fK2mQ';

  it('honours Retry-After in seconds and as an HTTP date, caps it, then succeeds', async () => {
    const answers = [
      (response: Parameters<typeof sendText>[0]) => response.writeHead(503, { 'retry-after': '2' }).end('Service Unavailable'),
      (response: Parameters<typeof sendText>[0]) => response.writeHead(429, { 'retry-after': new Date(Date.now() + 5_000).toUTCString() }).end('Too Many Requests'),
      (response: Parameters<typeof sendText>[0]) => response.writeHead(429, { 'retry-after': '3600' }).end('Too Many Requests'),
      (response: Parameters<typeof sendText>[0]) => sendJson(response, 200, [{ id: 'acme.example.', name: 'acme.example.' }]),
    ];
    const double = await startHttpDouble((_request, response) => answers.shift()?.(response));
    const waits: number[] = [];
    const logged: string[] = [];
    try {
      const provider = new PowerDnsProvider({
        apiUrl: double.url,
        apiKey,
        sleep: async (ms) => void waits.push(ms),
        logger: { warn: (context, message) => logged.push(JSON.stringify({ context, message })) },
      });
      expect(await provider.findZone('acme.example')).toEqual({ name: 'acme.example', id: 'acme.example.' });
      expect(waits[0]).toBe(2000);
      expect(waits[1]).toBeGreaterThan(3000); // HTTP dates have one-second resolution
      expect(waits[1]).toBeLessThanOrEqual(5000);
      expect(waits[2]).toBe(30_000);
      expect(double.requests).toHaveLength(4);
      expect(double.requests.every((request) => request.headers['x-api-key'] === apiKey)).toBe(true);
      expect(logged).toHaveLength(3);
      expect(logged.join('\n')).not.toContain(apiKey);
    } finally {
      await double.close();
    }
  });

  it('gives up after maxAttempts with exponential backoff and a retryable error', async () => {
    const double = await startHttpDouble((_request, response) => sendText(response, 503, 'backend down'));
    const waits: number[] = [];
    try {
      const provider = new PowerDnsProvider({ apiUrl: double.url, apiKey, sleep: async (ms) => void waits.push(ms) });
      const error = await rejection(provider.findZone('acme.example'));
      expect(error.options).toMatchObject({ status: 503, code: 'server_error', retryable: true });
      expect(error.message).toBe('PowerDNS GET /zones?zone=acme.example. failed: HTTP 503: backend down');
      expect(waits).toEqual([250, 500, 1000]);
      expect(double.requests).toHaveLength(4);
    } finally {
      await double.close();
    }
  });

  it('retries network errors and does not retry other 4xx', async () => {
    const waits: number[] = [];
    const unreachable = new PowerDnsProvider({ apiUrl: await closedPortUrl(), apiKey, maxAttempts: 2, sleep: async (ms) => void waits.push(ms) });
    const network = await rejection(unreachable.findZone('acme.example'));
    expect(network.options).toMatchObject({ code: 'network', retryable: true });
    expect(network.message).toMatch(/ECONNREFUSED/);
    expect(waits).toEqual([250]);

    const double = await startHttpDouble((_request, response) => sendText(response, 400, 'Bad Request'));
    try {
      const refused = await rejection(new PowerDnsProvider({ apiUrl: double.url, apiKey, sleep: async () => undefined }).findZone('acme.example'));
      expect(refused.options).toMatchObject({ status: 400, retryable: false });
      expect(double.requests).toHaveLength(1);
    } finally {
      await double.close();
    }
  });

  it('a 2xx that is not JSON is an error, not retried', async () => {
    const double = await startHttpDouble((_request, response) => sendText(response, 200, '<html>proxy login</html>'));
    try {
      const error = await rejection(new PowerDnsProvider({ apiUrl: double.url, apiKey, sleep: async () => undefined }).findZone('acme.example'));
      expect(error.options).toMatchObject({ code: 'bad_response', retryable: false });
      expect(double.requests).toHaveLength(1);
    } finally {
      await double.close();
    }
  });
});

describe('the pdns_server harness', () => {
  it('fails clearly when pdns_server is missing', async () => {
    await expect(startPowerDns({ binary: '/nonexistent/pdns_server' })).rejects.toThrow(
      'pdns_server not found at /nonexistent/pdns_server: install the Debian packages pdns-server, pdns-backend-sqlite3 and sqlite3',
    );
  });

  it("fails with pdns_server's own output when it cannot start", async () => {
    const first = await startPowerDns();
    try {
      // Every port it picks is taken, so the second server cannot bind and exits.
      const error = await startPowerDns({ freePort: async () => first.webPort }).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^pdns_server exited with code \d+; its output:\n/);
      expect((error as Error).message).toMatch(/bind|address already in use/i);
    } finally {
      await first.stop();
    }
  });
});
