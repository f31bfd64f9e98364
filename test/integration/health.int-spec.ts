import { WORKER_QUEUES } from '@bf/contracts';
import { liveWorkers, WorkerHeartbeat } from '@bf/runtime';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const SUITE = 'health';

/**
 * Health of the whole system booted in process (gateway + seven workers, real
 * PostgreSQL and Redis): readiness and /api/healthz list every check with its
 * response time and every worker queue with its live instance; a worker that
 * stops shows up as degraded (not unhealthy) naming its queue.
 */
describe('health: terminus checks and worker heartbeats', () => {
  let system: RunningSystem;
  const get = async (path: string) => {
    const response = await fetch(`${system.url}${path}`, { headers: { ...authHeaders(system, 'viewer') } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const timedUp = { status: 'up', responseTime: expect.any(Number) };

  beforeAll(async () => {
    system = await startTestSystem(SUITE, { HEARTBEAT_INTERVAL_MS: '300' });
  });
  afterAll(() => system?.stop());

  it('is healthy with every check timed and every worker queue alive, in readiness and in seed 003 /api/healthz', async () => {
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'alive' } });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'healthy',
      checks: {
        postgres: { ...timedUp, migrations: 'up_to_date' },
        redis: timedUp,
        queue: { ...timedUp, name: 'step-status', paused: false, waiting: expect.any(Number) },
        workers: timedUp,
      },
    });
    expect(Object.keys(ready.body.checks.workers.queues)).toEqual([...WORKER_QUEUES]);
    for (const queue of WORKER_QUEUES) {
      const { alive, instances } = ready.body.checks.workers.queues[queue];
      expect({ queue, alive }).toEqual({ queue, alive: 1 });
      expect(instances[0]).toEqual({ instance: expect.stringMatching(/:\d+$/), version: expect.any(String), started_at: expect.any(String), last_beat_ms: expect.any(Number) });
      expect(instances[0].last_beat_ms).toBeLessThan(1000);
    }
    expect((await get('/health')).body.status).toBe('healthy');

    const healthz = await get('/api/healthz');
    expect(healthz.status).toBe(200);
    expect(healthz.body).toEqual({
      status: 'healthy',
      timestamp: expect.any(String),
      version: expect.any(String),
      environment: 'development',
      checks: {
        database: { status: 'healthy', responseTime: expect.any(Number), details: { connectionPool: 'active', migrations: 'up_to_date' } },
        redis: { status: 'healthy', responseTime: expect.any(Number), details: { connection: 'active', memory: expect.stringMatching(/^used_memory:\d+$/) } },
        queue: { status: 'healthy', responseTime: expect.any(Number), details: { name: 'step-status', paused: false, waiting: expect.any(Number) } },
        workers: { status: 'healthy', responseTime: expect.any(Number), details: { queues: expect.any(Object) } },
      },
    });
    for (const queue of WORKER_QUEUES) expect(healthz.body.checks.workers.details.queues[queue].alive).toBe(1);
  });

  it('a paused step-status queue makes the gateway degraded', async () => {
    const queue = system.runtime.producer.queue('step-status');
    await queue.pause();
    try {
      const ready = await get('/health/ready');
      expect({ status: ready.status, overall: ready.body.status, queue: ready.body.checks.queue }).toEqual({
        status: 200,
        overall: 'degraded',
        queue: { ...timedUp, name: 'step-status', paused: true, waiting: expect.any(Number), degraded: 'queue step-status is paused' },
      });
    } finally {
      await queue.resume();
    }
    expect((await get('/health/ready')).body.status).toBe('healthy');
  });

  it('a worker that stops is gone at once: degraded (still 200) naming its queue, the others alive', async () => {
    const index = WORKER_QUEUES.indexOf('dns');
    const [dns] = system.workers.splice(index, 1);
    await dns.close();
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.checks.workers).toMatchObject({ ...timedUp, degraded: 'no live worker on dns: their jobs wait' });
    expect(ready.body.checks.workers.queues.dns).toEqual({ alive: 0, instances: [] });
    for (const queue of WORKER_QUEUES.filter((q) => q !== 'dns')) expect({ queue, alive: ready.body.checks.workers.queues[queue].alive }).toEqual({ queue, alive: 1 });
    const healthz = await get('/api/healthz');
    expect(healthz.status).toBe(200);
    expect(healthz.body.status).toBe('degraded');
    expect(healthz.body.checks.workers).toMatchObject({ status: 'degraded', details: { message: 'no live worker on dns: their jobs wait' } });
    expect(healthz.body.checks.database.status).toBe('healthy');
  });

  it('a worker that dies without stopping lapses after three intervals, and is dropped from the index', async () => {
    const { redis, config } = system.runtime;
    const prefix = `${config.redis.queuePrefix}_lapse`;
    const heartbeat = new WorkerHeartbeat(redis, prefix, 'odoo', 100, '9.9.9', 'crashed-host:42');
    await heartbeat.beat(); // one beat and no timer: as if the process were SIGKILLed right after
    expect((await liveWorkers(redis, prefix, ['odoo', 'dns'])).odoo).toEqual([
      { queue: 'odoo', instance: 'crashed-host:42', version: '9.9.9', started_at: expect.any(String), interval_ms: 100, last_beat_ms: expect.any(Number) },
    ]);
    await eventually(async () => ((await liveWorkers(redis, prefix, ['odoo'])).odoo.length === 0 ? true : undefined), 3000, 50);
    expect(await redis.smembers(`${prefix}:heartbeat:odoo`)).toEqual([]);
  });
});
