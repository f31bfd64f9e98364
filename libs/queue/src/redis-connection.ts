import IORedis, { Redis } from 'ioredis';

/**
 * A Redis connection suitable for BullMQ: `maxRetriesPerRequest: null` so a
 * blocked worker waits through a Redis restart instead of erroring out, and
 * reconnection with a capped delay.
 */
export function createRedis(url: string, connectionName: string): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
