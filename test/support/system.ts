import { createHash, randomBytes } from 'node:crypto';
import { AppConfig, loadConfig } from '@bf/config';
import { RunningSystem, startAll } from '../../apps/gateway/src/start-all';
import { provisionTestKeys } from './auth';
import { freePort } from './net';
import { currentTestEnv } from './test-env';

/**
 * Boots the gateway and all seven workers against this run's database, with a
 * Redis prefix of the suite's own, on a free port, and issues the suite's API
 * keys (`authHeaders(system, role)`).
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
    // Every request of a suite comes from 127.0.0.1 with a handful of keys, and polling loops are fast: the general
    // and key-creation limits are out of reach unless a suite sets them (hardening.e2e-spec). The contact form keeps its default.
    RATE_LIMIT_PER_KEY: '1000000',
    RATE_LIMIT_PER_ADDRESS: '1000000',
    RATE_LIMIT_SENSITIVE: '1000000',
    // Suites share the database but not the Redis prefix: one suite's run reconciler would take another's waiting
    // steps for lost ones and run them on its own queues. Off unless a suite turns it on (run-reconciler.int-spec).
    RECONCILE_INTERVAL_MS: '0',
    ...overrides,
  });
  const system = await startAll(config, workers);
  // Every gateway route but health, metrics and the contact form needs a key: one per role, see authHeaders.
  await provisionTestKeys(system, suite);
  return system;
}

/** The provider of `type` from whichever of the system's worker apps has it, for calling a step or service directly. */
export function fromWorkers<T>(system: RunningSystem, type: new (...args: any[]) => T): T {
  for (const app of system.workers) {
    try {
      return app.get(type, { strict: false });
    } catch {
      // not in this worker
    }
  }
  throw new Error(`no worker provides ${type.name}`);
}

/**
 * Overrides for a system whose Odoo logins live only in tenant secrets: a fresh
 * secrets master key and no ODOO_* at all.
 */
export function secretsOnlyOdooEnv(): NodeJS.ProcessEnv {
  return {
    SECRETS_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    // The Odoo double listens on loopback, which the SSRF guard refuses by default.
    SSRF_ALLOW_CIDRS: '127.0.0.0/8',
    ODOO_URL: '',
    ODOO_DB: '',
    ODOO_USER: '',
    ODOO_PASSWORD: '',
  };
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
