import { createPublicKey } from 'node:crypto';
import { ForgeSignModule } from '../../apps/forge-sign/src/forge-sign.module';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders, roleFor } from '../support/auth';
import { startTestSystem } from '../support/system';

/** GET /api/v1/keys, rotation and revocation through the gateway and a real forge-sign worker. */
describe('signing keys API (gateway + forge-sign, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...authHeaders(system, roleFor(path)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = await response.text();
    return { status: response.status, raw, body: raw ? JSON.parse(raw) : undefined };
  };
  type KeyView = { key_id: string; status: string; public_key_pem: string; public_key_raw: string };
  const listed = async () => (await call('GET', '/api/v1/keys')).body.keys as KeyView[];

  beforeAll(async () => {
    system = await startTestSystem('keys', {}, [['forge-sign', ForgeSignModule]]);
  });
  afterAll(() => system?.stop());

  it('lists the key forge-sign generated on start, public material only', async () => {
    const response = await call('GET', '/api/v1/keys');
    expect(response.status).toBe(200);
    const active = (response.body.keys as KeyView[]).filter((key) => key.status === 'active');
    expect(active).toHaveLength(1);
    expect(active[0]).toEqual({
      key_id: expect.stringMatching(/^[0-9a-f]{64}$/),
      algorithm: 'ed25519',
      status: 'active',
      created_at: expect.any(String),
      retired_at: null,
      revoked_at: null,
      revocation_reason: null,
      public_key_pem: expect.stringContaining('-----BEGIN PUBLIC KEY-----'),
      public_key_raw: expect.any(String),
    });
    const raw = Buffer.from(active[0].public_key_raw, 'base64');
    expect(raw).toHaveLength(32);
    // The raw key is the last 32 bytes of the DER SubjectPublicKeyInfo.
    expect(createPublicKey(active[0].public_key_pem).export({ type: 'spki', format: 'der' }).subarray(-32).equals(raw)).toBe(true);
    expect(response.raw).not.toContain('PRIVATE');
    expect(response.raw).not.toMatch(/ciphertext|private_key_iv|private_key_tag/);
    const masterKey = system.runtime.config.signing.masterKey!.reveal();
    expect(response.raw).not.toContain(masterKey.toString('base64'));
    expect(response.raw).not.toContain(masterKey.toString('hex'));
  });

  it('rotates: 201 with the new active key, the old one stays listed as retired', async () => {
    const before = (await listed()).find((key) => key.status === 'active')!;
    const response = await call('POST', '/api/v1/keys/rotate');
    expect(response.status).toBe(201);
    expect(response.body.key).toMatchObject({ status: 'active', retired_at: null });
    expect(response.body.key.key_id).not.toBe(before.key_id);
    const after = await listed();
    expect(after.find((key) => key.key_id === before.key_id)).toMatchObject({ status: 'retired', retired_at: expect.any(String) });
    expect(after.filter((key) => key.status === 'active').map((key) => key.key_id)).toEqual([response.body.key.key_id]);
    expect(response.raw).not.toContain('PRIVATE');
  });

  it('revokes with a reason: 400 without one, 404 for an unknown key, 409 when already revoked', async () => {
    const retired = (await listed()).find((key) => key.status === 'retired')!;
    expect((await call('POST', `/api/v1/keys/${retired.key_id}/revoke`, {})).status).toBe(400);
    expect((await call('POST', `/api/v1/keys/${retired.key_id}/revoke`, { reason: '   ' })).status).toBe(400);
    expect((await call('POST', `/api/v1/keys/${'0'.repeat(64)}/revoke`, { reason: 'leaked' })).status).toBe(404);
    expect((await call('POST', '/api/v1/keys/not-a-key/revoke', { reason: 'leaked' })).status).toBe(404);

    const revoked = await call('POST', `/api/v1/keys/${retired.key_id}/revoke`, { reason: 'laptop lost' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.key).toMatchObject({ key_id: retired.key_id, status: 'revoked', revocation_reason: 'laptop lost', revoked_at: expect.any(String) });
    expect((await call('POST', `/api/v1/keys/${retired.key_id}/revoke`, { reason: 'again' })).status).toBe(409);
  });

  it('after the active key is revoked, rotation (like the next signature) brings a fresh active key', async () => {
    const active = (await listed()).find((key) => key.status === 'active')!;
    expect((await call('POST', `/api/v1/keys/${active.key_id}/revoke`, { reason: 'compromised' })).status).toBe(200);
    expect((await listed()).filter((key) => key.status === 'active')).toEqual([]);
    const rotated = await call('POST', '/api/v1/keys/rotate');
    expect(rotated.status).toBe(201);
    expect(rotated.body.key.key_id).not.toBe(active.key_id);
    expect((await listed()).find((key) => key.key_id === active.key_id)).toMatchObject({ status: 'revoked', revocation_reason: 'compromised' });
  });
});
