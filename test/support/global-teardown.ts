import { rmSync } from 'node:fs';
import IORedis from 'ioredis';
import { dropDatabase } from './suite-database';
import { currentTestEnv } from './test-env';

/** Removes everything this run made: its database, its Redis keys and its data directory. */
export default async function globalTeardown(): Promise<void> {
  const env = currentTestEnv();
  await dropDatabase(env.databaseUrl);

  const redis = new IORedis(env.redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.queuePrefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
  rmSync(env.dataDir, { recursive: true, force: true });
}
