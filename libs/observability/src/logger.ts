import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { currentCorrelationId } from './request-context';

/**
 * Secrets are hidden twice. `censorSecrets` (the log and bindings formatters)
 * walks every logged object at any depth and judges each field by its name,
 * case- and separator-insensitively, so `Authorization`, `X-API-Key`,
 * `Auth-API-Token` and `odoo.credentials.api.password` are caught wherever they
 * are. pino's redact paths below are the second line, for the names listed.
 */
/** Names (lowercase, without `-`, `_` or `.`) that are secrets whole. */
const SECRET_NAMES = new Set(['key', 'pass', 'pwd', 'auth', 'credentials', 'cookie', 'setcookie', 'authorization', 'proxyauthorization', 'sessionid']);
/** Name endings that make a secret: `password`, `ODOO_PASSWORD`, `api_token`, `X-Auth-Token`, `clientSecret`, `privateKeyPem`, `API_KEY_PEPPER`... */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'token', 'secret', 'apikey', 'privatekey', 'privatekeypem', 'masterkey', 'masterkeys', 'pepper', 'authorization', 'cookie'];
/** Names of connection strings: only the password inside is hidden, so the host and database stay readable. */
const URL_SUFFIX = 'url';
/** How deep the walk goes; anything deeper is replaced, not logged unchecked. */
const MAX_DEPTH = 12;

const normalized = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

/** True if a field of this name holds a secret, whatever its case or separators. */
export function isSecretKey(key: string): boolean {
  const name = normalized(key);
  return SECRET_NAMES.has(name) || SECRET_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

function withoutUrlPassword(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = REDACTED;
    return url.toString();
  } catch {
    return value;
  }
}

/** Objects whose fields are logged as they are (JSON.stringify's view): plain objects, header maps, class instances without toJSON. */
function isWalkable(value: object): boolean {
  return !(value instanceof Error) && !Buffer.isBuffer(value) && !ArrayBuffer.isView(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * A copy of `value` with every secret field replaced by `[redacted]`, and the
 * password of every URL-named field's connection string; the caller's object is
 * never changed. Errors are left to pino's error serializer.
 */
export function censorSecrets<T>(value: T, depth = 0, seen = new WeakSet<object>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]' as T;
  if (seen.has(value)) return '[circular]' as T;
  if (Array.isArray(value)) {
    seen.add(value);
    const copy = value.map((item) => censorSecrets(item, depth + 1, seen));
    seen.delete(value);
    return copy as T;
  }
  if (!isWalkable(value)) return value;
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    // A flag (`hasSecret: true`) cannot hold a secret, and says something useful.
    if (isSecretKey(key)) copy[key] = field === undefined || typeof field === 'boolean' ? field : REDACTED;
    else if (typeof field === 'string' && normalized(key).endsWith(URL_SUFFIX)) copy[key] = withoutUrlPassword(field);
    else copy[key] = censorSecrets(field, depth + 1, seen);
  }
  seen.delete(value);
  return copy as T;
}

/** Field names for pino's redact paths (exact case), top level and two levels down. */
const SECRET_KEYS = [
  'password',
  'passwd',
  'token',
  'api_token',
  'apiToken',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'apiKey',
  'api_key',
  'secret',
  'client_secret',
  'clientSecret',
  'privateKey',
  'private_key',
  'privateKeyPem',
  'masterKey',
  'master_key',
  'authorization',
  'cookie',
  'key',
  'pepper',
];
const URL_KEYS = ['databaseUrl', 'database_url', 'DATABASE_URL', 'redisUrl', 'redis_url', 'REDIS_URL'];
/** Environment-style names of secrets (a logged config or env object). */
const SECRET_ENV_KEYS = ['ODOO_PASSWORD', 'HETZNER_DNS_TOKEN', 'PDNS_API_KEY', 'EVIDENCE_MASTER_KEY', 'SECRETS_MASTER_KEYS', 'SECRETS_MASTER_KEY', 'API_KEY_PEPPER'];
const HEADER_PATHS = ['headers.authorization', 'headers.cookie', 'headers["x-api-key"]', 'headers["set-cookie"]'];

function atAnyDepth(keys: string[]): string[] {
  return keys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
}

export const REDACT_PATHS = [...atAnyDepth([...SECRET_KEYS, ...SECRET_ENV_KEYS, ...URL_KEYS]), ...atAnyDepth(HEADER_PATHS)];
export const REDACTED = '[redacted]';

function censor(value: unknown, path: string[]): unknown {
  if (!URL_KEYS.includes(path[path.length - 1]) || typeof value !== 'string') return REDACTED;
  return isUrl(value) ? withoutUrlPassword(value) : REDACTED;
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lines also handed to in-process listeners (`onLogLine`): a test reads what a
 * worker logged, as written, without replacing the process's stdout.
 */
const listeners = new Set<(line: string) => void>();

function stdoutWithListeners(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: true });
  return {
    write(line: string) {
      stdout.write(line);
      for (const listener of listeners) listener(line);
    },
  };
}

/**
 * A pino logger with this system's conventions: JSON lines, secrets redacted by
 * field name at any depth (so no call site has to remember), and the correlation id of the work in
 * progress (request-context) on every line made inside it.
 */
export function createLogger(level: string, destination: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor },
      // Before redact and serialization, on a copy: by name at any depth.
      formatters: { log: (object) => censorSecrets(object), bindings: (bindings) => censorSecrets(bindings) },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlation_id: correlationId } : {};
      },
    },
    destination,
  );
  // pino applies the bindings formatter to the root's bindings only; a child's are censored here (children inherit this `child`).
  type ChildFn = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const child = logger.child as unknown as ChildFn;
  const censoredChild: ChildFn = function (this: Logger, bindings, options) {
    return child.call(this, censorSecrets(bindings), options);
  };
  logger.child = censoredChild as unknown as Logger['child'];
  return logger;
}

/** One pino root logger per process, writing to stdout. */
let root: Logger | undefined;

/**
 * The process's root logger. A level given (the configured LOG_LEVEL, by the
 * process's bootstrap) applies even if an earlier call made the logger with
 * the environment's default; children made before keep the level they had.
 */
export function rootLogger(level?: string): Logger {
  root ??= createLogger(level ?? process.env.LOG_LEVEL ?? 'info', stdoutWithListeners());
  if (level && root.level !== level) root.level = level;
  return root;
}

/** Calls `listener` with every line the root logger writes (a JSON string ending in a newline); returns the unsubscribe. */
export function onLogLine(listener: (line: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Adapts pino to Nest's LoggerService so framework logs are structured JSON too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger = rootLogger()) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
