import { DataSource } from 'typeorm';
import { tenantsFor } from '@bf/tenancy';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { freePort } from '../support/net';
import { startTestSystem } from '../support/system';

/**
 * ONBOARDING_HTTP closes the keyless first-run window of POST /api/onboarding/setup:
 * `platform-admin` refuses a keyless caller even while the platform tenant has no
 * admin key yet (which `first-run`, the default, would let through: see
 * onboarding.e2e-spec.ts), and `off` answers 404 to everyone.
 */
describe('ONBOARDING_HTTP', () => {
  let system: RunningSystem | undefined;
  const call = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${system!.url}/api/onboarding/setup`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const raw = await response.text();
    return { status: response.status, raw, body: raw ? JSON.parse(raw) : undefined };
  };
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('platform-admin: no keyless first run (even with no platform admin yet); a platform admin still onboards tenants', async () => {
    const platform = 'tenant_switch_platform';
    system = await startTestSystem('onboardswitch', { PORT: String(await freePort()), PLATFORM_TENANT_ID: platform, ONBOARDING_HTTP: 'platform-admin', RATE_LIMIT_SENSITIVE: '1000' });
    const keyless = await call({ organization: { name: 'First Comer' } });
    expect(keyless.status).toBe(401);
    expect(keyless.body.message).toContain('ONBOARDING_HTTP=platform-admin');
    expect(keyless.raw).not.toMatch(/bfk_/);
    // Refused before the body is read: a keyless caller learns nothing about the schema.
    expect((await call({ surprise: true })).status).toBe(401);
    const dataSource = system.gateway.get(DataSource);
    expect(await dataSource.query('SELECT id FROM tenants WHERE id = $1', [platform])).toEqual([]);

    // The first tenant comes from the command line (factory init does this), then its admin onboards others over HTTP.
    const created = await tenantsFor(dataSource, system.runtime.config).create({ name: 'Platform Org', id: platform });
    const platformAdmin = { authorization: `Bearer ${created.admin_key.key}` };
    expect((await call({ organization: { name: 'Intruder' } }, authHeaders(system, 'admin'))).status).toBe(403);
    const onboarded = await call({ organization: { name: 'Switch Org', tenant_id: 'tenant_switch_second' } }, platformAdmin);
    expect(onboarded.status).toBe(201);
    expect(onboarded.body).toMatchObject({ status: 'created', tenant: { tenant_id: 'tenant_switch_second' }, admin_key: { key: expect.stringMatching(/^bfk_/) } });
  }, 60_000);

  it('off: 404 for everyone, platform admins included; nothing is created', async () => {
    system = await startTestSystem('onboardoff', { PORT: String(await freePort()), ONBOARDING_HTTP: 'off', RATE_LIMIT_SENSITIVE: '1000' });
    const keyless = await call({ organization: { name: 'First Comer', tenant_id: 'tenant_switch_off' } });
    expect(keyless.status).toBe(404);
    expect(keyless.body.message).toContain('ONBOARDING_HTTP=off');
    // The default tenant is the platform tenant here, and the test admin key is its admin.
    expect((await call({ organization: { name: 'Admin Org', tenant_id: 'tenant_switch_off' } }, authHeaders(system, 'admin'))).status).toBe(404);
    expect(await system.gateway.get(DataSource).query('SELECT id FROM tenants WHERE id = $1', ['tenant_switch_off'])).toEqual([]);
  }, 60_000);
});
