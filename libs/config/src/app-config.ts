import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));
const port = z.coerce.number().int().min(0).max(65535);

/** Every environment variable the system reads, validated once at boot. */
const EnvSchema = z.object({
  PORT: port.default(8000),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/business_factory'),
  DB_MIGRATE: bool.default('true'),
  QUEUE_PREFIX: z.string().min(1).max(64).default('bf'),
  DATA_DIR: z.string().default('./var'),
  TEMPLATES_DIR: z.string().default('./templates'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_PORT: port.default(0),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  PLAN_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  DNS_SERVER_PORT: port.default(5300),
  SAFE_MODE: bool.default('false'),
});

/** Names of variables whose values are secrets: never logged, never returned. */
export const SENSITIVE_ENV = ['DATABASE_URL', 'REDIS_URL'] as const;

export interface AppConfig {
  http: { port: number };
  redis: { url: string; queuePrefix: string };
  database: { url: string; migrateOnBoot: boolean };
  storage: { dataDir: string; evidenceDir: string; keysDir: string; sitesDir: string; templatesDir: string };
  log: { level: z.infer<typeof EnvSchema>['LOG_LEVEL'] };
  workers: { concurrency: number; metricsPort: number; lockMs: number };
  planner: { waitMs: number };
  dns: { serverPort: number };
  /** Seed 001 safe mode: nothing live runs; planning and dry runs keep working. */
  safeMode: boolean;
}

export class ConfigError extends Error {}

/** Validates the environment into a typed object. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    http: { port: e.PORT },
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    database: { url: e.DATABASE_URL, migrateOnBoot: e.DB_MIGRATE },
    storage: {
      dataDir,
      evidenceDir: resolve(dataDir, 'evidence'),
      keysDir: resolve(dataDir, 'keys'),
      sitesDir: resolve(dataDir, 'sites'),
      templatesDir: resolve(e.TEMPLATES_DIR),
    },
    log: { level: e.LOG_LEVEL },
    workers: { concurrency: e.WORKER_CONCURRENCY, metricsPort: e.METRICS_PORT, lockMs: e.WORKER_LOCK_MS },
    planner: { waitMs: e.PLAN_WAIT_MS },
    dns: { serverPort: e.DNS_SERVER_PORT },
    safeMode: e.SAFE_MODE,
  };
}

/** A URL with any password replaced, for logs and the info endpoint. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}
