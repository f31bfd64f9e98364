import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '@bf/config';
import { createRedis, JobProducer } from '@bf/queue';
import { QueueEventsRegistry } from '../../apps/gateway/src/queue-events.registry';
import { currentTestEnv } from '../support/test-env';

/**
 * The gateway answers intent and planning requests by waiting for a job. A job
 * that finishes before the event stream is read must still be answered, not
 * time out: that race once turned a first request into a 504 in CI.
 */
describe('QueueEventsRegistry.waitFor against real Redis', () => {
  const env = currentTestEnv();
  const prefix = `${env.queuePrefix}_wait`;
  let redis: Redis;
  let producer: JobProducer;
  let registry: QueueEventsRegistry;
  let worker: Worker;
  let workerConnection: Redis;

  beforeAll(async () => {
    redis = createRedis(env.redisUrl, 'wait-test');
    producer = new JobProducer(redis, prefix);
    const config = loadConfig({ ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: prefix, DATA_DIR: env.dataDir });
    registry = new QueueEventsRegistry(redis, config, producer);
    workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
    worker = new Worker(
      'intent',
      async (job) => {
        if (job.data.input.vision === 'fail') throw new Error('unsupported region: nowhere');
        return { echoed: job.data.input.vision };
      },
      { connection: workerConnection, prefix },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker.close();
    await workerConnection.quit();
    await registry.onModuleDestroy();
    await producer.close();
    await redis.quit();
  });

  it('answers from the completion event', async () => {
    await registry.forQueue('intent');
    const job = await producer.enqueue('intent', 'intent.resolve', { tenantId: 'tenant_default', input: { vision: 'a bakery in Berlin', region: 'Berlin' } } as never);
    await expect(registry.waitFor('intent', job, 5_000)).resolves.toEqual({ finished: true, result: { echoed: 'a bakery in Berlin' } });
  });

  it('answers a job whose events were never seen, by polling its state', async () => {
    const events = await registry.forQueue('intent');
    await events.close(); // the stream reader is gone: only the poll can see the outcome
    const job = await producer.enqueue('intent', 'intent.resolve', { tenantId: 'tenant_default', input: { vision: 'a florist in Vienna', region: 'Wien' } } as never);
    await expect(registry.waitFor('intent', job, 5_000)).resolves.toEqual({ finished: true, result: { echoed: 'a florist in Vienna' } });

    const failing = await producer.enqueue('intent', 'intent.resolve', { tenantId: 'tenant_default', input: { vision: 'fail', region: 'Berlin' } } as never);
    await expect(registry.waitFor('intent', failing, 5_000)).rejects.toThrow('unsupported region: nowhere');
  });

  it('reports running out of time as an answer, not an error', async () => {
    await worker.pause();
    const job = await producer.enqueue('intent', 'intent.resolve', { tenantId: 'tenant_default', input: { vision: 'never answered', region: 'Berlin' } } as never);
    await expect(registry.waitFor('intent', job, 300)).resolves.toEqual({ finished: false });
    worker.resume();
  });
});
