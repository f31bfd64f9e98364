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
  /** Address the embedded DNS server binds; 0.0.0.0 in a container so other hosts can ask it. */
  DNS_SERVER_HOST: z.string().ip().default('127.0.0.1'),
  SAFE_MODE: bool.default('false'),
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
});

/** Names of variables whose values are secrets: never logged, never returned. */
export const SENSITIVE_ENV = ['DATABASE_URL', 'REDIS_URL', 'PDNS_API_KEY', 'HETZNER_DNS_TOKEN', 'ODOO_PASSWORD', 'EVIDENCE_MASTER_KEY'] as const;

function isBase64Of32Bytes(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value.trim());
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
  database: { url: string; migrateOnBoot: boolean };
  storage: { dataDir: string; evidenceDir: string; artifactsDir: string; keysDir: string; sitesDir: string; templatesDir: string };
  log: { level: z.infer<typeof EnvSchema>['LOG_LEVEL'] };
  workers: { concurrency: number; metricsPort: number; lockMs: number; runningReportDelayMs: number };
  planner: { waitMs: number };
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
  /** NODE_ENV=production: no development fallbacks (forge-sign needs a configured master key). */
  production: boolean;
  /** forge-sign's master key for private keys at rest; null: development fallback (a generated file under keysDir), refused in production. */
  signing: { masterKey: SecretBytes | null };
}

export class ConfigError extends Error {}

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
    database: { url: e.DATABASE_URL, migrateOnBoot: e.DB_MIGRATE },
    storage: {
      dataDir,
      evidenceDir: resolve(dataDir, 'evidence'),
      artifactsDir: resolve(dataDir, 'artifacts'),
      keysDir: resolve(dataDir, 'keys'),
      sitesDir: resolve(dataDir, 'sites'),
      templatesDir: resolve(e.TEMPLATES_DIR),
    },
    log: { level: e.LOG_LEVEL },
    workers: { concurrency: e.WORKER_CONCURRENCY, metricsPort: e.METRICS_PORT, lockMs: e.WORKER_LOCK_MS, runningReportDelayMs: e.RUNNING_REPORT_DELAY_MS },
    planner: { waitMs: e.PLAN_WAIT_MS },
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
    production: e.NODE_ENV === 'production',
    signing: { masterKey: e.EVIDENCE_MASTER_KEY ? SecretBytes.fromBase64(e.EVIDENCE_MASTER_KEY) : null },
  };
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
