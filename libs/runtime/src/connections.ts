import IORedis, { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Exponential backoff between connection attempts: 100 ms, 200 ms, 400 ms … capped at `capMs`. */
export function backoffMs(attempt: number, capMs: number): number {
  return Math.min(capMs, 100 * 2 ** Math.min(Math.max(attempt, 1) - 1, 16));
}

/**
 * The Redis connection of a process (producers, progress, and the one BullMQ
 * duplicates for its workers). `maxRetriesPerRequest: null` is what BullMQ
 * requires: a command waits for the connection to come back instead of failing.
 * Reconnects back off exponentially up to `retryCapMs`, for ever: a Redis that
 * restarts must not take the process down with it. State changes are logged
 * once each, not once per attempt.
 */
export function connectRedis(url: string, connectionName: string, retryCapMs: number, log: Logger): Redis {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName,
    retryStrategy: (times) => backoffMs(times, retryCapMs),
  });
  let lost = false;
  redis.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    log.warn({ err: error.message }, 'redis unavailable: reconnecting with backoff');
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.info('redis connection restored');
  });
  return redis;
}

/** Resolves once `redis` is ready (ioredis keeps reconnecting by itself meanwhile). */
export function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

/**
 * Runs `attempt` until it succeeds, waiting with exponential backoff between
 * failures, for at most `timeoutMs` (0: one attempt). A dependency that is not
 * up yet when the process starts (containers start in any order) is waited
 * for instead of crashing the process into a restart loop.
 */
export async function withStartupRetry<T>(what: string, attempt: () => Promise<T>, options: { timeoutMs: number; capMs: number; log: Logger }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let tries = 1; ; tries++) {
    try {
      const result = await attempt();
      if (tries > 1) options.log.info({ dependency: what, tries }, 'dependency available');
      return result;
    } catch (error) {
      const wait = backoffMs(tries, options.capMs);
      if (Date.now() + wait > deadline) throw new Error(`${what} unavailable after ${tries} attempt(s): ${(error as Error).message}`);
      // One line per attempt, but the backoff keeps them few (capped at one per capMs).
      options.log.warn({ dependency: what, tries, retryInMs: wait, err: (error as Error).message }, 'dependency unavailable: retrying');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Rejects after `ms` unless `promise` settled first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
