import { randomBytes } from 'node:crypto';
import { GoneException } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig, SecretBytes } from '@bf/config';
import { ForgeStep, newForgeId } from '@bf/forge';
import { AuditLog, createDataSource, DEFAULT_TENANT_ID } from '@bf/persistence';
import { createRedis, JobContext, JobProducer } from '@bf/queue';
import { TenantSecrets } from '@bf/tenancy';
import { ForgeJobStore } from '../../apps/forge-sign/src/forge/forge-job.store';
import { ForgeStepGate } from '../../apps/forge-sign/src/forge/forge-step.gate';
import { ForgeStepRunner } from '../../apps/forge-sign/src/forge/forge-step.runner';
import { SigningKeyStore } from '../../apps/forge-sign/src/signing-key.store';
import { ForgeActor } from '../../apps/gateway/src/forge/forge-actor';
import { ForgeApprovalsService } from '../../apps/gateway/src/forge/forge-approvals.service';
import { ForgePackagesService } from '../../apps/gateway/src/forge/forge-packages.service';
import { PackageRow } from '../../apps/gateway/src/forge/forge-views';
import { currentTestEnv } from '../support/test-env';

const SHA = 'a'.repeat(64);
const actor = (id: string): ForgeActor => ({ tenantId: DEFAULT_TENANT_ID, id, name: id, role: 'admin', keyName: id, keyPrefix: 'bf_x', displayName: null });
/** A real JobContext over the fields it reads: which attempt of how many. */
const contextOf = (name: string, attempt: number, attempts: number) => new JobContext('forge-sign', { id: `forge.test.${name}`, name, attemptsMade: attempt - 1, opts: { attempts } } as never);

/** A runner whose step deadline a test can shorten (the product's is the queue's timeout less a margin). */
class ShortDeadlineRunner extends ForgeStepRunner {
  deadlineMs?: number;
  protected override stepTimeoutMs(step: ForgeStep): number {
    return this.deadlineMs ?? super.stepTimeoutMs(step);
  }
}

/**
 * The forge's hardening against real PostgreSQL: a step attempt that throws or
 * hangs anywhere fails its job on the last attempt; an orphaned attempt records
 * nothing; publication re-checks the package under its row lock; a failed
 * package never becomes anything else; approval needs a successful job.
 */
describe('plugin forge: job ends, orphaned attempts, publish under lock', () => {
  const env = currentTestEnv();
  const config = loadConfig({ ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl } as never);
  let dataSource: DataSource;
  let redis: Redis;
  let producer: JobProducer;
  let gate: ForgeStepGate;
  let runner: ShortDeadlineRunner;

  beforeAll(async () => {
    dataSource = createDataSource({ url: env.databaseUrl, poolSize: 4 });
    await dataSource.initialize();
    redis = createRedis(env.redisUrl, 'forge-hardening-test');
    producer = new JobProducer(redis, `${env.queuePrefix}_hardening`);
    runner = new ShortDeadlineRunner(dataSource, config, new SigningKeyStore(dataSource, new SecretBytes(randomBytes(32))), producer, { beforeStep: (step, jobId) => gate.beforeStep(step, jobId) });
  });
  afterAll(async () => {
    await producer.close();
    await redis.quit();
    await dataSource.destroy();
  });

  async function insertJob(status = 'queued'): Promise<string> {
    const id = newForgeId('fjob');
    await dataSource.query(
      `INSERT INTO forge_jobs (id, tenant_id, template, params, params_sha256, status, requested_by) VALUES ($1, $2, 'wp-contact-form', '{}', $3, $4, 'key_requester')`,
      [id, DEFAULT_TENANT_ID, SHA, status],
    );
    return id;
  }
  const jobRow = async (id: string) => (await dataSource.query('SELECT status, failed_step, failure_reason FROM forge_jobs WHERE id = $1', [id]))[0];

  it('fails the job when the last attempt throws outside the step work (here: the gate), and only then', async () => {
    const jobId = await insertJob();
    gate = { beforeStep: async () => { throw new Error('redis went away'); } };
    const payload = { tenantId: DEFAULT_TENANT_ID, forgeJobId: jobId };
    // Not the last attempt: the error goes back to the queue for a retry, the job is untouched.
    await expect(runner.run('generate', payload, contextOf('forge.generate', 1, 3))).rejects.toThrow('redis went away');
    expect((await jobRow(jobId)).status).toBe('queued');
    // The last attempt: the job fails with the step and the reason, and the queue is told not to retry.
    await expect(runner.run('generate', payload, contextOf('forge.generate', 3, 3))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await jobRow(jobId)).toEqual({ status: 'failed', failed_step: 'generate', failure_reason: 'generate: redis went away' });
  });

  it("fails the job at the step's own deadline, and the abandoned attempt changes nothing when it wakes", async () => {
    const jobId = await insertJob();
    let wake!: () => void;
    gate = { beforeStep: () => new Promise<void>((resolve) => (wake = resolve)) };
    runner.deadlineMs = 300;
    try {
      await expect(runner.run('generate', { tenantId: DEFAULT_TENANT_ID, forgeJobId: jobId }, contextOf('forge.generate', 3, 3))).rejects.toThrow(/took longer than 300 ms/);
    } finally {
      runner.deadlineMs = undefined;
    }
    expect(await jobRow(jobId)).toMatchObject({ status: 'failed', failed_step: 'generate' });
    wake();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await jobRow(jobId)).status).toBe('failed');
    expect(await dataSource.query('SELECT step FROM forge_runs WHERE job_id = $1', [jobId])).toEqual([]);
  });

  it('lets only the current attempt finish a run (an orphan of an earlier attempt neither records success nor goes on)', async () => {
    const store = new ForgeJobStore(dataSource);
    const jobId = await insertJob('running');
    const runId = await store.startRun(DEFAULT_TENANT_ID, jobId, 'build', 1);
    expect(await store.startRun(DEFAULT_TENANT_ID, jobId, 'build', 2)).toBe(runId);
    expect(await store.finishRun(runId, 1, 'success', 5, {})).toBe(false);
    expect(await store.finishRun(runId, 2, 'success', 5, {})).toBe(true);
    expect(await store.finishRun(runId, 2, 'failed', 5, {}, 'late')).toBe(false);
    expect((await dataSource.query('SELECT status, attempt FROM forge_runs WHERE id = $1', [runId]))[0]).toEqual({ status: 'success', attempt: 2 });
  });

  /** A successful job's signed package, sandbox passed, approved by two distinct keys: ready to publish. */
  async function publishablePackage(): Promise<string> {
    const jobId = await insertJob('success');
    await dataSource.query(`UPDATE forge_jobs SET started_at = now(), finished_at = now(), duration_ms = 1 WHERE id = $1`, [jobId]);
    const packageId = newForgeId('pkg');
    const slug = `race-${packageId.slice(4)}`;
    await dataSource.query(
      `INSERT INTO plugin_packages (id, tenant_id, job_id, name, slug, version, cms, template, template_version, manifest, status, sandbox_status, archive, archive_sha256, archive_name, signature, signed_at)
       VALUES ($1, $2, $3, 'Race', $4, '1.0.0', 'wordpress', 'wp-contact-form', '1', '{}', 'signed', 'passed', '\\x00', $5, 'race.zip', '{"payload":"","payloadType":"x","signatures":[]}', now())`,
      [packageId, DEFAULT_TENANT_ID, jobId, slug, SHA],
    );
    const requestId = newForgeId('fappr');
    await dataSource.query(`INSERT INTO forge_approval_requests (id, tenant_id, plugin_package_id, requested_by, required_approvals, status, approved_at) VALUES ($1, $2, $3, 'key_a', 2, 'approved', now())`, [requestId, DEFAULT_TENANT_ID, packageId]);
    for (const approver of ['key_b', 'key_c']) {
      await dataSource.query(`INSERT INTO forge_approvals (id, tenant_id, request_id, plugin_package_id, approver_id, approver_role) VALUES ($1, $2, $3, $4, $5, 'approver')`, [newForgeId('fvote'), DEFAULT_TENANT_ID, requestId, packageId, approver]);
    }
    return packageId;
  }

  it('publishes nothing when the package is revoked between the read and the publication (re-checked under the row lock)', async () => {
    const packageId = await publishablePackage();
    /** Revokes the package right after publish has read it: the interleaving a concurrent revoke produces. */
    class RevokedInBetween extends ForgePackagesService {
      override async package(tenantId: string, id: string): Promise<PackageRow> {
        const row = await super.package(tenantId, id);
        await dataSource.query(`UPDATE plugin_packages SET status = 'revoked', revoked_at = now(), revoked_by = 'key_admin', revocation_reason = 'compromised' WHERE id = $1`, [id]);
        return row;
      }
    }
    const service = new RevokedInBetween(dataSource, new AuditLog(), new TenantSecrets(dataSource, config), config);
    await expect(service.publish(actor('key_publisher'), packageId, { connector: 'internal' } as never)).rejects.toBeInstanceOf(GoneException);
    expect(await dataSource.query('SELECT id FROM plugin_publications WHERE plugin_package_id = $1', [packageId])).toEqual([]);
    expect((await dataSource.query('SELECT status FROM plugin_packages WHERE id = $1', [packageId]))[0].status).toBe('revoked');
  });

  it('lets concurrent publish and revoke agree: a publication exists only if it came before the revocation', async () => {
    const packageId = await publishablePackage();
    const packages = new ForgePackagesService(dataSource, new AuditLog(), new TenantSecrets(dataSource, config), config);
    const [published, revoked] = await Promise.allSettled([
      packages.publish(actor('key_publisher'), packageId, { connector: 'internal' } as never),
      packages.revoke(actor('key_admin'), packageId, 'compromised'),
    ]);
    expect(revoked.status).toBe('fulfilled');
    const publications = await dataSource.query('SELECT published_at FROM plugin_publications WHERE plugin_package_id = $1', [packageId]);
    expect(publications.length).toBe(published.status === 'fulfilled' ? 1 : 0);
    const [row] = await dataSource.query('SELECT status, published_at FROM plugin_packages WHERE id = $1', [packageId]);
    // A publish that answered success really published (signed → published) before the revocation.
    expect({ status: row.status, published: row.published_at !== null }).toEqual({ status: 'revoked', published: published.status === 'fulfilled' });
  });

  it("refuses approval requests and publication for a package whose job is not a success, and keeps a failed package failed", async () => {
    const packageId = await publishablePackage();
    const [{ job_id: jobId }] = await dataSource.query('SELECT job_id FROM plugin_packages WHERE id = $1', [packageId]);
    await dataSource.query(`UPDATE forge_jobs SET status = 'cancelled' WHERE id = $1`, [jobId]);
    const packages = new ForgePackagesService(dataSource, new AuditLog(), new TenantSecrets(dataSource, config), config);
    await expect(packages.publish(actor('key_publisher'), packageId, { connector: 'internal' } as never)).rejects.toThrow(/forge job .* is cancelled/);
    await dataSource.query('DELETE FROM forge_approvals WHERE plugin_package_id = $1', [packageId]);
    await dataSource.query('DELETE FROM forge_approval_requests WHERE plugin_package_id = $1', [packageId]);
    const approvals = new ForgeApprovalsService(dataSource, packages, new AuditLog(), config);
    await expect(approvals.request(actor('key_requester2'), packageId, undefined)).rejects.toThrow(/is cancelled: only the package of a successful job/);

    await dataSource.query(`UPDATE plugin_packages SET status = 'failed' WHERE id = $1`, [packageId]);
    for (const status of ['built', 'signed', 'published', 'draft']) {
      await expect(dataSource.query(`UPDATE plugin_packages SET status = $2 WHERE id = $1`, [packageId, status])).rejects.toThrow(/is failed: it cannot become/);
    }
  });
});
