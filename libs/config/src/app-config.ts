import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));
const port = z.coerce.number().int().min(0).max(65535);
/** An optional variable: unset and empty both mean "not configured". */
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

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
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  WORKER_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  RUNNING_REPORT_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  PLAN_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  DNS_SERVER_PORT: port.default(5300),
  SAFE_MODE: bool.default('false'),
  DNS_PROVIDER: z.enum(['embedded', 'powerdns', 'hetzner']).default('embedded'),
  PDNS_API_URL: optional(z.string().url()),
  PDNS_API_KEY: optional(z.string()),
  PDNS_SERVER_ID: z.string().min(1).default('localhost'),
  HETZNER_DNS_TOKEN: optional(z.string()),
  HETZNER_API_URL: z.string().url().default('https://api.hetzner.cloud/v1'),
  ODOO_URL: optional(z.string().url()),
  ODOO_DB: optional(z.string()),
  ODOO_USER: optional(z.string()),
  ODOO_PASSWORD: optional(z.string()),
  WEB_TARGET: z.enum(['builtin', 'nginx']).default('builtin'),
  BUILTIN_HOST_URL: optional(z.string().url()),
  SITE_KEEP_RELEASES: z.coerce.number().int().min(1).max(100).default(5),
  NGINX_CONF_DIR: optional(z.string()),
  NGINX_BIN: z.string().min(1).default('nginx'),
  NGINX_PREFIX: optional(z.string()),
  NGINX_CONF: optional(z.string()),
  NGINX_LISTEN_PORT: port.default(80),
  PREFLIGHT_MIN_FREE_MB: z.coerce.number().int().min(0).default(200),
  PREFLIGHT_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
});

/** Names of variables whose values are secrets: never logged, never returned. */
export const SENSITIVE_ENV = ['DATABASE_URL', 'REDIS_URL', 'PDNS_API_KEY', 'HETZNER_DNS_TOKEN', 'ODOO_PASSWORD'] as const;

export type WebTarget = z.infer<typeof EnvSchema>['WEB_TARGET'];

export type DnsProvider = z.infer<typeof EnvSchema>['DNS_PROVIDER'];

export interface AppConfig {
  http: { port: number };
  redis: { url: string; queuePrefix: string };
  database: { url: string; migrateOnBoot: boolean };
  storage: { dataDir: string; evidenceDir: string; keysDir: string; sitesDir: string; templatesDir: string };
  log: { level: z.infer<typeof EnvSchema>['LOG_LEVEL'] };
  workers: { concurrency: number; metricsPort: number; lockMs: number; runningReportDelayMs: number };
  planner: { waitMs: number };
  dns: {
    serverPort: number;
    /** Where DNS records go: the built-in server (in-process), or an external provider's API. */
    provider: DnsProvider;
    powerDns: { apiUrl: string | null; apiKey: string | null; serverId: string };
    hetzner: { apiUrl: string; token: string | null };
  };
  /**
   * Where deployed sites are served: the gateway's built-in host (by Host header, on PORT)
   * or an nginx that includes server blocks from `nginx.confDir`.
   */
  web: {
    target: WebTarget;
    /** Where a worker reaches the built-in host for the post-deploy check; null: 127.0.0.1 on PORT (one machine). */
    builtinHostUrl: string | null;
    keepReleases: number;
    nginx: { confDir: string | null; bin: string; prefix: string | null; conf: string | null; listenPort: number };
  };
  /** The user's Odoo, reached over XML-RPC; all null when none is configured. */
  odoo: { url: string | null; db: string | null; user: string | null; password: string | null };
  /** Checks before a run starts: the free space DATA_DIR needs, and how long a probe of an external system may take. */
  preflight: { minFreeMb: number; timeoutMs: number };
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
    workers: { concurrency: e.WORKER_CONCURRENCY, metricsPort: e.METRICS_PORT, lockMs: e.WORKER_LOCK_MS, runningReportDelayMs: e.RUNNING_REPORT_DELAY_MS },
    planner: { waitMs: e.PLAN_WAIT_MS },
    dns: {
      serverPort: e.DNS_SERVER_PORT,
      provider: e.DNS_PROVIDER,
      powerDns: { apiUrl: e.PDNS_API_URL ?? null, apiKey: e.PDNS_API_KEY ?? null, serverId: e.PDNS_SERVER_ID },
      hetzner: { apiUrl: e.HETZNER_API_URL, token: e.HETZNER_DNS_TOKEN ?? null },
    },
    web: {
      target: e.WEB_TARGET,
      builtinHostUrl: e.BUILTIN_HOST_URL ?? null,
      keepReleases: e.SITE_KEEP_RELEASES,
      nginx: {
        confDir: e.NGINX_CONF_DIR ? resolve(e.NGINX_CONF_DIR) : null,
        bin: e.NGINX_BIN,
        prefix: e.NGINX_PREFIX ? resolve(e.NGINX_PREFIX) : null,
        conf: e.NGINX_CONF ? resolve(e.NGINX_CONF) : null,
        listenPort: e.NGINX_LISTEN_PORT,
      },
    },
    odoo: { url: e.ODOO_URL ?? null, db: e.ODOO_DB ?? null, user: e.ODOO_USER ?? null, password: e.ODOO_PASSWORD ?? null },
    preflight: { minFreeMb: e.PREFLIGHT_MIN_FREE_MB, timeoutMs: e.PREFLIGHT_TIMEOUT_MS },
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
