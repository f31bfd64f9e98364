import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Each `npm test` run gets its own PostgreSQL database, Redis key prefix and data
 * directory, derived from one id, so concurrent runs never collide and teardown
 * can remove exactly what this run made.
 */
export interface TestEnv {
  id: string;
  databaseUrl: string;
  queuePrefix: string;
  dataDir: string;
  redisUrl: string;
}

export const TEST_ENV_KEY = 'BF_TEST_ENV';

export function createTestEnv(): TestEnv {
  const id = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/bf_test_${id}`;
  return {
    id,
    databaseUrl: base.toString(),
    queuePrefix: `bftest_${id}`,
    dataDir: mkdtempSync(join(tmpdir(), `bf-test-${id}-`)),
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

export function currentTestEnv(): TestEnv {
  const raw = process.env[TEST_ENV_KEY];
  if (!raw) throw new Error('the test environment is not set up: run the tests through jest (npm test)');
  return JSON.parse(raw) as TestEnv;
}
