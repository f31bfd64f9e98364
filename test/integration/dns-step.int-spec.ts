import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@bf/config';
import { DnsProvider, RecordSet } from '@bf/dns';
import { createDataSource } from '@bf/persistence';
import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { ConfigureDnsStep } from '../../apps/dns/src/configure-dns.step';
import { HetznerCloudDnsProvider } from '../../libs/dns/src/hetzner/hetzner-cloud.provider';
import { PowerDnsProvider } from '../../libs/dns/src/powerdns/powerdns.provider';
import { hetznerDnsDouble } from '../doubles/hetzner-dns.double';
import { HttpDouble, startHttpDouble } from '../doubles/http-double';
import { PowerDnsServer, startPowerDns } from '../support/pdns-server';
import { currentTestEnv } from '../support/test-env';

const PDNS_KEY_SENTINEL = 'never-in-a-message';

interface Subject {
  provider: DnsProvider;
  /** The provider as configured with a wrong credential. */
  refused: DnsProvider;
  verifies: boolean;
  secret: string;
}

/**
 * The dns.configure step, live, against each provider: real PowerDNS (answers
 * verified over DNS) and the Hetzner Cloud double (async actions; no DNS
 * listener, so verification says it could not check).
 */
describe.each(['powerdns', 'hetzner'] as const)('dns.configure step against %s', (kind) => {
  let dataSource: DataSource;
  let subject: Subject;
  let pdns: PowerDnsServer | undefined;
  let hetzner: HttpDouble | undefined;

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 2 });
    await dataSource.initialize();
    if (kind === 'powerdns') {
      pdns = await startPowerDns();
      const options = { apiUrl: pdns.apiUrl, dnsHost: pdns.dnsHost, dnsPort: pdns.dnsPort, timeoutMs: 3000, maxAttempts: 1 };
      subject = { provider: new PowerDnsProvider({ ...options, apiKey: pdns.apiKey }), refused: new PowerDnsProvider({ ...options, apiKey: PDNS_KEY_SENTINEL }), verifies: true, secret: pdns.apiKey };
    } else {
      const token = 'hcloud-token-0123456789abcdef';
      hetzner = await startHttpDouble(hetznerDnsDouble({ token, zones: [] }));
      const options = { apiUrl: `${hetzner.url}/v1`, timeoutMs: 3000, actionPollMs: 5, maxAttempts: 1 };
      subject = { provider: new HetznerCloudDnsProvider({ ...options, token }), refused: new HetznerCloudDnsProvider({ ...options, token: 'wrong-token-0123' }), verifies: false, secret: token };
    }
  }, 30_000);

  afterAll(async () => {
    await pdns?.stop();
    await hetzner?.close();
    await dataSource.destroy();
  });

  const config = (env: Record<string, string> = {}) => loadConfig({ DNS_WEB_IPV4: '203.0.113.10', DNS_WEB_IPV6: '2001:db8::10', DNS_TTL: '300', DNS_VERIFY_TIMEOUT_MS: '1500', ...env });
  const step = (env: Record<string, string> = {}, provider = subject.provider) => new ConfigureDnsStep(provider, config(env), dataSource);
  const domain = () => `d${randomBytes(4).toString('hex')}.example`;
  const context = (parameters: Record<string, unknown>, options: { dryRun?: boolean; last?: boolean; key?: string } = {}): StepContext => ({
    tenantId: 'tenant_default',
    planId: 'plan_dns',
    runId: 'run_dns',
    stepId: 'step_dns',
    attempt: 1,
    isLastAttempt: options.last ?? false,
    dryRun: options.dryRun ?? false,
    idempotencyKey: options.key ?? `run_${randomBytes(4).toString('hex')}:step_dns`,
    parameters,
    templateId: null,
    runState: { deployed_domain: parameters.domain },
  });
  const current = async (zoneName: string, name: string, type: string) => {
    const zone = await subject.provider.findZone(zoneName);
    return zone ? subject.provider.getRecordSet(zone, name, type) : null;
  };
  async function seed(zoneName: string, sets: RecordSet[]) {
    const zone = await subject.provider.createZone(zoneName);
    for (const set of sets) await subject.provider.upsertRecordSet(zone, set);
  }

  it('creates the zone and apex A, AAAA, MX, TXT and www CNAME, confirms them and returns the evidence files', async () => {
    const name = domain();
    const parameters = { domain: name, records: ['A', 'AAAA', 'www CNAME', 'MX', 'TXT'], mx: [{ preference: 10, exchange: `mail.${name}` }], txt: ['v=spf1 -all'] };
    const outcome = await step().execute(context(parameters));
    const result = outcome.result as { zone: string; zone_created: boolean; changes: Array<{ action: string; name: string; type: string }>; verification: { checked: boolean; all_match: boolean; propagation: string; record_sets: unknown[]; reason?: string } };
    expect(result.zone).toBe(name);
    expect(result.zone_created).toBe(true);
    expect(result.changes.map((c) => `${c.action} ${c.name} ${c.type}`)).toEqual([
      `create ${name} A`,
      `create ${name} AAAA`,
      `create www.${name} CNAME`,
      `create ${name} MX`,
      `create ${name} TXT`,
      `create _bf-owner.${name} TXT`,
    ]);
    expect(await current(name, name, 'A')).toEqual({ name, type: 'A', ttl: 300, values: ['203.0.113.10'] });
    expect(await current(name, `www.${name}`, 'CNAME')).toEqual({ name: `www.${name}`, type: 'CNAME', ttl: 300, values: [`${name}.`] });
    expect(await current(name, name, 'MX')).toEqual({ name, type: 'MX', ttl: 300, values: [`10 mail.${name}.`] });
    expect(await current(name, name, 'TXT')).toEqual({ name, type: 'TXT', ttl: 300, values: ['"v=spf1 -all"'] });
    if (subject.verifies) {
      expect(result.verification).toMatchObject({ checked: true, all_match: true, propagation: expect.stringContaining('public resolvers not checked') });
      expect(result.verification.record_sets).toHaveLength(6);
    } else {
      expect(result.verification).toMatchObject({ checked: false, all_match: false, propagation: 'not checked' });
      expect(result.verification.reason).toBeTruthy();
    }
    expect(outcome.artifacts!.map((a) => a.name)).toEqual(['dns_records.json', 'dns_verification.json']);
    const records = JSON.parse(String(outcome.artifacts![0].content));
    expect(records.record_sets).toHaveLength(6);
    expect(outcome.outputs).toMatchObject({ dns_zone: name, dns_provider: kind });
  });

  it('is idempotent: a second run changes nothing and leaves exactly one record set per name and type', async () => {
    const name = domain();
    await step().execute(context({ domain: name }));
    const again = await step().execute(context({ domain: name }));
    expect((again.result as { changes: Array<{ action: string }> }).changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const zone = (await subject.provider.findZone(name))!;
    const sets = await subject.provider.listRecordSets(zone);
    expect(sets.filter((set) => set.name === name && set.type === 'A')).toEqual([{ name, type: 'A', ttl: 300, values: ['203.0.113.10'] }]);
  });

  it('finds the zone by registrable domain for a sub-domain site', async () => {
    const zoneName = domain();
    await seed(zoneName, []);
    const outcome = await step().execute(context({ domain: `shop.${zoneName}` }));
    expect((outcome.result as { zone: string; zone_created: boolean }).zone).toBe(zoneName);
    expect((outcome.result as { zone_created: boolean }).zone_created).toBe(false);
    expect(await current(zoneName, `www.shop.${zoneName}`, 'CNAME')).toMatchObject({ values: [`shop.${zoneName}.`] });
  });

  it('rolls back by deleting what it created and restoring what it replaced, and leaves other records alone', async () => {
    const name = domain();
    const theirs: RecordSet = { name: `mail.${name}`, type: 'A', ttl: 600, values: ['192.0.2.25'] };
    await seed(name, [{ name, type: 'A', ttl: 600, values: ['198.51.100.7'] }, theirs]);
    const ctx = context({ domain: name });
    const outcome = await step().execute(ctx);
    const changes = (outcome.result as { changes: Array<{ action: string; type: string; name: string }> }).changes;
    expect(changes.map((c) => c.action)).toEqual(['update', 'create', 'create']);
    const undone = await step().rollback(ctx, outcome);
    expect((undone.result as { undone: string[] }).undone).toHaveLength(3);
    expect(await current(name, name, 'A')).toEqual({ name, type: 'A', ttl: 600, values: ['198.51.100.7'] });
    expect(await current(name, `www.${name}`, 'CNAME')).toBeNull();
    expect(await current(name, `_bf-owner.${name}`, 'TXT')).toBeNull();
    expect(await current(name, theirs.name, 'A')).toEqual(theirs);
    // Twice is safe.
    const again = await step().rollback(ctx, outcome);
    expect((again.result as { undone: string[] }).undone).toEqual([]);
  });

  it('does not undo a record set someone changed after the step wrote it', async () => {
    const name = domain();
    const ctx = context({ domain: name });
    const outcome = await step().execute(ctx);
    const zone = (await subject.provider.findZone(name))!;
    await subject.provider.upsertRecordSet(zone, { name, type: 'A', ttl: 300, values: ['192.0.2.99'] });
    const undone = await step().rollback(ctx, outcome);
    expect((undone.result as { left_alone: string[] }).left_alone).toEqual([expect.stringContaining(`${name} A: changed since this step wrote it`)]);
    expect(await current(name, name, 'A')).toMatchObject({ values: ['192.0.2.99'] });
  });

  it('keeps the first attempt’s view of the zone: a retried attempt still restores the original values', async () => {
    const name = domain();
    await seed(name, [{ name, type: 'A', ttl: 600, values: ['198.51.100.7'] }]);
    const key = `run_retry${randomBytes(3).toString('hex')}:step_dns`;
    await step().execute(context({ domain: name }, { key }));
    const retried = await step().execute(context({ domain: name }, { key }));
    const a = (retried.result as { changes: Array<{ type: string; name: string; action: string; previous: RecordSet | null }> }).changes.find((c) => c.type === 'A')!;
    expect(a.action).toBe('update');
    expect(a.previous).toEqual({ name, type: 'A', ttl: 600, values: ['198.51.100.7'] });
    await step().rollback(context({ domain: name }, { key }), retried);
    expect(await current(name, name, 'A')).toMatchObject({ values: ['198.51.100.7'] });
  });

  it('plans in a dry run without writing: the diff per record set', async () => {
    const name = domain();
    await seed(name, [{ name, type: 'A', ttl: 300, values: ['198.51.100.7'] }]);
    const zone = (await subject.provider.findZone(name))!;
    const before = await subject.provider.listRecordSets(zone);
    const outcome = await step().dryRun(context({ domain: name }, { dryRun: true }));
    const result = outcome.result as { mode: string; zone_exists: boolean; plan: Array<{ action: string; type: string; previous: RecordSet | null; desired: RecordSet }> };
    expect(result.mode).toBe('dry_run');
    expect(result.zone_exists).toBe(true);
    expect(result.plan.map((c) => `${c.action} ${c.type}`)).toEqual(['update A', 'create CNAME', 'create TXT']);
    expect(result.plan[0].previous!.values).toEqual(['198.51.100.7']);
    expect(result.plan[0].desired.values).toEqual(['203.0.113.10']);
    expect(await subject.provider.listRecordSets(zone)).toEqual(before);
    const unknown = await step().dryRun(context({ domain: domain() }, { dryRun: true }));
    expect((unknown.result as { zone_exists: boolean; would: string }).would).toMatch(/^create the zone /);
  });

  it('refuses a plan over the safety threshold unless forced, and writes nothing when refusing', async () => {
    const name = domain();
    const filler = Array.from({ length: 7 }, (_, i): RecordSet => ({ name: `h${i}.${name}`, type: 'A', ttl: 300, values: [`192.0.2.${i + 1}`] }));
    // With the SOA and NS the zone holds 10 record sets (PowerDNS) or 11 (the double adds apex NS too); we would change 4 of them.
    const existing: RecordSet[] = [
      { name, type: 'A', ttl: 300, values: ['198.51.100.1'] },
      { name: `www.${name}`, type: 'CNAME', ttl: 300, values: [`old.${name}.`] },
      { name, type: 'TXT', ttl: 300, values: ['"old"'] },
      { name: `_bf-owner.${name}`, type: 'TXT', ttl: 300, values: ['"old"'] },
      ...filler,
    ];
    await seed(name, existing);
    const parameters = { domain: name, records: ['A', 'www CNAME', 'TXT'], txt: ['v=spf1 -all'] };
    const refusal = step().execute(context(parameters));
    await expect(refusal).rejects.toThrow(PermanentStepError);
    await expect(step().execute(context(parameters))).rejects.toThrow(/refusing to change 4 of the \d+ record sets/);
    expect(await current(name, name, 'A')).toMatchObject({ values: ['198.51.100.1'] });
    await expect(step().dryRun(context(parameters, { dryRun: true }))).rejects.toThrow(/refusing to change 4/);
    const forced = await step().execute(context({ ...parameters, force: true }));
    expect((forced.result as { changes: Array<{ action: string }> }).changes.filter((c) => c.action === 'update')).toHaveLength(4);
  });

  it('fails at once on a refused credential, without the credential in the message', async () => {
    const error = await step({}, subject.refused).execute(context({ domain: domain() })).then(() => undefined, (caught: Error) => caught);
    expect(error).toBeInstanceOf(PermanentStepError);
    expect(error!.message).toMatch(/401/);
    expect(error!.message).not.toContain(subject.secret);
    expect(error!.message).not.toContain(PDNS_KEY_SENTINEL);
  });

  if (kind === 'powerdns') {
    it('undoes its writes on the last attempt when the authoritative server does not confirm them', async () => {
      const name = domain();
      await seed(name, [{ name, type: 'A', ttl: 600, values: ['198.51.100.7'] }]);
      // Nothing answers DNS on port 9 here: every verification query times out.
      const unverifiable = { DNS_VERIFY_SERVER: '127.0.0.1:9', DNS_VERIFY_TIMEOUT_MS: '300' };
      const key = `run_verify${randomBytes(3).toString('hex')}:step_dns`;
      await expect(step(unverifiable).execute(context({ domain: name }, { key }))).rejects.toThrow(/does not serve the records/);
      expect(await current(name, name, 'A')).toMatchObject({ values: ['203.0.113.10'] }); // left for the retry
      await expect(step(unverifiable).execute(context({ domain: name }, { key, last: true }))).rejects.toThrow(/does not serve the records/);
      expect(await current(name, name, 'A')).toEqual({ name, type: 'A', ttl: 600, values: ['198.51.100.7'] });
      expect(await current(name, `www.${name}`, 'CNAME')).toBeNull();
    });
  }
});
