import { DataSource } from 'typeorm';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { freePort } from '../support/net';
import { startTestSystem } from '../support/system';

/**
 * The keyless first run of POST /api/onboarding/setup closes for good: once the
 * platform tenant had an admin key, expiring or revoking every admin key must not
 * reopen it (otherwise whoever calls next becomes the platform admin).
 */
describe('onboarding: the keyless window stays closed', () => {
  const PLATFORM = 'tenant_onboard_window';
  let system: RunningSystem;
  let dataSource: DataSource;
  const keyless = async () => {
    const response = await fetch(`${system.url}/api/onboarding/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: { name: 'Late Intruder' } }) });
    const raw = await response.text();
    return { status: response.status, raw };
  };
  const adminKeys = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM api_keys WHERE tenant_id = $1 AND role = 'admin'`, [PLATFORM]))[0].n);

  beforeAll(async () => {
    system = await startTestSystem('onboardwindow', { PORT: String(await freePort()), PLATFORM_TENANT_ID: PLATFORM, RATE_LIMIT_SENSITIVE: '1000' });
    dataSource = system.gateway.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses a keyless setup after the only platform admin key expired, and after it was revoked', async () => {
    const response = await fetch(`${system.url}/api/onboarding/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: { name: 'Platform Org' } }) });
    expect(response.status).toBe(201);
    const first = (await response.json()) as { admin_key: { api_key: { id: string } } };
    const keyId: string = first.admin_key.api_key.id;

    await dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [keyId]);
    const afterExpiry = await keyless();
    expect(afterExpiry.status).toBe(401);
    expect(afterExpiry.raw).not.toMatch(/bfk_/);

    await dataSource.query(`UPDATE api_keys SET expires_at = NULL, revoked_at = now(), revoked_by = $1, revocation_reason = 'test: lost key' WHERE id = $1`, [keyId]);
    const afterRevocation = await keyless();
    expect(afterRevocation.status).toBe(401);
    expect(afterRevocation.raw).not.toMatch(/bfk_/);

    expect(await adminKeys()).toBe(1);
    const tenant = await dataSource.query('SELECT name FROM tenants WHERE id = $1', [PLATFORM]);
    expect(tenant).toEqual([{ name: 'Platform Org' }]);
  }, 30_000);
});
