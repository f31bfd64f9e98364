import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));
const port = z.coerce.number().int().min(0).max(65535);
const hostPort = z.string().regex(/^[A-Za-z0-9.\-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/, 'expected host:port');
/** A master key's id, stored next to every ciphertext it sealed. */
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
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
  /** How often each worker process writes its heartbeat to Redis (the key lives 3× this); the gateway's readiness lists live workers by it. */
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** How long a SIGTERM/SIGINT waits for in-flight requests and jobs before releasing them and exiting. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /** How long a starting process retries PostgreSQL and Redis before it gives up (exit 1). */
  STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** Cap of the exponential backoff between connection attempts (startup and Redis reconnects). */
  CONNECT_RETRY_MAX_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_POOL_IDLE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  RUNNING_REPORT_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  PLAN_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  DNS_SERVER_PORT: port.default(5300),
  /** Address the embedded DNS server binds; 0.0.0.0 in a container so other hosts can ask it. */
  DNS_SERVER_HOST: z.string().ip().default('127.0.0.1'),
  SAFE_MODE: bool.default('false'),
  /** Credits a new tenant's account starts with (seed 004); the default tenant's grant is made by its migration. */
  TENANT_INITIAL_CREDITS: z.coerce.number().int().min(0).max(1_000_000_000).default(1000),
  DNS_PROVIDER: z.enum(['embedded', 'powerdns', 'hetzner']).default('embedded'),
  PDNS_API_URL: optional(z.string().url()),
  PDNS_API_KEY: optional(z.string()),
  PDNS_SERVER_ID: z.string().min(1).default('localhost'),
  HETZNER_DNS_TOKEN: optional(z.string()),
  HETZNER_API_URL: z.string().url().default('https://api.hetzner.cloud/v1'),
  /** Where PowerDNS answers DNS queries (host:port), for verifying changes; default: PDNS_API_URL's host on port 53. */
  PDNS_DNS_ADDRESS: optional(hostPort),
  DNS_TTL: z.coerce.number().int().min(60).max(86400).default(3600),
  /** The web host's public addresses: what the domain's A (and AAAA) records point at. */
  DNS_WEB_IPV4: z.string().ip({ version: 'v4' }).default('127.0.0.1'),
  DNS_WEB_IPV6: optional(z.string().ip({ version: 'v6' })),
  DNS_CREATE_ZONES: bool.default('true'),
  DNS_OWNERSHIP_TXT: bool.default('true'),
  /** Refuse to change more than this share of a zone's record sets without `force`… */
  DNS_SAFETY_MAX_SHARE: z.coerce.number().min(0).max(1).default(0.3),
  /** …once the zone holds at least this many record sets. */
  DNS_SAFETY_MIN_RECORDSETS: z.coerce.number().int().min(0).default(10),
  DNS_VERIFY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** Ask this server (host:port) instead of the provider's own when verifying; for split-horizon set-ups and tests. */
  DNS_VERIFY_SERVER: optional(hostPort),
  ODOO_URL: optional(z.string().url()),
  ODOO_DB: optional(z.string()),
  ODOO_USER: optional(z.string()),
  ODOO_PASSWORD: optional(z.string()),
  /** An Odoo addons folder this system may write generated modules into (shared with the Odoo server); unset: modules are delivered as a zip only. */
  ODOO_ADDONS_PATH: optional(z.string()),
  ODOO_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  ODOO_MODULE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  WEB_TARGET: z.enum(['builtin', 'nginx']).default('builtin'),
  BUILTIN_HOST_URL: optional(z.string().url()),
  SITE_KEEP_RELEASES: z.coerce.number().int().min(1).max(100).default(5),
  NGINX_CONF_DIR: optional(z.string()),
  NGINX_BIN: z.string().min(1).default('nginx'),
  NGINX_PREFIX: optional(z.string()),
  NGINX_CONF: optional(z.string()),
  NGINX_LISTEN_PORT: port.default(80),
  /** Unset: the first of /usr/bin/chromium, /usr/bin/chromium-browser that exists; empty: no browser. */
  CHROMIUM_PATH: z.string().optional(),
  SITE_SCREENSHOT: z.enum(['auto', 'off']).default('auto'),
  SITE_SCREENSHOT_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(15_000),
  LOGO_FETCH: bool.default('false'),
  LOGO_FETCH_MAX_BYTES: z.coerce.number().int().min(1).max(16 * 1024 * 1024).default(1024 * 1024),
  LOGO_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  PREFLIGHT_MIN_FREE_MB: z.coerce.number().int().min(0).default(200),
  PREFLIGHT_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  /** Only `production` changes behaviour: forge-sign then refuses to invent a master key. */
  NODE_ENV: z.string().default('development'),
  /** Encrypts forge-sign's private signing keys at rest (AES-256-GCM): the base64 of 32 random bytes, e.g. `openssl rand -base64 32`. */
  EVIDENCE_MASTER_KEY: optional(
    z.string().refine((value) => isBase64Of32Bytes(value), 'must be the base64 of exactly 32 bytes (generate one with: openssl rand -base64 32)'),
  ),
  /** HMAC key for stored API key hashes (issue 10): any secret text of 32+ characters, e.g. `openssl rand -base64 32`. */
  API_KEY_PEPPER: optional(z.string().min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 32)')),
  /** The tenant whose admins manage the platform: other tenants, evidence signing keys. */
  PLATFORM_TENANT_ID: z.string().regex(/^tenant_[a-z0-9_]{3,48}$/, 'must look like tenant_<name>').default('tenant_default'),
  /**
   * POST /api/onboarding/setup: `first-run` (keyless while the platform tenant has no admin key, then platform
   * admins only), `platform-admin` (platform admins only; the first tenant comes from `factory init`), `off` (404).
   */
  ONBOARDING_HTTP: z.enum(['first-run', 'platform-admin', 'off']).default('first-run'),
  /** Distinct approver keys a HIGH or CRITICAL plan needs before it may execute. */
  PLAN_MIN_APPROVALS: z.coerce.number().int().min(1).max(10).default(1),
  /** Distinct approvers (never the requester) a forge package needs before it may be published. */
  FORGE_MIN_APPROVALS: z.coerce.number().int().min(1).max(10).default(2),
  /** The PHP CLI the forge's build (php -l) and sandbox steps run. */
  FORGE_PHP_BIN: z.string().min(1).default('php'),
  /** Tenant secrets' master keys, `id:base64,id:base64`, the first one active (new and rotated secrets are sealed under it). */
  SECRETS_MASTER_KEYS: optional(
    z.string().refine((value) => parseKeyring(value) !== null, 'must be id:base64 pairs separated by commas, each key the base64 of exactly 32 bytes, ids unique ([A-Za-z0-9_.-], up to 64)'),
  ),
  /** One master key instead of SECRETS_MASTER_KEYS, with its id in SECRETS_MASTER_KEY_ID. */
  SECRETS_MASTER_KEY: optional(
    z.string().refine((value) => isBase64Of32Bytes(value), 'must be the base64 of exactly 32 bytes (generate one with: openssl rand -base64 32)'),
  ),
  SECRETS_MASTER_KEY_ID: z.string().regex(KEY_ID, 'letters, digits, _ . - (up to 64)').default('k1'),
  /** Hardening (see README "Hardening"): request limits per API key and client address, in one window shared through Redis. */
  RATE_LIMIT_ENABLED: bool.default('true'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1200),
  /** Key, tenant and onboarding creation: per key and per address, in their own, longer window (seed 003: onboarding "5 attempts per hour"). */
  RATE_LIMIT_SENSITIVE: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_SENSITIVE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  /** Public contact form posts per client address. */
  RATE_LIMIT_CONTACT: z.coerce.number().int().min(1).default(5),
  /** How long the limiter waits for Redis before letting the request through on this replica's own memory counters. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /** Express "trust proxy": false (default, the socket address), true, a hop count, or comma-separated addresses/CIDRs/loopback. */
  TRUST_PROXY: z.string().default('false'),
  /** Browser origins allowed to call the API cross-origin (comma-separated); empty: none. */
  CORS_ORIGINS: z.string().default(''),
  /** Let fetches on a user's behalf reach private, loopback and link-local addresses (never in production). */
  SSRF_ALLOW_PRIVATE: bool.default('false'),
  /** Comma-separated CIDRs those fetches may reach although not public (e.g. an internal image host). */
  SSRF_ALLOW_CIDRS: z.string().default(''),
});

/** Names of variables whose values are secrets: never logged, never returned. */
export const SENSITIVE_ENV = ['DATABASE_URL', 'REDIS_URL', 'PDNS_API_KEY', 'HETZNER_DNS_TOKEN', 'ODOO_PASSWORD', 'EVIDENCE_MASTER_KEY', 'SECRETS_MASTER_KEYS', 'SECRETS_MASTER_KEY', 'API_KEY_PEPPER'] as const;

function isBase64Of32Bytes(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value.trim());
}

/** `k2:base64,k1:base64` as (id, base64) pairs in order; null when malformed. */
function parseKeyring(value: string): { id: string; base64: string }[] | null {
  const pairs = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => ({ id: entry.slice(0, Math.max(entry.indexOf(':'), 0)), base64: entry.slice(entry.indexOf(':') + 1) }));
  const valid = pairs.length > 0 && pairs.every((pair) => KEY_ID.test(pair.id) && isBase64Of32Bytes(pair.base64));
  return valid && new Set(pairs.map((pair) => pair.id)).size === pairs.length ? pairs : null;
}

/**
 * Key material that must not leak through a log line, a JSON body or a debugger
 * print of the config: serialising or inspecting it shows only a placeholder, and
 * the bytes come out only through an explicit reveal().
 */
export class SecretBytes {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = Buffer.from(bytes);
  }

  static fromBase64(text: string): SecretBytes {
    return new SecretBytes(Buffer.from(text.trim(), 'base64'));
  }

  reveal(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return 'SecretBytes([secret])';
  }
}

export type WebTarget = z.infer<typeof EnvSchema>['WEB_TARGET'];

export type DnsProvider = z.infer<typeof EnvSchema>['DNS_PROVIDER'];

export interface AppConfig {
  http: { port: number };
  redis: { url: string; queuePrefix: string };
  database: { url: string; migrateOnBoot: boolean; pool: { max: number; idleMs: number; connectTimeoutMs: number } };
  /** Startup retries and graceful shutdown (see README, Operations). */
  lifecycle: { shutdownTimeoutMs: number; startupTimeoutMs: number; connectRetryMaxMs: number };
  storage: { dataDir: string; evidenceDir: string; artifactsDir: string; keysDir: string; sitesDir: string; templatesDir: string };
  log: { level: z.infer<typeof EnvSchema>['LOG_LEVEL'] };
  workers: { concurrency: number; metricsPort: number; lockMs: number; runningReportDelayMs: number; heartbeatIntervalMs: number };
  planner: { waitMs: number };
  /** The run reconciler: how often it looks for dispatched steps without a job (0: never), and how old a dispatch must be first. */
  reconciler: { intervalMs: number; graceMs: number };
  dns: {
    serverHost: string;
    serverPort: number;
    /** Where DNS records go: the built-in server (in-process), or an external provider's API. */
    provider: DnsProvider;
    powerDns: { apiUrl: string | null; apiKey: string | null; serverId: string };
    hetzner: { apiUrl: string; token: string | null };
    /** Where PowerDNS answers queries; null: PDNS_API_URL's host on port 53. */
    powerDnsAddress: { host: string; port: number } | null;
    ttl: number;
    webAddresses: { ipv4: string; ipv6: string | null };
    createZones: boolean;
    ownershipTxt: boolean;
    safety: { maxShare: number; minRecordSets: number };
    verify: { timeoutMs: number; server: { host: string; port: number } | null };
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
  /**
   * Website evidence and assets: the homepage screenshot through a local headless
   * Chromium (auto: when one is installed), and whether the generate step may fetch
   * a briefing's logo_url (off unless configured: it is a request to a user-given URL).
   */
  site: {
    screenshot: 'auto' | 'off';
    chromiumPath: string | null;
    screenshotTimeoutMs: number;
    logoFetch: { enabled: boolean; maxBytes: number; timeoutMs: number };
  };
  /** The user's Odoo, reached over XML-RPC; all null when none is configured. */
  odoo: { url: string | null; db: string | null; user: string | null; password: string | null; addonsPath: string | null; timeoutMs: number; moduleTimeoutMs: number };
  /** Checks before a run starts: the free space DATA_DIR needs, and how long a probe of an external system may take. */
  preflight: { minFreeMb: number; timeoutMs: number };
  /** Seed 001 safe mode: nothing live runs; planning and dry runs keep working. */
  safeMode: boolean;
  credits: { tenantInitialCredits: number };
  /** NODE_ENV=production: no development fallbacks (forge-sign needs a configured master key). */
  production: boolean;
  /** forge-sign's master key for private keys at rest; null: development fallback (a generated file under keysDir), refused in production. */
  signing: { masterKey: SecretBytes | null };
  /** API keys and tenants: the pepper of stored key hashes (null: unpeppered, see README), the platform tenant, approvals a HIGH plan needs. */
  tenancy: { apiKeyPepper: SecretBytes | null; platformTenantId: string; planMinApprovals: number; onboardingHttp: 'first-run' | 'platform-admin' | 'off' };
  /** The plugin forge: approvals a package needs before publication, and the PHP binary for lint and sandbox. */
  forge: { minApprovals: number; phpBin: string };
  /** Tenant secrets' master keys, the active one first; empty: development fallback (a generated file under keysDir), refused in production. */
  secrets: { masterKeys: { id: string; key: SecretBytes }[] };
  /** Hardening: rate limits, proxy trust, CORS and the SSRF guard (README "Hardening"). */
  security: SecurityConfig;
}

export interface SecurityConfig {
  rateLimit: { enabled: boolean; windowSeconds: number; perKey: number; perAddress: number; sensitive: number; sensitiveWindowSeconds: number; contact: number; redisTimeoutMs: number };
  /** Passed to Express's "trust proxy" setting as is. */
  trustProxy: boolean | number | string;
  corsOrigins: string[];
  ssrf: { allowPrivate: boolean; allowCidrs: string[] };
}

export class ConfigError extends Error {}

/** Secrets a production process must be given rather than fall back on (see productionConfigProblems). */
export type ProductionSecret = 'API_KEY_PEPPER' | 'SECRETS_MASTER_KEYS';

/**
 * What NODE_ENV=production must bring itself instead of a development fallback:
 * unpeppered API key hashes (API_KEY_PEPPER) and a tenant secrets master key
 * generated next to the data it protects (SECRETS_MASTER_KEYS) are fine on a
 * laptop, not on a server. `needs`: what the process uses (a worker that reads
 * no tenant secret is not handed their key). Names variables, never a value.
 * forge-sign's EVIDENCE_MASTER_KEY is refused by forge-sign itself.
 */
export function productionConfigProblems(config: AppConfig, needs: readonly ProductionSecret[] = ['API_KEY_PEPPER', 'SECRETS_MASTER_KEYS']): string[] {
  if (!config.production) return [];
  const problems: string[] = [];
  if (needs.includes('API_KEY_PEPPER') && !config.tenancy.apiKeyPepper) problems.push('API_KEY_PEPPER (or API_KEY_PEPPER_FILE) is not set: 32+ random characters, e.g. `openssl rand -base64 32`');
  if (needs.includes('SECRETS_MASTER_KEYS') && !config.secrets.masterKeys.length) {
    problems.push('SECRETS_MASTER_KEYS (or SECRETS_MASTER_KEYS_FILE, or SECRETS_MASTER_KEY) is not set: `k1:` followed by the base64 of 32 random bytes, e.g. `echo k1:$(openssl rand -base64 32)`');
  }
  return problems;
}

/** Refuses to start a production process on development fallbacks (see productionConfigProblems). */
export function assertProductionReady(config: AppConfig, needs?: readonly ProductionSecret[]): void {
  const problems = productionConfigProblems(config, needs);
  if (problems.length) throw new ConfigError(`refusing to start with NODE_ENV=production: ${problems.join('; ')}`);
}

/** Validates the environment into a typed object. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(withSecretFiles(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    http: { port: e.PORT },
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    database: { url: e.DATABASE_URL, migrateOnBoot: e.DB_MIGRATE, pool: { max: e.DB_POOL_MAX, idleMs: e.DB_POOL_IDLE_MS, connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS } },
    lifecycle: { shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS, startupTimeoutMs: e.STARTUP_TIMEOUT_MS, connectRetryMaxMs: e.CONNECT_RETRY_MAX_MS },
    storage: {
      dataDir,
      evidenceDir: resolve(dataDir, 'evidence'),
      artifactsDir: resolve(dataDir, 'artifacts'),
      keysDir: resolve(dataDir, 'keys'),
      sitesDir: resolve(dataDir, 'sites'),
      templatesDir: resolve(e.TEMPLATES_DIR),
    },
    log: { level: e.LOG_LEVEL },
    workers: { concurrency: e.WORKER_CONCURRENCY, metricsPort: e.METRICS_PORT, lockMs: e.WORKER_LOCK_MS, runningReportDelayMs: e.RUNNING_REPORT_DELAY_MS, heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS },
    planner: { waitMs: e.PLAN_WAIT_MS },
    reconciler: { intervalMs: e.RECONCILE_INTERVAL_MS, graceMs: e.RECONCILE_GRACE_MS },
    dns: {
      serverHost: e.DNS_SERVER_HOST,
      serverPort: e.DNS_SERVER_PORT,
      provider: e.DNS_PROVIDER,
      powerDns: { apiUrl: e.PDNS_API_URL ?? null, apiKey: e.PDNS_API_KEY ?? null, serverId: e.PDNS_SERVER_ID },
      hetzner: { apiUrl: e.HETZNER_API_URL, token: e.HETZNER_DNS_TOKEN ?? null },
      powerDnsAddress: e.PDNS_DNS_ADDRESS ? parseHostPort(e.PDNS_DNS_ADDRESS) : null,
      ttl: e.DNS_TTL,
      webAddresses: { ipv4: e.DNS_WEB_IPV4, ipv6: e.DNS_WEB_IPV6 ?? null },
      createZones: e.DNS_CREATE_ZONES,
      ownershipTxt: e.DNS_OWNERSHIP_TXT,
      safety: { maxShare: e.DNS_SAFETY_MAX_SHARE, minRecordSets: e.DNS_SAFETY_MIN_RECORDSETS },
      verify: { timeoutMs: e.DNS_VERIFY_TIMEOUT_MS, server: e.DNS_VERIFY_SERVER ? parseHostPort(e.DNS_VERIFY_SERVER) : null },
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
    site: {
      screenshot: e.SITE_SCREENSHOT,
      chromiumPath: e.CHROMIUM_PATH === undefined ? (['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ?? null) : e.CHROMIUM_PATH || null,
      screenshotTimeoutMs: e.SITE_SCREENSHOT_TIMEOUT_MS,
      logoFetch: { enabled: e.LOGO_FETCH, maxBytes: e.LOGO_FETCH_MAX_BYTES, timeoutMs: e.LOGO_FETCH_TIMEOUT_MS },
    },
    odoo: {
      url: e.ODOO_URL ?? null,
      db: e.ODOO_DB ?? null,
      user: e.ODOO_USER ?? null,
      password: e.ODOO_PASSWORD ?? null,
      addonsPath: e.ODOO_ADDONS_PATH ? resolve(e.ODOO_ADDONS_PATH) : null,
      timeoutMs: e.ODOO_TIMEOUT_MS,
      moduleTimeoutMs: e.ODOO_MODULE_TIMEOUT_MS,
    },
    preflight: { minFreeMb: e.PREFLIGHT_MIN_FREE_MB, timeoutMs: e.PREFLIGHT_TIMEOUT_MS },
    safeMode: e.SAFE_MODE,
    credits: { tenantInitialCredits: e.TENANT_INITIAL_CREDITS },
    production: e.NODE_ENV === 'production',
    signing: { masterKey: e.EVIDENCE_MASTER_KEY ? SecretBytes.fromBase64(e.EVIDENCE_MASTER_KEY) : null },
    tenancy: {
      apiKeyPepper: e.API_KEY_PEPPER ? new SecretBytes(Buffer.from(e.API_KEY_PEPPER, 'utf8')) : null,
      platformTenantId: e.PLATFORM_TENANT_ID,
      planMinApprovals: e.PLAN_MIN_APPROVALS,
      onboardingHttp: e.ONBOARDING_HTTP,
    },
    secrets: { masterKeys: secretsKeyring(e) },
    forge: { minApprovals: e.FORGE_MIN_APPROVALS, phpBin: e.FORGE_PHP_BIN },
    security: {
      rateLimit: {
        enabled: e.RATE_LIMIT_ENABLED,
        windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
        perKey: e.RATE_LIMIT_PER_KEY,
        perAddress: e.RATE_LIMIT_PER_ADDRESS,
        sensitive: e.RATE_LIMIT_SENSITIVE,
        sensitiveWindowSeconds: e.RATE_LIMIT_SENSITIVE_WINDOW_SECONDS,
        contact: e.RATE_LIMIT_CONTACT,
        redisTimeoutMs: e.RATE_LIMIT_REDIS_TIMEOUT_MS,
      },
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      corsOrigins: commaList(e.CORS_ORIGINS),
      ssrf: { allowPrivate: e.SSRF_ALLOW_PRIVATE, allowCidrs: commaList(e.SSRF_ALLOW_CIDRS) },
    },
  };
}

/** SECRETS_MASTER_KEYS wins over SECRETS_MASTER_KEY (+ SECRETS_MASTER_KEY_ID); neither: none configured. */
function secretsKeyring(e: z.infer<typeof EnvSchema>): { id: string; key: SecretBytes }[] {
  const pairs = e.SECRETS_MASTER_KEYS ? parseKeyring(e.SECRETS_MASTER_KEYS)! : e.SECRETS_MASTER_KEY ? [{ id: e.SECRETS_MASTER_KEY_ID, base64: e.SECRETS_MASTER_KEY }] : [];
  return pairs.map(({ id, base64 }) => ({ id, key: SecretBytes.fromBase64(base64) }));
}

/**
 * A secret may be named instead of given: `PDNS_API_KEY_FILE=/run/secrets/pdns`
 * reads the key from that file (Docker and Kubernetes mount secrets as files),
 * so the value never sits in the environment or in a compose file.
 */
function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const resolved = { ...env };
  for (const name of SENSITIVE_ENV) {
    const file = env[`${name}_FILE`];
    if (!file || env[name]) continue;
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return resolved;
}

function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

/** "true"/"false", a hop count, or Express's list form ("loopback, 10.0.0.0/8"). */
function parseTrustProxy(value: string): boolean | number | string {
  const text = value.trim().toLowerCase();
  if (['', 'false', '0', 'no'].includes(text)) return false;
  if (['true', 'yes'].includes(text)) return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  return value.trim();
}

function parseHostPort(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(value.slice(at + 1)) };
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
