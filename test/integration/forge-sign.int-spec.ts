import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { loadConfig, SecretBytes } from '@bf/config';
import { DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, pae, sha256Hex } from '@bf/contracts';
import { createDataSource, migrate } from '@bf/persistence';
import { createRedis, JobProducer } from '@bf/queue';
import { createWorker, Runtime } from '@bf/runtime';
import { DsseSignerService, finalizeJobId } from '../../apps/forge-sign/src/dsse-signer.service';
import { ForgeSignModule } from '../../apps/forge-sign/src/forge-sign.module';
import { KeyDecryptionError } from '../../apps/forge-sign/src/key-cipher';
import { signingKeyId } from '../../apps/forge-sign/src/key-id';
import { loadMasterKey, MasterKeyError } from '../../apps/forge-sign/src/master-key';
import { SigningKeyStore } from '../../apps/forge-sign/src/signing-key.store';
import { dropDatabase, suiteDatabaseUrl } from '../support/suite-database';
import { currentTestEnv } from '../support/test-env';

/**
 * forge-sign's key store and DSSE signing against real PostgreSQL, Redis and the
 * system's openssl. The suite has a database of its own: which key is active is
 * global state, and other suites' workers create keys in the shared one.
 */
describe('forge-sign: keys at rest and DSSE signing', () => {
  const env = currentTestEnv();
  const databaseUrl = suiteDatabaseUrl(env.databaseUrl, 'sign');
  const prefix = `${env.queuePrefix}_sign`;
  const silent = pino({ level: 'silent' });
  const master = new SecretBytes(randomBytes(32));
  let dataSource: DataSource;
  let redis: Redis;
  let producer: JobProducer;
  let work: string;

  const resetKeys = () => dataSource.query('DELETE FROM signing_keys');
  const statuses = async () => (await dataSource.query(`SELECT key_id, status FROM signing_keys ORDER BY created_at, key_id`)) as { key_id: string; status: string }[];
  const signJob = (statement: object, overrides: Partial<{ payload: string; statementSha256: string }> = {}) => {
    const body = Buffer.from(JSON.stringify(statement));
    return { tenantId: 'tenant_default', runId: `run_${sha256Hex(body).slice(0, 8)}`, payloadType: IN_TOTO_PAYLOAD_TYPE, payload: body.toString('base64'), statementSha256: sha256Hex(body), ...overrides };
  };

  beforeAll(async () => {
    await migrate(databaseUrl);
    dataSource = createDataSource({ url: databaseUrl, poolSize: 6 });
    await dataSource.initialize();
    redis = createRedis(env.redisUrl, 'forge-sign-test');
    producer = new JobProducer(redis, prefix);
    work = mkdtempSync(join(tmpdir(), 'bf-sign-'));
  });

  afterAll(async () => {
    await producer.close();
    await redis.quit();
    await dataSource.destroy();
    await dropDatabase(databaseUrl);
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => resetKeys());

  it('ends with exactly one active key when several stores start together', async () => {
    const stores = Array.from({ length: 4 }, () => new SigningKeyStore(dataSource, master));
    const keys = await Promise.all(stores.map((store) => store.active()));
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
    expect(await statuses()).toEqual([{ key_id: keys[0].keyId, status: 'active' }]);
  });

  it('refuses a second active key even without the lock (partial unique index)', async () => {
    await new SigningKeyStore(dataSource, master).active();
    await expect(
      dataSource.query(`INSERT INTO signing_keys (key_id, public_key_pem, status, private_key_iv, private_key_tag, private_key_ciphertext) VALUES ($1, 'x', 'active', $2, $3, 'x')`, [
        'f'.repeat(64),
        Buffer.alloc(12),
        Buffer.alloc(16),
      ]),
    ).rejects.toThrow(/signing_keys_one_active/);
  });

  it('stores the private key encrypted: not the PEM, bound to its key id, useless under another master key', async () => {
    const key = await new SigningKeyStore(dataSource, master).active();
    const [row] = await dataSource.query(`SELECT * FROM signing_keys WHERE key_id = $1`, [key.keyId]);
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = key.privateKey.export({ type: 'pkcs8', format: 'der' });
    const stored = Buffer.concat([row.private_key_iv, row.private_key_tag, row.private_key_ciphertext]);
    expect(stored.includes(der.subarray(-32))).toBe(false); // the raw 32-byte seed is nowhere
    expect(JSON.stringify(row)).not.toContain(pem.split('\n')[1]);
    expect(row.key_id).toBe(signingKeyId(createPublicKey(row.public_key_pem)));

    // A fresh store (no cache) with the right master key decrypts it…
    const reopened = await new SigningKeyStore(dataSource, master).active();
    expect(reopened.privateKey.export({ type: 'pkcs8', format: 'pem' })).toEqual(pem);
    // …another master key does not, and says why.
    const wrong = new SigningKeyStore(dataSource, new SecretBytes(randomBytes(32)));
    await expect(wrong.active()).rejects.toThrow(KeyDecryptionError);
    await expect(wrong.active()).rejects.toThrow(`signing key ${key.keyId} cannot be decrypted: EVIDENCE_MASTER_KEY is not the master key it was encrypted under`);
  });

  it('rotates once: the old key stays listed as retired, the new one signs; a duplicate request does not rotate again', async () => {
    const store = new SigningKeyStore(dataSource, master);
    const first = await store.active();
    const outcomes = await Promise.all([store.rotate(first.keyId), new SigningKeyStore(dataSource, master).rotate(first.keyId)]);
    expect(outcomes.filter((outcome) => outcome.rotated)).toHaveLength(1);
    expect(outcomes[0].keyId).toBe(outcomes[1].keyId);
    const second = await store.active();
    expect(second.keyId).toBe(outcomes[0].keyId);
    expect(await statuses()).toEqual([
      { key_id: first.keyId, status: 'retired' },
      { key_id: second.keyId, status: 'active' },
    ]);
    const [retired] = await dataSource.query(`SELECT retired_at FROM signing_keys WHERE key_id = $1`, [first.keyId]);
    expect(retired.retired_at).toBeInstanceOf(Date);

    const result = await new DsseSignerService(store, producer).sign(signJob({ rotated: true }));
    expect(result).toEqual({ keyId: second.keyId });
  });

  it('never signs with a revoked active key: the next signature uses a fresh key', async () => {
    const store = new SigningKeyStore(dataSource, master);
    const revoked = await store.active();
    await dataSource.query(`UPDATE signing_keys SET status = 'revoked', revoked_at = now(), revocation_reason = 'test' WHERE key_id = $1`, [revoked.keyId]);
    const result = await new DsseSignerService(store, producer).sign(signJob({ after: 'revocation' }));
    expect(result.keyId).not.toBe(revoked.keyId);
    expect(await statuses()).toEqual([
      { key_id: revoked.keyId, status: 'revoked' },
      { key_id: result.keyId, status: 'active' },
    ]);
  });

  it('signs PAE(payloadType, statement) so openssl and node both verify it, and hands the envelope to evidence.finalize once', async () => {
    const store = new SigningKeyStore(dataSource, master);
    const signer = new DsseSignerService(store, producer);
    const job = signJob({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'plan.json', digest: { sha256: 'a'.repeat(64) } }] });

    const waiting = async () => (await producer.queue('evidence').getJobCounts('waiting')).waiting;
    const before = await waiting();
    const result = await signer.sign(job);
    const again = await signer.sign(job); // a redelivered sign job
    expect(again).toEqual(result);
    expect(await waiting()).toBe(before + 1);
    expect(Object.keys(result)).toEqual(['keyId']);

    const finalize = await producer.queue('evidence').getJob(finalizeJobId(job.runId, job.statementSha256));
    expect(finalize?.name).toBe('evidence.finalize');
    const data = finalize!.data as { envelope: DsseEnvelope; keyId: string; publicKeyPem: string; statementSha256: string };
    expect(data.keyId).toBe(result.keyId);
    expect(data.statementSha256).toBe(job.statementSha256);
    expect(data.envelope.signatures).toEqual([{ keyid: result.keyId, sig: expect.any(String) }]);
    expect(data.envelope.payload).toBe(job.payload);

    const body = Buffer.from(data.envelope.payload, 'base64');
    const signature = Buffer.from(data.envelope.signatures[0].sig, 'base64');
    expect(signature).toHaveLength(64);
    expect(verify(null, pae(data.envelope.payloadType, body), createPublicKey(data.publicKeyPem), signature)).toBe(true);

    const dir = mkdtempSync(join(work, 'openssl-'));
    writeFileSync(join(dir, 'pub.pem'), data.publicKeyPem);
    writeFileSync(join(dir, 'pae.bin'), pae(data.envelope.payloadType, body));
    writeFileSync(join(dir, 'sig.bin'), signature);
    const openssl = (input: string) =>
      execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', input, '-sigfile', 'sig.bin'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    expect(openssl('pae.bin')).toContain('Signature Verified Successfully');
    const tampered = pae(data.envelope.payloadType, body);
    tampered[tampered.length - 2] ^= 1;
    writeFileSync(join(dir, 'tampered.bin'), tampered);
    expect(() => openssl('tampered.bin')).toThrow();

    // The key id is the sha256 of the DER public key, recomputable with openssl alone.
    const der = execFileSync('openssl', ['pkey', '-pubin', '-in', 'pub.pem', '-outform', 'DER'], { cwd: dir });
    expect(sha256Hex(der)).toBe(result.keyId);

    // Nothing secret travels: neither the private key nor the master key is in what leaves forge-sign.
    const travelled = JSON.stringify({ result, data });
    const key = await store.active();
    expect(travelled).not.toContain(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1]);
    expect(travelled).not.toContain(master.reveal().toString('base64'));
    expect(travelled).not.toContain('PRIVATE KEY');
  });

  it('refuses, without retrying, a payload whose sha256 is not the one evidence recorded', async () => {
    const signer = new DsseSignerService(new SigningKeyStore(dataSource, master), producer);
    const job = signJob({ honest: true });
    await expect(signer.sign({ ...job, statementSha256: sha256Hex('something else') })).rejects.toThrow(UnrecoverableError);
    await expect(signer.sign({ ...job, payload: '***not base64***' })).rejects.toThrow(UnrecoverableError);
    await expect(signer.sign({ ...job, statementSha256: 'short' })).rejects.toThrow(UnrecoverableError);
  });

  describe('master key', () => {
    const config = (overrides: NodeJS.ProcessEnv) => loadConfig({ DATA_DIR: mkdtempSync(join(work, 'data-')), ...overrides });

    it('is refused in production when none is configured, naming the variable', async () => {
      await expect(loadMasterKey(config({ NODE_ENV: 'production' }), silent)).rejects.toThrow(MasterKeyError);
      await expect(loadMasterKey(config({ NODE_ENV: 'production' }), silent)).rejects.toThrow(/NODE_ENV=production and EVIDENCE_MASTER_KEY is not set/);
    });

    it('stops the forge-sign worker from booting in production without one', async () => {
      const prodConfig = loadConfig({
        ...process.env,
        NODE_ENV: 'production',
        EVIDENCE_MASTER_KEY: '',
        DATABASE_URL: databaseUrl,
        REDIS_URL: env.redisUrl,
        QUEUE_PREFIX: `${prefix}_boot`,
        DATA_DIR: mkdtempSync(join(work, 'prod-')),
        DB_MIGRATE: 'false',
      });
      const runtime = await Runtime.start(prodConfig, { migrate: false, name: 'forge-sign-prod-test' });
      try {
        await expect(createWorker('forge-sign', ForgeSignModule, runtime)).rejects.toThrow(/EVIDENCE_MASTER_KEY is not set/);
      } finally {
        await runtime.stop();
      }
      expect(await statuses()).toEqual([]);
    });

    it('outside production, is generated once into DATA_DIR/keys/master.key (mode 0600) and reused', async () => {
      const dev = config({ NODE_ENV: 'development' });
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      const first = await loadMasterKey(dev, log);
      const second = await loadMasterKey(dev, log);
      expect(second.reveal().equals(first.reveal())).toBe(true);
      const file = join(dev.storage.keysDir, 'master.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(warnings.join('')).toContain('For development only');
      expect(warnings.join('')).not.toContain(first.reveal().toString('base64'));
    });

    it('is read from EVIDENCE_MASTER_KEY or, through the secrets mechanism, EVIDENCE_MASTER_KEY_FILE; never printed', async () => {
      const secret = randomBytes(32).toString('base64');
      const file = join(work, 'master-secret');
      writeFileSync(file, `${secret}\n`);
      const fromFile = config({ NODE_ENV: 'production', EVIDENCE_MASTER_KEY_FILE: file });
      expect((await loadMasterKey(fromFile, silent)).reveal().toString('base64')).toBe(secret);
      expect(JSON.stringify(fromFile)).not.toContain(secret);
      expect(inspect(fromFile, { depth: 10 })).not.toContain(secret);
      expect(() => config({ EVIDENCE_MASTER_KEY: 'dG9vIHNob3J0' })).toThrow(/EVIDENCE_MASTER_KEY: must be the base64 of exactly 32 bytes/);
      expect(readFileSync(file, 'utf8')).toContain(secret); // the file is only read
    });
  });
});
