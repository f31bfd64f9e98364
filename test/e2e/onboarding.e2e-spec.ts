import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '@bf/config';
import { createDataSource } from '@bf/persistence';
import { apiKeysFor } from '@bf/tenancy';
import { main as factoryCli } from '../../apps/gateway/src/cli/factory';
import { parseEnvFile } from '../../apps/gateway/src/cli/env-file';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { freePort } from '../support/net';
import { startTestSystem } from '../support/system';
import { currentTestEnv } from '../support/test-env';

/**
 * First-run setup: `npm run factory -- init --config` against this run's
 * database (its own platform tenant, so other suites' keys don't count), and
 * `POST /api/onboarding/setup` open only until the platform tenant has an admin key.
 */
describe('onboarding', () => {
  const env = currentTestEnv();

  describe('npm run factory -- init --config', () => {
    const TENANT = 'tenant_onboard_cli';
    let dir: string;
    let dataSource: DataSource;
    const runCli = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await factoryCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), ask: null }, { PATH: process.env.PATH }, dir);
      return { code, out, err, json: out.length === 1 && out[0].startsWith('{') ? JSON.parse(out[0]) : undefined };
    };
    const setup = (extra: Record<string, unknown> = {}) => ({
      organization: { name: 'Acme Onboarding GmbH', tenant_id: TENANT, industry: 'consulting' },
      security: { admin_key_name: 'acme first admin' },
      defaults: { dns_provider: 'embedded', web_target: 'builtin', port: 8123 },
      database_url: env.databaseUrl,
      redis_url: env.redisUrl,
      ...extra,
    });
    const adminKeys = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM api_keys WHERE tenant_id = $1 AND role = 'admin'`, [TENANT]))[0].n);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bf-onboard-'));
      writeFileSync(join(dir, 'setup.json'), JSON.stringify(setup()));
      dataSource = createDataSource({ url: env.databaseUrl, poolSize: 2 });
      await dataSource.initialize();
    });
    afterAll(async () => {
      await dataSource?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses a setup file with bad fields, naming each, and an unreachable Redis, before writing anything', async () => {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...setup(), organization: { name: '' }, defaults: { dns_provider: 'route53' }, extra: 1 }));
      const bad = await runCli(['init', '--config', 'bad.json', '--env-file', 'bad.env']);
      expect(bad.code).toBe(2);
      expect(bad.err.join('\n')).toMatch(/organization\.name/);
      expect(bad.err.join('\n')).toMatch(/defaults\.dns_provider/);
      expect(bad.err.join('\n')).toMatch(/extra/);

      writeFileSync(join(dir, 'noredis.json'), JSON.stringify(setup({ redis_url: 'redis://127.0.0.1:1' })));
      const noRedis = await runCli(['init', '--config', 'noredis.json', '--env-file', 'noredis.env']);
      expect(noRedis.code).toBe(1);
      expect(noRedis.err.join('\n')).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 does not answer/);
      expect(existsSync(join(dir, 'noredis.env'))).toBe(false);
      expect(await adminKeys()).toBe(0);
      expect((await runCli(['init', '--bogus'])).code).toBe(2);
    });

    it('creates the tenant and its admin key (printed once), writes a private .env whose pepper the key is hashed under', async () => {
      const first = await runCli(['init', '--config', 'setup.json', '--json']);
      expect(first.err).toEqual([]);
      expect(first.code).toBe(0);
      expect(first.json).toMatchObject({ status: 'created', tenant: { tenant_id: TENANT, name: 'Acme Onboarding GmbH' }, admin_keys: 1, env_written: true, admin_key: { key: expect.stringMatching(/^bfk_/), api_key: { role: 'admin', name: 'acme first admin' } } });

      const envPath = join(dir, '.env');
      expect(statSync(envPath).mode & 0o777).toBe(0o600);
      const written = parseEnvFile(readFileSync(envPath, 'utf8'));
      expect(written).toMatchObject({ PORT: '8123', DNS_PROVIDER: 'embedded', WEB_TARGET: 'builtin', PLATFORM_TENANT_ID: TENANT, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl });
      expect(written.EVIDENCE_MASTER_KEY).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(written.SECRETS_MASTER_KEYS).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
      expect(written.API_KEY_PEPPER).toBeTruthy();
      expect(readFileSync(envPath, 'utf8')).not.toContain(first.json.admin_key.key);

      // The gateway, started with this .env, accepts the key as an admin of the new (platform) tenant.
      const config = loadConfig(written);
      const outcome = await apiKeysFor(dataSource, config).authenticate(first.json.admin_key.key);
      expect(outcome).toMatchObject({ ok: true, principal: { tenantId: TENANT, role: 'admin' } });
      expect((await apiKeysFor(dataSource, loadConfig({})).authenticate(first.json.admin_key.key)).ok).toBe(false);
      const [event] = await dataSource.query(`SELECT reason, metadata FROM audit_events WHERE tenant_id = $1 AND event_type = 'tenancy.onboarding_completed'`, [TENANT]);
      expect(event.reason).toContain('factory init');
      expect(JSON.stringify(event)).not.toContain(first.json.admin_key.key);
    });

    it('is safe to run again: says the tenant exists, creates no key and leaves .env alone; a second key only when asked; --force rewrites .env keeping its keys', async () => {
      const envPath = join(dir, '.env');
      const before = readFileSync(envPath, 'utf8');
      const again = await runCli(['init', '--config', 'setup.json']);
      expect(again.code).toBe(0);
      expect(again.out.join('\n')).toMatch(/tenant tenant_onboard_cli \('Acme Onboarding GmbH'\) is already set up with 1 admin key\(s\): no key created/);
      expect(again.out.join('\n')).toMatch(/\.env: exists, left unchanged/);
      expect(again.out.join('\n')).not.toMatch(/bfk_/);
      expect(readFileSync(envPath, 'utf8')).toBe(before);
      expect(await adminKeys()).toBe(1);

      const more = await runCli(['init', '--config', 'setup.json', '--new-admin-key', '--json']);
      expect(more.json).toMatchObject({ status: 'admin_key_added', admin_keys: 2, env_written: false });
      expect(await adminKeys()).toBe(2);

      chmodSync(envPath, 0o644);
      const forced = await runCli(['init', '--config', 'setup.json', '--force', '--json']);
      expect(forced.json).toMatchObject({ status: 'already_set_up', admin_key: null, env_written: true });
      expect(statSync(envPath).mode & 0o777).toBe(0o600);
      const rewritten = parseEnvFile(readFileSync(envPath, 'utf8'));
      const original = parseEnvFile(before);
      for (const name of ['API_KEY_PEPPER', 'EVIDENCE_MASTER_KEY', 'SECRETS_MASTER_KEYS']) expect(rewritten[name]).toBe(original[name]);
      expect((await apiKeysFor(dataSource, loadConfig(rewritten)).authenticate(more.json.admin_key.key)).ok).toBe(true);
    });
  });

  describe('POST /api/onboarding/setup', () => {
    const PLATFORM = 'tenant_onboard_http';
    let system: RunningSystem;
    const call = async (body: unknown, headers: Record<string, string> = {}, path = '/api/onboarding/setup', method = 'POST') => {
      const response = await fetch(`${system.url}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body !== undefined ? JSON.stringify(body) : undefined });
      const raw = await response.text();
      return { status: response.status, raw, body: raw ? JSON.parse(raw) : undefined };
    };

    beforeAll(async () => {
      system = await startTestSystem('onboarding', { PORT: String(await freePort()), PLATFORM_TENANT_ID: PLATFORM, RATE_LIMIT_SENSITIVE: '1000' });
    }, 60_000);
    afterAll(async () => {
      await system?.stop();
    });

    it('rejects a bad body, each problem by path', async () => {
      const bad = await call({ organization: { name: 'X', tenant_id: 'not-a-tenant' }, defaults: { port: 0 }, surprise: true });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((detail: any) => detail.path)).toEqual(expect.arrayContaining(['organization.tenant_id', 'defaults.port']));
      expect(bad.raw).toMatch(/surprise/);
    });

    it('sets up the platform tenant on the first run (no key needed), then is refused without a platform admin key', async () => {
      const first = await call({ organization: { name: 'Platform Org' }, security: { admin_key_name: 'platform admin' }, defaults: { dns_provider: 'embedded' } });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'created', tenant: { tenant_id: PLATFORM, name: 'Platform Org' }, admin_key: { key: expect.stringMatching(/^bfk_/), api_key: { role: 'admin' } }, configuration: { DNS_PROVIDER: 'embedded', PORT: '8000' } });
      const platformKey: string = first.body.admin_key.key;
      const me = await call(undefined, { authorization: `Bearer ${platformKey}` }, '/api/v1/tenant', 'GET');
      expect(me.body).toMatchObject({ tenant_id: PLATFORM, key: { role: 'admin' } });

      // Done: no second first-run, and no key shown to anyone.
      const again = await call({ organization: { name: 'Intruder' } });
      expect(again.status).toBe(401);
      expect(again.raw).not.toMatch(/bfk_/);
      // An admin of another tenant is not a platform admin.
      expect((await call({ organization: { name: 'Intruder' } }, authHeaders(system, 'admin'))).status).toBe(403);
      expect((await call({ organization: { name: 'Intruder' } }, { authorization: 'Bearer bfk_wrongkey_abc' })).status).toBe(401);

      // The platform admin onboards a further organization as a new tenant.
      const second = await call({ organization: { name: 'Second Org', tenant_id: 'tenant_onboard_second' } }, { authorization: `Bearer ${platformKey}` });
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ status: 'created', tenant: { tenant_id: 'tenant_onboard_second', name: 'Second Org' }, admin_key: { key: expect.stringMatching(/^bfk_/) } });
      expect((await call({ organization: { name: 'Second Org', tenant_id: 'tenant_onboard_second' } }, { authorization: `Bearer ${platformKey}` })).status).toBe(409);
      const secondMe = await call(undefined, { authorization: `Bearer ${second.body.admin_key.key}` }, '/api/v1/tenant', 'GET');
      expect(secondMe.body).toMatchObject({ tenant_id: 'tenant_onboard_second' });
    });
  });
});
