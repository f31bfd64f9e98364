import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import * as packet from 'dns-packet';
import { DataSource } from 'typeorm';
import { loadConfig } from '@bf/config';
import { DnsProviderError, DnsZone, EmbeddedDnsProvider, queryDns, txtContent } from '@bf/dns';
import { createDataSource } from '@bf/persistence';
import { EmbeddedDnsServer, EmbeddedDnsServerLifecycle, PgZoneLookup } from '../../apps/dns/src/embedded-server';
import { benchEmbeddedDns } from '../bench/dns-embedded';
import { freePort } from '../support/net';
import { currentTestEnv } from '../support/test-env';

const run = promisify(execFile);
/** dns-packet decodes the rcode but its types do not declare it. */
type Decoded = packet.DecodedPacket & { rcode: string };
const decode = (message: Buffer) => packet.decode(message) as Decoded;
const HOST = '127.0.0.1';

describe('embedded authoritative DNS server and provider (real PostgreSQL, real sockets, real dig)', () => {
  let dataSource: DataSource;
  let server: EmbeddedDnsServer;
  let provider: EmbeddedDnsProvider;
  let zone: DnsZone;
  const zoneName = `emb-${randomBytes(3).toString('hex')}.example`;
  const at = (label: string) => (label ? `${label}.${zoneName}` : zoneName);
  const serverErrors: Error[] = [];

  const ask = (name: string, type: string, extra: { tcp?: boolean; ednsUdpSize?: number } = {}) =>
    queryDns({ host: HOST, port: server.port, name, type, timeoutMs: 3000, ...extra });

  /** dig must be there: CI installs bind9-dnsutils, and a missing dig is a broken environment, not a skipped test. */
  async function dig(...args: string[]): Promise<string> {
    const { stdout } = await run('dig', [`@${HOST}`, '-p', String(server.port), '+time=3', '+tries=1', ...args]);
    return stdout;
  }
  const digShort = async (name: string, type: string) => (await dig(name, type, '+short')).trim().split('\n').filter(Boolean);

  async function serial(): Promise<number> {
    const soa = await ask(zoneName, 'SOA');
    return Number(soa.answers[0].value.split(' ')[2]);
  }

  beforeAll(async () => {
    await run('dig', ['-v']).catch((error: Error) => {
      throw new Error(`dig is required for these tests (apt-get install bind9-dnsutils): ${error.message}`);
    });
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 8 });
    await dataSource.initialize();
    server = new EmbeddedDnsServer(new PgZoneLookup(dataSource), { host: HOST, port: 0, onError: (error) => serverErrors.push(error) });
    await server.start();
    provider = new EmbeddedDnsProvider(dataSource, { serverHost: HOST, serverPort: server.port });
    zone = await provider.createZone(`${zoneName.toUpperCase()}.`);
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'A', ttl: 300, values: ['203.0.113.10'] });
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'AAAA', ttl: 300, values: ['2001:DB8::10'] });
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'TXT', ttl: 300, values: ['v=spf1 -all', '"google-site-verification=abc"'] });
    await provider.upsertRecordSet(zone, { name: zoneName, type: 'MX', ttl: 300, values: [`10 mail.${zoneName}`, `20 MAIL2.${zoneName}.`] });
    await provider.upsertRecordSet(zone, { name: at('www'), type: 'CNAME', ttl: 300, values: [zoneName] });
    await provider.upsertRecordSet(zone, { name: at('mail'), type: 'A', ttl: 300, values: ['203.0.113.25'] });
  });

  afterAll(async () => {
    await server?.stop();
    await dataSource?.destroy();
  });

  describe('provider', () => {
    it('creates a zone once, with SOA and NS, and finds it by any spelling', async () => {
      const again = await provider.createZone(zoneName);
      expect(again).toEqual(zone);
      expect(await provider.findZone(`${zoneName}.`)).toEqual(zone);
      expect(await provider.findZone('absent.example')).toBeNull();
      const sets = await provider.listRecordSets(zone);
      expect(sets.find((set) => set.type === 'NS')).toEqual({ name: zoneName, type: 'NS', ttl: 3600, values: [`ns1.${zoneName}.`] });
      expect(sets.find((set) => set.type === 'SOA')!.values[0]).toMatch(new RegExp(`^ns1\\.${zoneName}\\. hostmaster\\.${zoneName}\\. \\d+ 3600 600 1209600 300$`));
      expect(sets.filter((set) => set.type === 'SOA')).toHaveLength(1);
    });

    it('stores canonical values and returns them', async () => {
      expect(await provider.getRecordSet(zone, zoneName.toUpperCase(), 'mx')).toEqual({
        name: zoneName,
        type: 'MX',
        ttl: 300,
        values: [`10 mail.${zoneName}.`, `20 mail2.${zoneName}.`],
      });
      expect(await provider.getRecordSet(zone, zoneName, 'AAAA')).toMatchObject({ values: ['2001:db8::10'] });
      expect(await provider.getRecordSet(zone, zoneName, 'TXT')).toMatchObject({ values: ['"google-site-verification=abc"', '"v=spf1 -all"'] });
    });

    it('upserting the same set twice leaves one set and does not bump the serial; a change bumps it once', async () => {
      const set = { name: at('twice'), type: 'A', ttl: 60, values: ['192.0.2.1'] };
      await provider.upsertRecordSet(zone, set);
      const before = await serial();
      await provider.upsertRecordSet(zone, set);
      expect(await serial()).toBe(before);
      expect((await provider.listRecordSets(zone)).filter((s) => s.name === set.name)).toHaveLength(1);
      await provider.upsertRecordSet(zone, { ...set, values: ['192.0.2.2', '192.0.2.1'] });
      expect(await serial()).toBe(before + 1);
      const [row] = await dataSource.query('SELECT serial FROM dns_zones WHERE id = $1', [zone.id]);
      expect(Number(row.serial)).toBe(before + 1);
      expect((await ask(set.name, 'A')).answers.map((answer) => answer.value).sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    });

    it('deletes a set (bumping the serial); deleting a missing one is fine and changes nothing', async () => {
      await provider.upsertRecordSet(zone, { name: at('gone'), type: 'TXT', ttl: 60, values: ['bye'] });
      const before = await serial();
      await provider.deleteRecordSet(zone, at('gone'), 'TXT');
      expect(await serial()).toBe(before + 1);
      await provider.deleteRecordSet(zone, at('gone'), 'TXT');
      await provider.deleteRecordSet(zone, at('never-was'), 'A');
      expect(await serial()).toBe(before + 1);
      expect((await ask(at('gone'), 'TXT')).rcode).toBe('NXDOMAIN');
    });

    it('refuses values, names and types its server could not serve, and CNAME conflicts', async () => {
      const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: DnsProviderError) => error);
      const bad = await refusal(provider.upsertRecordSet(zone, { name: at('x'), type: 'A', ttl: 60, values: ['not-an-ip'] }));
      expect(bad).toBeInstanceOf(DnsProviderError);
      expect(bad).toMatchObject({ provider: 'embedded', retryable: false, options: { code: 'invalid_value' } });
      expect(await refusal(provider.upsertRecordSet(zone, { name: 'elsewhere.example', type: 'A', ttl: 60, values: ['192.0.2.1'] }))).toMatchObject({
        options: { code: 'out_of_zone' },
      });
      expect(await refusal(provider.upsertRecordSet(zone, { name: zoneName, type: 'SOA', ttl: 60, values: ['a. b. 1 2 3 4 5'] }))).toMatchObject({
        options: { code: 'unsupported_type' },
      });
      expect(await refusal(provider.upsertRecordSet(zone, { name: at('www'), type: 'A', ttl: 60, values: ['192.0.2.1'] }))).toMatchObject({
        options: { code: 'cname_conflict' },
      });
      expect(await refusal(provider.upsertRecordSet(zone, { name: at('mail'), type: 'CNAME', ttl: 60, values: [zoneName] }))).toMatchObject({
        options: { code: 'cname_conflict' },
      });
      expect(await provider.authoritativeServer()).toEqual({ host: HOST, port: server.port });
    });
  });

  describe('answers over UDP and TCP (queryDns)', () => {
    const expected: Array<[string, string, string[]]> = [];
    beforeAll(() => {
      expected.push(
        [zoneName, 'A', ['203.0.113.10']],
        [zoneName, 'AAAA', ['2001:db8::10']],
        [zoneName, 'TXT', ['"google-site-verification=abc"', '"v=spf1 -all"']],
        [zoneName, 'MX', [`10 mail.${zoneName}.`, `20 mail2.${zoneName}.`]],
        [zoneName, 'NS', [`ns1.${zoneName}.`]],
        [at('www'), 'CNAME', [`${zoneName}.`]],
        [at('mail'), 'A', ['203.0.113.25']],
      );
    });

    it.each([false, true])('answers every type authoritatively (tcp: %s)', async (tcp) => {
      for (const [name, type, values] of expected) {
        const result = await ask(name, type, { tcp });
        expect({ name, type, rcode: result.rcode, aa: result.authoritative, transport: result.transport }).toEqual({
          name,
          type,
          rcode: 'NOERROR',
          aa: true,
          transport: tcp ? 'tcp' : 'udp',
        });
        expect(result.answers.map((answer) => answer.value).sort()).toEqual(values);
        expect(result.answers.every((answer) => answer.name === name && answer.type === type && answer.ttl > 0)).toBe(true);
      }
    });

    it('NXDOMAIN and NODATA carry the SOA with the negative TTL in the authority section', async () => {
      const nx = await ask(at('nope'), 'A');
      expect(nx).toMatchObject({ rcode: 'NXDOMAIN', authoritative: true, answers: [] });
      expect(nx.authority).toEqual([expect.objectContaining({ name: zoneName, type: 'SOA', ttl: 300 })]);
      const nodata = await ask(at('mail'), 'AAAA');
      expect(nodata).toMatchObject({ rcode: 'NOERROR', authoritative: true, answers: [] });
      expect(nodata.authority.map((record) => record.type)).toEqual(['SOA']);
      // A type we never hold (SRV) at a name that exists is NODATA too.
      expect((await ask(zoneName, 'SRV')).rcode).toBe('NOERROR');
    });

    it('answers an empty non-terminal with NODATA, not NXDOMAIN', async () => {
      await provider.upsertRecordSet(zone, { name: at('_dmarc.deep'), type: 'TXT', ttl: 60, values: ['v=DMARC1; p=none'] });
      expect(await ask(at('deep'), 'A')).toMatchObject({ rcode: 'NOERROR', answers: [] });
      expect((await ask(at('_dmarc.deep'), 'TXT')).answers[0].value).toBe('"v=DMARC1; p=none"');
      expect((await ask(at('_dmarcxdeep'), 'TXT')).rcode).toBe('NXDOMAIN');
    });

    it('refuses names outside every zone, without the aa flag', async () => {
      const result = await ask('www.not-ours.example', 'A');
      expect(result).toMatchObject({ rcode: 'REFUSED', authoritative: false, answers: [] });
    });

    it('chases a CNAME inside the zone, one level and more, and stops at an out-of-zone target', async () => {
      const viaWww = await ask(at('www'), 'A');
      expect(viaWww.answers.map((a) => [a.name, a.type, a.value])).toEqual([
        [at('www'), 'CNAME', `${zoneName}.`],
        [zoneName, 'A', '203.0.113.10'],
      ]);
      await provider.upsertRecordSet(zone, { name: at('shop'), type: 'CNAME', ttl: 60, values: [at('www')] });
      expect((await ask(at('shop'), 'AAAA')).answers.map((a) => a.type)).toEqual(['CNAME', 'CNAME', 'AAAA']);
      await provider.upsertRecordSet(zone, { name: at('ext'), type: 'CNAME', ttl: 60, values: ['target.elsewhere.example'] });
      expect(await ask(at('ext'), 'A')).toMatchObject({ rcode: 'NOERROR', authoritative: true, answers: [expect.objectContaining({ value: 'target.elsewhere.example.' })] });
      await provider.upsertRecordSet(zone, { name: at('dangling'), type: 'CNAME', ttl: 60, values: [at('missing')] });
      const dangling = await ask(at('dangling'), 'A');
      expect(dangling.rcode).toBe('NXDOMAIN');
      expect(dangling.answers.map((a) => a.type)).toEqual(['CNAME']);
      await provider.upsertRecordSet(zone, { name: at('loop1'), type: 'CNAME', ttl: 60, values: [at('loop2')] });
      await provider.upsertRecordSet(zone, { name: at('loop2'), type: 'CNAME', ttl: 60, values: [at('loop1')] });
      expect((await ask(at('loop1'), 'A')).answers.map((a) => a.name)).toEqual([at('loop1'), at('loop2')]);
    });

    it('answers ANY with every record set of the name', async () => {
      const result = await ask(zoneName, 'ANY', { tcp: true });
      expect([...new Set(result.answers.map((answer) => answer.type))].sort()).toEqual(['A', 'AAAA', 'MX', 'NS', 'SOA', 'TXT']);
    });

    it('is case-insensitive and echoes the question as asked', async () => {
      const asked = `WwW.${zoneName.toUpperCase()}`;
      const reply = await rawUdp(packet.encode({ type: 'query', id: 4242, flags: 0, questions: [{ name: asked, type: 'A', class: 'IN' }] }));
      const decoded = packet.decode(reply);
      expect(decoded.questions).toEqual([{ name: asked, type: 'A', class: 'IN' }]);
      expect(decoded.id).toBe(4242);
      expect(decoded.flag_aa).toBe(true);
      expect(decoded.answers?.[0]).toMatchObject({ name: asked, type: 'CNAME' });
    });

    it('splits a TXT value longer than 255 octets into character-strings', async () => {
      const long = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(600);
      await provider.upsertRecordSet(zone, { name: at('key._domainkey'), type: 'TXT', ttl: 60, values: [long] });
      for (const tcp of [false, true]) {
        const [answer] = (await ask(at('key._domainkey'), 'TXT', { tcp })).answers;
        expect(answer.value.match(/"[^"]*"/g)!.map((part) => part.length - 2)).toEqual([255, 255, 108]);
        expect(txtContent(answer.value)).toBe(long);
      }
      const short = await digShort(at('key._domainkey'), 'TXT');
      expect(short).toHaveLength(1);
      expect(short[0].match(/"[^"]*"/g)).toHaveLength(3);
    });

    it('truncates a large UDP answer (TC) and the client retries over TCP', async () => {
      const values = Array.from({ length: 40 }, (_, i) => `record ${i} ${'x'.repeat(90)}`);
      await provider.upsertRecordSet(zone, { name: at('big'), type: 'TXT', ttl: 60, values });
      const result = await ask(at('big'), 'TXT');
      expect(result).toMatchObject({ rcode: 'NOERROR', transport: 'tcp', retriedOverTcp: true });
      expect(result.answers).toHaveLength(40);
      // Without EDNS the classic 512-octet limit applies: the six-address set below fits only with EDNS.
      await provider.upsertRecordSet(zone, { name: at('medium'), type: 'TXT', ttl: 60, values: Array.from({ length: 6 }, (_, i) => `${i}${'y'.repeat(90)}`) });
      expect(await ask(at('medium'), 'TXT', { ednsUdpSize: 0 })).toMatchObject({ retriedOverTcp: true });
      expect(await ask(at('medium'), 'TXT', { ednsUdpSize: 1232 })).toMatchObject({ retriedOverTcp: false, transport: 'udp' });
      const raw = packet.decode(await rawUdp(packet.encode({ type: 'query', id: 7, questions: [{ name: at('big'), type: 'TXT', class: 'IN' }] })));
      expect(raw.flag_tc).toBe(true);
      expect(raw.answers).toEqual([]);
      const digOut = await dig(at('big'), 'TXT');
      expect(digOut).toMatch(/Truncated, retrying in TCP mode/);
      expect(digOut).toMatch(/ANSWER: 40,/);
    });

    it('answers several queries on one TCP connection, in order', async () => {
      const names = [zoneName, at('mail'), at('nope')];
      const frames = names.map((name, i) => {
        const body = packet.encode({ type: 'query', id: 100 + i, questions: [{ name, type: 'A', class: 'IN' }] });
        const frame = Buffer.alloc(2 + body.length);
        frame.writeUInt16BE(body.length, 0);
        body.copy(frame, 2);
        return frame;
      });
      const replies = await new Promise<Decoded[]>((resolve, reject) => {
        const socket = connect({ host: HOST, port: server.port });
        let buffered: Buffer = Buffer.alloc(0);
        const got: Decoded[] = [];
        socket.on('error', reject);
        socket.on('connect', () => socket.write(Buffer.concat(frames)));
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
            got.push(decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))));
            buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
          }
          if (got.length === names.length) {
            socket.end();
            resolve(got);
          }
        });
      });
      expect(replies.map((reply) => [reply.id, reply.rcode])).toEqual([
        [100, 'NOERROR'],
        [101, 'NOERROR'],
        [102, 'NXDOMAIN'],
      ]);
    });

    it('survives malformed packets: FORMERR or silence, and the next query is answered', async () => {
      const garbage = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), Buffer.from([0x3f, 0x41, 0x42])]);
      const formerr = decode(await rawUdp(garbage));
      expect(formerr).toMatchObject({ id: 0x1234, rcode: 'FORMERR', type: 'response' });
      await sendUdp(Buffer.from([1, 2, 3]));
      await sendUdp(randomBytes(300));
      const twoQuestions = packet.encode({ type: 'query', id: 9, questions: [{ name: zoneName, type: 'A', class: 'IN' }, { name: zoneName, type: 'MX', class: 'IN' }] });
      expect(decode(await rawUdp(twoQuestions)).rcode).toBe('FORMERR');
      // Half a TCP frame, then the connection drops: the server must shrug.
      await new Promise<void>((resolve) => {
        const socket = connect({ host: HOST, port: server.port }, () => socket.end(Buffer.from([0x00, 0x40, 0x01]), () => resolve()));
      });
      expect((await ask(zoneName, 'A')).answers[0].value).toBe('203.0.113.10');
      expect((await ask(zoneName, 'A', { tcp: true })).answers[0].value).toBe('203.0.113.10');
    });

    it('answers SERVFAIL when PostgreSQL fails, and keeps serving', async () => {
      const broken = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 1 });
      await broken.initialize();
      const failing = new EmbeddedDnsServer(new PgZoneLookup(broken), { host: HOST, port: 0 });
      await failing.start();
      try {
        await broken.destroy();
        for (let i = 0; i < 2; i++) {
          const result = await queryDns({ host: HOST, port: failing.port, name: zoneName, type: 'A', timeoutMs: 3000 });
          expect(result.rcode).toBe('SERVFAIL');
        }
      } finally {
        await failing.stop();
      }
    });

    it('serves a change with the next query, with the new serial', async () => {
      const before = await serial();
      await provider.upsertRecordSet(zone, { name: at('fresh'), type: 'AAAA', ttl: 60, values: ['2001:db8::1'] });
      expect((await ask(at('fresh'), 'AAAA')).answers[0].value).toBe('2001:db8::1');
      expect(await serial()).toBe(before + 1);
    });
  });

  describe('with dig', () => {
    it('+short gives each type in presentation format', async () => {
      expect(await digShort(zoneName, 'A')).toEqual(['203.0.113.10']);
      expect(await digShort(zoneName, 'AAAA')).toEqual(['2001:db8::10']);
      expect((await digShort(zoneName, 'TXT')).sort()).toEqual(['"google-site-verification=abc"', '"v=spf1 -all"']);
      expect((await digShort(zoneName, 'MX')).sort()).toEqual([`10 mail.${zoneName}.`, `20 mail2.${zoneName}.`]);
      expect(await digShort(at('www'), 'CNAME')).toEqual([`${zoneName}.`]);
      expect(await digShort(at('www'), 'A')).toEqual([`${zoneName}.`, '203.0.113.10']);
      expect(await digShort(zoneName, 'NS')).toEqual([`ns1.${zoneName}.`]);
      expect((await digShort(zoneName, 'SOA'))[0]).toMatch(/^ns1\..+ hostmaster\..+ \d+ 3600 600 1209600 300$/);
    });

    it('full output: NOERROR with aa and an EDNS OPT, over UDP and TCP', async () => {
      for (const transport of ['+notcp', '+tcp']) {
        const out = await dig(zoneName, 'A', transport);
        expect(out).toMatch(/status: NOERROR/);
        expect(out).toMatch(/flags:[^;]*\baa\b/);
        expect(out).toMatch(/OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232/);
        expect(out).toMatch(new RegExp(`^${zoneName.replace(/\./g, '\\.')}\\.\\s+300\\s+IN\\s+A\\s+203\\.0\\.113\\.10$`, 'm'));
      }
    });

    it('full output: NXDOMAIN and NODATA with the SOA in AUTHORITY', async () => {
      const nx = await dig(at('nope'), 'A');
      expect(nx).toMatch(/status: NXDOMAIN/);
      expect(nx).toMatch(/flags:[^;]*\baa\b/);
      expect(nx).toMatch(/AUTHORITY: 1/);
      expect(nx).toMatch(new RegExp(`;; AUTHORITY SECTION:\\n${zoneName.replace(/\./g, '\\.')}\\.\\s+300\\s+IN\\s+SOA\\s+ns1\\.`));
      const nodata = await dig(at('mail'), 'MX');
      expect(nodata).toMatch(/status: NOERROR/);
      expect(nodata).toMatch(/ANSWER: 0, AUTHORITY: 1/);
      expect(nodata).toMatch(/AUTHORITY SECTION:\n\S+\s+300\s+IN\s+SOA/);
    });

    it('full output: REFUSED outside every zone, and FORMERR-free answers to a case-mixed query', async () => {
      const refused = await dig('www.not-ours.example', 'A');
      expect(refused).toMatch(/status: REFUSED/);
      expect(refused).not.toMatch(/flags:[^;]*\baa\b/);
      const mixed = await dig(`MaIl.${zoneName.toUpperCase()}`, 'A', '+norec');
      expect(mixed).toMatch(/status: NOERROR/);
      expect(mixed).toMatch(new RegExp(`^;MaIl\\.${zoneName.toUpperCase().replace(/\./g, '\\.')}\\.\\s+IN\\s+A$`, 'm'));
    });

    it('EDNS version 1 is answered BADVERS', async () => {
      expect(await dig(zoneName, 'A', '+edns=1', '+noednsnegotiation')).toMatch(/status: BADVERS/);
    });
  });

  it('the Nest lifecycle starts the server only for the embedded provider and stops it on shutdown', async () => {
    const port = await freePort();
    const embedded = new EmbeddedDnsServerLifecycle(loadConfig({ ...process.env, DNS_PROVIDER: 'embedded', DNS_SERVER_PORT: String(port) }), dataSource);
    await embedded.onApplicationBootstrap();
    try {
      expect(embedded.running?.port).toBe(port);
      expect((await queryDns({ host: HOST, port, name: zoneName, type: 'A', timeoutMs: 3000, tcp: true })).answers[0].value).toBe('203.0.113.10');
    } finally {
      await embedded.onApplicationShutdown();
    }
    expect(embedded.running).toBeNull();
    await expect(queryDns({ host: HOST, port, name: zoneName, type: 'A', timeoutMs: 3000, tcp: true })).rejects.toThrow();
    const other = new EmbeddedDnsServerLifecycle(
      loadConfig({ ...process.env, DNS_PROVIDER: 'powerdns', PDNS_API_URL: 'http://127.0.0.1:1', PDNS_API_KEY: 'k', DNS_SERVER_PORT: String(port) }),
      dataSource,
    );
    await other.onApplicationBootstrap();
    expect(other.running).toBeNull();
    await other.onApplicationShutdown();
  });

  it('the benchmark runs and reports throughput', async () => {
    const result = await benchEmbeddedDns(dataSource, { queries: 2000, concurrency: 64 });
    expect(result.queries).toBe(2000);
    expect(result.queries_per_second).toBeGreaterThan(0);
    expect(result.p99_ms).toBeGreaterThanOrEqual(result.p50_ms);
  });

  it('the server survived everything above without an unexpected failure', () => {
    expect(serverErrors).toEqual([]);
  });

  function sendUdp(message: Buffer): Promise<void> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => socket.send(message, server.port, HOST, (error) => (socket.close(), error ? reject(error) : resolve())));
  }

  function rawUdp(message: Buffer): Promise<Buffer> {
    const socket = createSocket('udp4');
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => (socket.close(), reject(new Error('no UDP answer'))), 3000);
      socket.on('message', (reply) => {
        clearTimeout(timer);
        socket.close();
        resolve(reply);
      });
      socket.send(message, server.port, HOST, (error) => error && reject(error));
    });
  }
});
