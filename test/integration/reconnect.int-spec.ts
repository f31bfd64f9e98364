import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createRedis } from '@bf/queue';
import { freePort } from '../support/net';
import { eventually } from '../support/system';
import { TcpProxy } from '../support/tcp-proxy';
import { currentTestEnv } from '../support/test-env';

const ROOT = join(__dirname, '../..');

/**
 * Connection resilience of a real worker process (the planner, started as in
 * docker-compose) whose Redis and PostgreSQL sit behind TCP proxies the test
 * can cut. The shared Redis and PostgreSQL are never stopped. While a
 * dependency is unreachable readiness says 503 and the process keeps running;
 * once it is back readiness recovers and the worker consumes jobs again.
 */
describe('Redis and PostgreSQL connection loss (a real worker process behind TCP proxies)', () => {
  const env = currentTestEnv();
  const redisTarget = new URL(env.redisUrl);
  const pgTarget = new URL(env.databaseUrl);
  const prefix = `${env.queuePrefix}_reconnect`;
  let redisProxy: TcpProxy;
  let pgProxy: TcpProxy;
  let direct: Redis;
  let worker: ChildProcess | undefined;
  let opsPort = 0;
  const output: string[] = [];

  /** The planner worker (its ops listener on opsPort), or the gateway (its HTTP port on opsPort). */
  const spawnPlanner = (entry = 'apps/planner/src/main.ts') => {
    const database = new URL(env.databaseUrl);
    database.port = String(pgProxy.port);
    const child = spawn(process.execPath, ['-r', './test/support/ts-register.js', entry], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
        DATABASE_URL: database.toString(),
        QUEUE_PREFIX: prefix,
        DATA_DIR: `${env.dataDir}/reconnect`,
        METRICS_PORT: String(opsPort),
        PORT: String(opsPort),
        DB_MIGRATE: 'false',
        LOG_LEVEL: 'info',
        DB_CONNECT_TIMEOUT_MS: '1000',
        CONNECT_RETRY_MAX_MS: '500',
        STARTUP_TIMEOUT_MS: '60000',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
    child.stdout!.on('data', (chunk) => output.push(String(chunk)));
    child.stderr!.on('data', (chunk) => output.push(String(chunk)));
    return child;
  };
  const get = async (path: string) => {
    try {
      const response = await fetch(`http://127.0.0.1:${opsPort}${path}`, { signal: AbortSignal.timeout(3000) });
      return { status: response.status, body: connectionStates((await response.json()) as any) };
    } catch {
      return { status: 0, body: undefined };
    }
  };
  /** Readiness's terminus checks reduced to what this test is about: Redis and PostgreSQL, up or down. */
  const connectionStates = (body: any) => {
    if (!body?.checks?.redis) return body;
    return { ...body, checks: { redis: body.checks.redis.status, postgres: body.checks.postgres.status } };
  };
  const readiness = (status: number, timeoutMs = 30_000) =>
    eventually(async () => {
      const answer = await get('/health/ready');
      return answer.status === status ? answer : undefined;
    }, timeoutMs, 100);
  const alive = () => worker!.exitCode === null && worker!.signalCode === null;
  /** A job the planner must answer (it fails it: the payload is invalid), proving it consumes the queue. */
  const consumes = async (id: string) => {
    const queue = new Queue('planner', { connection: direct, prefix });
    try {
      const job = await queue.add('plan.build', { bogus: true }, { jobId: id, attempts: 1 });
      return await eventually(async () => ((await job.getState()) === 'failed' ? (await queue.getJob(id))!.failedReason : undefined), 30_000, 100);
    } finally {
      await queue.close();
    }
  };

  beforeAll(async () => {
    direct = createRedis(env.redisUrl, 'reconnect-test');
    redisProxy = new TcpProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
    pgProxy = new TcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  });
  beforeEach(async () => {
    opsPort = await freePort();
    output.length = 0;
  });
  afterEach(async () => {
    if (worker && alive()) {
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker!.once('exit', resolve));
    }
    await redisProxy.cut();
    await pgProxy.cut();
  });
  afterAll(() => direct.quit());

  const failWithOutput = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- worker output ---\n${output.join('').slice(-4000)}`);
    }
  };

  it('answers 503 while Redis or PostgreSQL is cut, keeps running, and recovers (readiness and jobs) when they are back', () =>
    failWithOutput(async () => {
      await redisProxy.start();
      await pgProxy.start();
      worker = spawnPlanner();
      expect((await readiness(200, 45_000)).body.checks).toEqual({ redis: 'up', postgres: 'up' });
      expect(await consumes('before')).toMatch(/invalid plan\.build payload/);

      await redisProxy.cut();
      expect((await readiness(503)).body.checks).toMatchObject({ redis: 'down' });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(alive()).toBe(true);
      expect((await get('/health/live')).status).toBe(200);
      await redisProxy.start();
      expect((await readiness(200)).body.checks).toEqual({ redis: 'up', postgres: 'up' });
      expect(await consumes('after-redis')).toMatch(/invalid plan\.build payload/);

      await pgProxy.cut();
      expect((await readiness(503)).body.checks).toMatchObject({ postgres: 'down', redis: 'up' });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(alive()).toBe(true);
      await pgProxy.start();
      expect((await readiness(200)).body.checks).toEqual({ redis: 'up', postgres: 'up' });

      // Both at once, for a few seconds.
      await Promise.all([redisProxy.cut(), pgProxy.cut()]);
      expect((await readiness(503)).body.checks).toEqual({ redis: 'down', postgres: 'down' });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(alive()).toBe(true);
      await Promise.all([redisProxy.start(), pgProxy.start()]);
      await readiness(200);
      expect(await consumes('after-both')).toMatch(/invalid plan\.build payload/);
      expect(output.join('')).toMatch(/redis connection restored/);

      // And it still stops cleanly.
      worker.kill('SIGTERM');
      const [code] = await new Promise<[number | null]>((resolve) => worker!.once('exit', (exitCode) => resolve([exitCode])));
      expect(code).toBe(0);
    }));

  it('starts when Redis and PostgreSQL only accept connections a few seconds later, live but not ready meanwhile', () =>
    failWithOutput(async () => {
      // Ports reserved, nothing listening yet: every connection attempt is refused.
      redisProxy.port = await freePort();
      pgProxy.port = await freePort();
      worker = spawnPlanner();
      await eventually(async () => ((await get('/health/live')).status === 200 ? true : undefined), 30_000, 100);
      expect((await get('/health/ready')).status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(alive()).toBe(true);
      expect((await get('/health/ready')).status).toBe(503);
      await redisProxy.start();
      await pgProxy.start();
      expect((await readiness(200)).body.checks).toEqual({ redis: 'up', postgres: 'up' });
      expect(alive()).toBe(true);
      expect(await consumes('late-start')).toMatch(/invalid plan\.build payload/);
      expect(output.join('')).toMatch(/dependency unavailable: retrying|redis unavailable: reconnecting/);
    }));

  it('the gateway process: not ready while Redis or PostgreSQL is cut, ready again after, and a SIGTERM drains and exits 0', () =>
    failWithOutput(async () => {
      await redisProxy.start();
      await pgProxy.start();
      worker = spawnPlanner('apps/gateway/src/main.ts');
      expect((await readiness(200, 60_000)).body.checks).toEqual({ redis: 'up', postgres: 'up' });
      await redisProxy.cut();
      expect((await readiness(503)).body.checks).toMatchObject({ redis: 'down' });
      await redisProxy.start();
      await readiness(200);
      await pgProxy.cut();
      expect((await readiness(503)).body.checks).toMatchObject({ postgres: 'down' });
      await pgProxy.start();
      await readiness(200);
      expect(alive()).toBe(true);
      worker.kill('SIGTERM');
      const [code] = await new Promise<[number | null]>((resolve) => worker!.once('exit', (exitCode) => resolve([exitCode])));
      expect(code).toBe(0);
      const phases = output
        .join('')
        .split('\n')
        .filter((line) => line.includes('"shutdown phase done"'))
        .map((line) => JSON.parse(line).phase);
      expect(phases).toEqual(['http', 'application', 'connections']);
    }));
});
