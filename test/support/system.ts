import { createHash } from 'node:crypto';
import { AppConfig, loadConfig } from '@bf/config';
import { RunningSystem, startAll } from '../../apps/gateway/src/start-all';
import { freePort } from './net';
import { currentTestEnv } from './test-env';

/**
 * Boots the gateway and all seven workers against this run's database, with a
 * Redis prefix of the suite's own, on a free port.
 */
export async function startTestSystem(suite: string, overrides: NodeJS.ProcessEnv = {}, workers?: Parameters<typeof startAll>[1]): Promise<RunningSystem> {
  const env = currentTestEnv();
  const config: AppConfig = loadConfig({
    ...process.env,
    PORT: '0',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    QUEUE_PREFIX: `${env.queuePrefix}_${suite}`,
    DATA_DIR: `${env.dataDir}/${suite}`,
    DB_MIGRATE: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The dns worker's embedded DNS server binds this port; suites (and CI's other runs) must not share one.
    DNS_SERVER_PORT: String(await freePort()),
    // Suites share this run's database, so its signing keys: they must share the master key they are encrypted under too.
    EVIDENCE_MASTER_KEY: createHash('sha256').update(`bf-test-master-key:${env.id}`).digest('base64'),
    ...overrides,
  });
  return startAll(config, workers);
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
