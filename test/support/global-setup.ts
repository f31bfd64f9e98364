import './lib-aliases';
import { migrate } from '../../libs/persistence/src/data-source';
import { createTestEnv, TEST_ENV_KEY } from './test-env';

/** Creates this run's database and applies the migrations once, before any suite. */
export default async function globalSetup(): Promise<void> {
  const env = createTestEnv();
  await migrate(env.databaseUrl);
  process.env[TEST_ENV_KEY] = JSON.stringify(env);
  process.env.DATABASE_URL = env.databaseUrl;
  process.env.REDIS_URL = env.redisUrl;
  process.env.QUEUE_PREFIX = env.queuePrefix;
  process.env.DATA_DIR = env.dataDir;
  process.env.LOG_LEVEL ??= 'warn';
}
