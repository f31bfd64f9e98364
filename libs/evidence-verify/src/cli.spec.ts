import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedPack, testKey } from '../../../test/support/signed-pack';
import { main } from './cli';

describe('evidence verify CLI (in process)', () => {
  const key = testKey();
  const dir = mkdtempSync(join(tmpdir(), 'bf-verify-cli-'));
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const keysFile = (status: string) => {
    const path = join(dir, `keys-${status}.json`);
    // The body of GET /api/v1/keys, extra fields and all.
    writeFileSync(path, JSON.stringify({ keys: [{ key_id: key.keyId, status, algorithm: 'ed25519', public_key_pem: key.pem, public_key_raw: 'ignored' }] }));
    return path;
  };

  beforeAll(async () => {
    const zip = await signedPack(key);
    writeFileSync(join(dir, 'pack.zip'), zip);
    writeFileSync(join(dir, 'truncated.zip'), zip.subarray(0, 100));
  });

  it('exits 0 on a valid pack offline, printing every check and that the signer is not established', async () => {
    const { code, out } = await run(join(dir, 'pack.zip'));
    expect(code).toBe(0);
    expect(out).toMatch(/^PASS {2}checksums \[verification_checksums.txt\]/m);
    expect(out).toMatch(/trust: not established \(no trusted keys given\)/);
    expect(out).not.toMatch(/^FAIL/m);
    expect(out.split('\n').pop()).toBe('VALID');
  });

  it('with --keys names the trusted key, and exits 1 when that key is revoked', async () => {
    const active = await run(join(dir, 'pack.zip'), '--keys', keysFile('active'));
    expect(active.code).toBe(0);
    expect(active.out).toContain(`key: ${key.keyId}`);
    const revoked = await run(join(dir, 'pack.zip'), '--keys', keysFile('revoked'));
    expect(revoked.code).toBe(1);
    expect(revoked.out).toContain(`FAIL  signature [attestation/envelope.dsse.json]: signed by key ${key.keyId}, which is revoked`);
    expect(revoked.out.split('\n').pop()).toBe('INVALID');
  });

  it('exits 1 on a truncated ZIP', async () => {
    const { code, out } = await run(join(dir, 'truncated.zip'));
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL {2}zip: not a readable ZIP/m);
  });

  it('exits 2 on bad usage or unreadable inputs', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('a.zip', 'b.zip')).code).toBe(2);
    expect((await run(join(dir, 'pack.zip'), '--keys')).err).toMatch(/--keys needs a file/);
    expect((await run(join(dir, 'pack.zip'), '--frobnicate')).code).toBe(2);
    expect((await run(join(dir, 'missing.zip'))).err).toMatch(/cannot read input/);
    writeFileSync(join(dir, 'bad-keys.json'), '{"keys":[{"key_id":1}]}');
    expect((await run(join(dir, 'pack.zip'), '--keys', join(dir, 'bad-keys.json'))).code).toBe(2);
  });
});
