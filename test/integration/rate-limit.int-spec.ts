import { Redis } from 'ioredis';
import { createRedis } from '@bf/queue';
import { tokenBucket, WindowLimiter } from '../../apps/gateway/src/http/rate-limit';
import { currentTestEnv } from '../support/test-env';

/**
 * The gateway's rate limiter against the real Redis: replicas share one count,
 * and a Redis that is down costs the limit its sharing, never the request.
 */
describe('WindowLimiter (rate-limiter-flexible over the runtime ioredis connection)', () => {
  const env = currentTestEnv();
  const prefix = `${env.queuePrefix}_ratelimit`;
  let replicaA: Redis;
  let replicaB: Redis;
  let down: Redis;

  const ready = (redis: Redis) => (redis.status === 'ready' ? Promise.resolve() : new Promise<void>((done) => redis.once('ready', () => done())));

  beforeAll(async () => {
    replicaA = createRedis(env.redisUrl, 'rate-limit-test-a');
    replicaB = createRedis(env.redisUrl, 'rate-limit-test-b');
    // Until a connection is ready the limiter counts in memory (see the fallback test): wait, to test the shared count.
    await Promise.all([ready(replicaA), ready(replicaB)]);
    // Nothing listens on port 1: this connection never becomes ready.
    down = createRedis('redis://127.0.0.1:1', 'rate-limit-test-down');
    down.on('error', () => undefined);
  });
  afterAll(async () => {
    await replicaA.quit();
    await replicaB.quit();
    down.disconnect();
  });

  it('counts across replicas: two gateways with their own connections share one window', async () => {
    const a = new WindowLimiter('shared', replicaA, prefix, 3, 60, 1000);
    const b = new WindowLimiter('shared', replicaB, prefix, 3, 60, 1000);
    expect(await a.take('a:203.0.113.9')).toEqual({ allowed: true, remaining: 2 });
    expect(await b.take('a:203.0.113.9')).toEqual({ allowed: true, remaining: 1 });
    expect(await a.take('a:203.0.113.9')).toEqual({ allowed: true, remaining: 0 });
    const refused = await b.take('a:203.0.113.9');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Another bucket is untouched, and the count really lives in Redis under the prefix.
    expect(await b.take('a:203.0.113.10')).toEqual({ allowed: true, remaining: 2 });
    expect(Number(await replicaA.get(`${prefix}:rl:shared:a:203.0.113.9`))).toBe(4);
  });

  it('with Redis down: answers at once from this replica’s memory, still limiting, never throwing', async () => {
    const limiter = new WindowLimiter('fallback', down, prefix, 2, 60, 200);
    const started = Date.now();
    expect(await limiter.take('a:198.51.100.1')).toEqual({ allowed: true, remaining: 1 });
    expect(await limiter.take('a:198.51.100.1')).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.take('a:198.51.100.1')).toMatchObject({ allowed: false });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('buckets a Bearer token by a hash of the whole token, never by its unverified prefix (no token text kept)', () => {
    const secretA = `bfk_abcd1234_${'A'.repeat(43)}`;
    const secretB = `bfk_abcd1234_${'B'.repeat(43)}`;
    const bucketA = tokenBucket(`Bearer ${secretA}`);
    expect(bucketA).toMatch(/^t:[0-9a-f]{32}$/);
    expect(tokenBucket(`bearer ${secretA}`)).toBe(bucketA);
    // Same prefix, another secret: another bucket (a forged token cannot spend the real key's).
    expect(tokenBucket(`Bearer ${secretB}`)).not.toBe(bucketA);
    expect(bucketA).not.toContain('abcd1234');
    const odd = tokenBucket('Bearer not-a-key-format');
    expect(odd).toMatch(/^t:[0-9a-f]{32}$/);
    expect(odd).not.toContain('not-a-key');
    expect(tokenBucket('Bearer other-token')).not.toBe(odd);
    expect(tokenBucket(undefined)).toBeNull();
    expect(tokenBucket('Basic dXNlcjpwYXNz')).toBeNull();
  });
});
