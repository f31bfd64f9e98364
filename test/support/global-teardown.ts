import { rmSync } from 'node:fs';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { currentTestEnv } from './test-env';

/** Removes everything this run made: its database, its Redis keys and its data directory. */
export default async function globalTeardown(): Promise<void> {
  const env = currentTestEnv();
  const admin = new URL(env.databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();

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
