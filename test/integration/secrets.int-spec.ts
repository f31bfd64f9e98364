import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig, openBytes, SealedBoxError, sealBytes, SecretBytes } from '@bf/config';
import { createDataSource, migrate } from '@bf/persistence';
import { dnsCredentialsOf, odooCredentialsOf, SecretNotFoundError, SecretShapeError, SecretsKeyringError, SecretUnreadableError, TenantSecrets } from '@bf/tenancy';
import { DNS_PROVIDER_FACTORY } from '@bf/dns';
import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { ConfigureDnsStep } from '../../apps/dns/src/configure-dns.step';
import { DnsProviderCheck } from '../../apps/gateway/src/factory/preflight/dns-provider.check';
import { hetznerDnsDouble } from '../doubles/hetzner-dns.double';
import { startHttpDouble } from '../doubles/http-double';
import { dropDatabase, suiteDatabaseUrl } from '../support/suite-database';
import { currentTestEnv } from '../support/test-env';

/**
 * Tenant secrets at rest against the real PostgreSQL: AES-256-GCM under a
 * configured master key, tamper detection, and rotation to a new key after which
 * the old one can be dropped. A database of its own: rotation is platform-wide.
 */
describe('tenant secrets: sealed at rest, rotated by key id', () => {
  const env = currentTestEnv();
  const databaseUrl = suiteDatabaseUrl(env.databaseUrl, 'secrets');
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  const TENANT = 'tenant_default';
  const OTHER = 'tenant_secretsother';
  const ODOO_LOGIN = { url: 'http://odoo.internal:8069', db: 'acme', user: 'admin', password: 'pw-odoo-7d1f0c' };
  let dataSource: DataSource;
  let work: string;

  const storeWith = (keys: string, extra: NodeJS.ProcessEnv = {}) => new TenantSecrets(dataSource, loadConfig({ DATA_DIR: work, SECRETS_MASTER_KEYS: keys, ...extra }));
  const rows = async () => (await dataSource.query('SELECT tenant_id, name, key_id, ciphertext, iv, tag FROM tenant_secrets ORDER BY tenant_id, name')) as { tenant_id: string; name: string; key_id: string; ciphertext: Buffer; iv: Buffer; tag: Buffer }[];

  beforeAll(async () => {
    await migrate(databaseUrl);
    dataSource = createDataSource({ url: databaseUrl, poolSize: 4 });
    await dataSource.initialize();
    await dataSource.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Other tenant') ON CONFLICT DO NOTHING`, [OTHER]);
    work = mkdtempSync(join(tmpdir(), 'bf-secrets-'));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(work, { recursive: true, force: true });
    // The run's teardown drops only the run's own database; this one is ours to remove.
    await dropDatabase(databaseUrl);
  });

  beforeEach(() => dataSource.query('DELETE FROM tenant_secrets'));

  describe('the sealed box (shared with forge-sign signing keys)', () => {
    it('round-trips, uses a fresh IV each time, and refuses a wrong key, an altered byte or other associated data', () => {
      const key = new SecretBytes(randomBytes(32));
      const a = sealBytes(key, 'tenant_a/odoo', Buffer.from('hunter2'));
      const b = sealBytes(key, 'tenant_a/odoo', Buffer.from('hunter2'));
      expect(a.iv.equals(b.iv)).toBe(false);
      expect(a.ciphertext.toString('utf8')).not.toContain('hunter2');
      expect(openBytes(key, 'tenant_a/odoo', a).toString()).toBe('hunter2');
      expect(() => openBytes(new SecretBytes(randomBytes(32)), 'tenant_a/odoo', a)).toThrow(SealedBoxError);
      expect(() => openBytes(key, 'tenant_b/odoo', a)).toThrow(SealedBoxError);
      const flipped = Buffer.from(a.ciphertext);
      flipped[0] ^= 1;
      expect(() => openBytes(key, 'tenant_a/odoo', { ...a, ciphertext: flipped })).toThrow(SealedBoxError);
      expect(() => openBytes(key, 'tenant_a/odoo', { ...a, tag: Buffer.alloc(16) })).toThrow(SealedBoxError);
    });
  });

  it('stores only ciphertext with the active key id, and gives the value back only through reveal', async () => {
    const store = storeWith(`k1:${k1}`);
    const { secret, created } = await store.put(TENANT, 'odoo-prod', { value: ODOO_LOGIN, description: 'production Odoo' }, 'test');
    expect(created).toBe(true);
    expect(secret).toMatchObject({ name: 'odoo-prod', kind: 'json', key_id: 'k1', description: 'production Odoo', updated_by: 'test' });
    expect(JSON.stringify(secret)).not.toContain(ODOO_LOGIN.password);
    await store.put(TENANT, 'dns-token', { value: 'tok-hetzner-55aa' }, 'test');

    const [dns, odoo] = await rows();
    expect(odoo.key_id).toBe('k1');
    for (const row of [dns, odoo]) {
      expect(row.iv).toHaveLength(12);
      expect(row.tag).toHaveLength(16);
    }
    expect(odoo.ciphertext.toString('latin1')).not.toContain(ODOO_LOGIN.password);
    expect(dns.ciphertext.toString('latin1')).not.toContain('tok-hetzner-55aa');
    // A dump of the whole table holds no value.
    const dump = JSON.stringify(await dataSource.query('SELECT * FROM tenant_secrets'));
    expect(dump).not.toContain(ODOO_LOGIN.password);
    expect(dump).not.toContain('tok-hetzner-55aa');

    expect(await store.reveal(TENANT, 'odoo-prod')).toEqual(ODOO_LOGIN);
    expect(await store.reveal(TENANT, 'dns-token')).toBe('tok-hetzner-55aa');
    expect((await store.list(TENANT)).map((entry) => entry.name)).toEqual(['dns-token', 'odoo-prod']);
    expect(JSON.stringify(await store.list(TENANT))).not.toContain('tok-hetzner-55aa');
  });

  it('keeps tenants apart: another tenant neither lists nor reveals the secret, and a row copied across does not decrypt', async () => {
    const store = storeWith(`k1:${k1}`);
    await store.put(TENANT, 'odoo-prod', { value: ODOO_LOGIN }, 'test');
    expect(await store.list(OTHER)).toEqual([]);
    await expect(store.reveal(OTHER, 'odoo-prod')).rejects.toThrow(SecretNotFoundError);
    await dataSource.query(
      `INSERT INTO tenant_secrets (tenant_id, name, kind, ciphertext, iv, tag, key_id, updated_by)
       SELECT $1, name, kind, ciphertext, iv, tag, key_id, 'attacker' FROM tenant_secrets WHERE tenant_id = $2`,
      [OTHER, TENANT],
    );
    await expect(store.reveal(OTHER, 'odoo-prod')).rejects.toThrow(SecretUnreadableError);
    expect(await store.missing(OTHER, ['odoo-prod', 'nope'])).toEqual(['nope']);
  });

  it('detects tampering with the stored ciphertext, IV or tag', async () => {
    const store = storeWith(`k1:${k1}`);
    await store.put(TENANT, 'dns-token', { value: 'tok-tamper' }, 'test');
    for (const column of ['ciphertext', 'iv', 'tag']) {
      const [row] = await rows();
      const altered = Buffer.from(row[column as 'iv']);
      altered[altered.length - 1] ^= 0x80;
      await dataSource.query(`UPDATE tenant_secrets SET ${column} = $1 WHERE name = 'dns-token'`, [altered]);
      await expect(store.reveal(TENANT, 'dns-token')).rejects.toThrow(/cannot be decrypted: master key k1 is not the key it was sealed under, or its stored ciphertext was altered/);
      await dataSource.query(`UPDATE tenant_secrets SET ${column} = $1 WHERE name = 'dns-token'`, [row[column as 'iv']]);
      expect(await store.reveal(TENANT, 'dns-token')).toBe('tok-tamper');
    }
  });

  it('rotation re-encrypts every secret under the active key; then the old key id can be dropped', async () => {
    const before = storeWith(`k1:${k1}`);
    await before.put(TENANT, 'odoo-prod', { value: ODOO_LOGIN }, 'test');
    await before.put(TENANT, 'dns-token', { value: 'tok-rotate' }, 'test');
    await before.put(OTHER, 'dns-token', { value: 'tok-other' }, 'test');
    const sealedBefore = await rows();

    // k2 becomes active, k1 stays configured to open the old rows.
    const during = storeWith(`k2:${k2},k1:${k1}`);
    expect(await during.reveal(TENANT, 'dns-token')).toBe('tok-rotate');
    await during.put(TENANT, 'new-one', { value: 'sealed under k2' }, 'test');
    expect(await during.countByKeyId()).toEqual({ k1: 3, k2: 1 });

    const report = await during.rotate('rotation test');
    expect(report).toEqual({ active_key_id: 'k2', rotated: 3, secrets_by_key_id: { k2: 4 }, unreadable: [] });
    const sealedAfter = await rows();
    expect(sealedAfter.every((row) => row.key_id === 'k2')).toBe(true);
    for (const row of sealedBefore) {
      const after = sealedAfter.find((candidate) => candidate.tenant_id === row.tenant_id && candidate.name === row.name)!;
      expect(after.ciphertext.equals(row.ciphertext)).toBe(false);
      expect(after.iv.equals(row.iv)).toBe(false);
    }
    // Running it again is a no-op.
    expect((await during.rotate('rotation test')).rotated).toBe(0);

    // k1 dropped from the configuration: everything still opens.
    const after = storeWith(`k2:${k2}`);
    expect(await after.reveal(TENANT, 'odoo-prod')).toEqual(ODOO_LOGIN);
    expect(await after.reveal(OTHER, 'dns-token')).toBe('tok-other');
    // …while the old keyring alone no longer can.
    await expect(storeWith(`k1:${k1}`).reveal(TENANT, 'odoo-prod')).rejects.toThrow(/sealed under master key k2, which is not configured/);

    // Each tenant's audit chain records the rotation by names and key ids, never a value.
    const events: { tenant_id: string; reason: string; metadata: Record<string, unknown> }[] = await dataSource.query(
      `SELECT tenant_id, reason, metadata FROM audit_events WHERE event_type = 'tenancy.secrets_rotated' ORDER BY seq`,
    );
    expect(events.map((event) => event.tenant_id).sort()).toEqual([OTHER, TENANT].sort());
    expect(events.find((event) => event.tenant_id === TENANT)!.metadata).toMatchObject({ secret_names: ['dns-token', 'odoo-prod'], from_key_ids: ['k1'], to_key_id: 'k2' });
    const trail = JSON.stringify(await dataSource.query(`SELECT reason, metadata FROM audit_events WHERE event_type LIKE 'tenancy.secret%'`));
    for (const value of ['tok-rotate', 'tok-other', ODOO_LOGIN.password, 'sealed under k2']) expect(trail).not.toContain(value);
  });

  it('reports secrets no configured key opens instead of failing the rotation', async () => {
    await storeWith(`k1:${k1}`).put(TENANT, 'dns-token', { value: 'tok-lost' }, 'test');
    const report = await storeWith(`k2:${k2}`).rotate('test');
    expect(report).toMatchObject({ rotated: 0, unreadable: [{ tenant_id: TENANT, name: 'dns-token', key_id: 'k1' }] });
  });

  it('accepts SECRETS_MASTER_KEY with SECRETS_MASTER_KEY_ID, the _FILE variants, and refuses bad keys naming the variable only', () => {
    expect(loadConfig({ SECRETS_MASTER_KEY: k1, SECRETS_MASTER_KEY_ID: 'main' }).secrets.masterKeys.map((key) => key.id)).toEqual(['main']);
    expect(loadConfig({ SECRETS_MASTER_KEYS: `b:${k2},a:${k1}`, SECRETS_MASTER_KEY: k1 }).secrets.masterKeys.map((key) => key.id)).toEqual(['b', 'a']);
    const file = join(work, 'keys.txt');
    writeFileSync(file, `k9:${k2}\n`, { mode: 0o600 });
    const fromFile = loadConfig({ SECRETS_MASTER_KEYS_FILE: file });
    expect(fromFile.secrets.masterKeys[0].id).toBe('k9');
    expect(fromFile.secrets.masterKeys[0].key.reveal().equals(Buffer.from(k2, 'base64'))).toBe(true);
    expect(JSON.stringify(fromFile)).not.toContain(k2);
    for (const bad of [`k1:${k1},k1:${k2}`, 'k1:dG9vIHNob3J0', k1, `bad id:${k1}`]) {
      let message = '';
      try {
        loadConfig({ SECRETS_MASTER_KEYS: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/SECRETS_MASTER_KEYS: must be id:base64 pairs/);
      expect(message).not.toContain(k1);
    }
  });

  it('without configured keys: a generated development key file (0600); production refuses', async () => {
    const devStore = new TenantSecrets(dataSource, loadConfig({ DATA_DIR: work }));
    await devStore.put(TENANT, 'dev-secret', { value: 'dev-value' }, 'test');
    expect((await devStore.list(TENANT))[0].key_id).toBe('dev');
    expect(statSync(join(work, 'keys', 'secrets-master.key')).mode & 0o777).toBe(0o600);
    expect(await new TenantSecrets(dataSource, loadConfig({ DATA_DIR: work })).reveal(TENANT, 'dev-secret')).toBe('dev-value');
    const production = new TenantSecrets(dataSource, loadConfig({ DATA_DIR: work, NODE_ENV: 'production' }));
    await expect(production.put(TENANT, 'x', { value: 'y' }, 'test')).rejects.toThrow(SecretsKeyringError);
  });

  it('reads Odoo logins and DNS tokens from secrets, naming missing fields without quoting values', () => {
    expect(odooCredentialsOf('odoo-prod', { ...ODOO_LOGIN, user: undefined, login: 'admin' })).toEqual(ODOO_LOGIN);
    expect(() => odooCredentialsOf('odoo-prod', { url: 'http://x.example', db: 'acme', password: 'pw-secret-xyz' })).toThrow(SecretShapeError);
    try {
      odooCredentialsOf('odoo-prod', { url: 'not a url', db: 'acme', user: 'a', password: 'pw-secret-xyz' });
    } catch (error) {
      expect((error as Error).message).toMatch(/secret 'odoo-prod' is not an Odoo login: url/);
      expect((error as Error).message).not.toContain('pw-secret-xyz');
    }
    expect(dnsCredentialsOf('dns', 'tok')).toEqual({ token: 'tok', apiUrl: null, serverId: null });
    expect(dnsCredentialsOf('dns', { api_key: 'k', api_url: 'http://pdns.example:8081', server_id: 'localhost' })).toEqual({ token: 'k', apiUrl: 'http://pdns.example:8081', serverId: 'localhost' });
    expect(() => dnsCredentialsOf('dns', { nope: 1 })).toThrow(SecretShapeError);
  });

  describe('a dns.configure step with secret_ref', () => {
    const TOKEN = `hcloud-token-${randomBytes(8).toString('hex')}`;
    const context = (parameters: Record<string, unknown>): StepContext => ({
      tenantId: TENANT,
      planId: 'plan_dns_secret',
      runId: 'run_dns_secret',
      stepId: 'dns',
      attempt: 1,
      isLastAttempt: true,
      dryRun: true,
      idempotencyKey: 'run_dns_secret:dns',
      parameters: { domain: 'acme.example', records: ['A'], ...parameters },
      templateId: null,
      runState: {},
    });

    it('reaches the provider with the token in the tenant secret, where the configured provider has none', async () => {
      const http = await startHttpDouble(hetznerDnsDouble({ token: TOKEN, zones: [{ name: 'acme.example', id: 100 }] }));
      try {
        const config = loadConfig({ DATA_DIR: work, SECRETS_MASTER_KEYS: `k1:${k1}`, DNS_PROVIDER: 'hetzner', HETZNER_API_URL: `${http.url}/v1/` });
        const step = new ConfigureDnsStep(DNS_PROVIDER_FACTORY.useFactory(config, dataSource), config, dataSource);
        await expect(step.dryRun(context({}))).rejects.toThrow(/not configured: DNS_PROVIDER=hetzner needs HETZNER_DNS_TOKEN/);
        await expect(step.dryRun(context({ secret_ref: 'dns-hetzner' }))).rejects.toThrow(PermanentStepError);
        await expect(step.dryRun(context({ secret_ref: 'dns-hetzner' }))).rejects.toThrow(/secret_ref 'dns-hetzner': .*no secret of that name/);

        const store = storeWith(`k1:${k1}`);
        await store.put(TENANT, 'dns-hetzner', { value: { token: TOKEN } }, 'test');
        const outcome = await step.dryRun(context({ secret_ref: 'dns-hetzner' }));
        expect(outcome.result).toMatchObject({ mode: 'dry_run', provider: 'hetzner', zone: 'acme.example', zone_exists: true });
        expect(http.requests.some((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
        expect(JSON.stringify(outcome)).not.toContain(TOKEN);

        // A wrong token in the secret: the provider's refusal, with no token in the message.
        await store.put(TENANT, 'dns-wrong', { value: 'not-the-token-42' }, 'test');
        const refused = await step.dryRun(context({ secret_ref: 'dns-wrong' })).then(() => null, (error: Error) => error);
        expect(refused?.message).toBeTruthy();
        expect(refused?.message).not.toContain('not-the-token-42');

        // An API URL in a secret is tenant input: a loopback one is refused (SSRF guard) before any request.
        await store.put(TENANT, 'dns-local-url', { value: { token: TOKEN, api_url: `${http.url}/v1/` } }, 'test');
        const before = http.requests.length;
        await expect(step.dryRun(context({ secret_ref: 'dns-local-url' }))).rejects.toThrow(/secret_ref 'dns-local-url': .*loopback/);
        expect(http.requests.length).toBe(before);

        // The preflight probes with the secret's token, names the secret, and never shows the token.
        const check = new DnsProviderCheck(config, store);
        const subject = (ref: string) => ({ planId: 'p', tenantId: TENANT, dryRun: false, steps: [{ stepId: 's', name: 'Configure DNS', action: 'dns.configure' as const, templateId: null, parameters: { domain: 'acme.example', secret_ref: ref } }] });
        const [passed] = await check.run(subject('dns-hetzner'));
        expect(passed).toMatchObject({ check: 'dns_provider', passed: true, detail: expect.stringMatching(/^secret 'dns-hetzner': the Hetzner Cloud API answers/) });
        const [failed] = await check.run(subject('dns-wrong'));
        expect(failed).toMatchObject({ passed: false, detail: expect.stringMatching(/^secret 'dns-wrong': .*refused/) });
        expect(JSON.stringify([passed, failed])).not.toMatch(new RegExp(`${TOKEN}|not-the-token-42`));
        expect(await check.run(subject('dns-absent'))).toEqual([]);
      } finally {
        await http.close();
      }
    });
  });
});
