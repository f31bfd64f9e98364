import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { currentCorrelationId } from './request-context';

/** Field names whose value is a secret wherever they appear in a logged object (top level, or two levels down). */
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
];
/** Connection strings: only the password inside is hidden, so the host and database stay readable. */
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
  try {
    const url = new URL(value);
    if (url.password) url.password = REDACTED;
    return url.toString();
  } catch {
    return REDACTED;
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
 * path (so no call site has to remember), and the correlation id of the work in
 * progress (request-context) on every line made inside it.
 */
export function createLogger(level: string, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlation_id: correlationId } : {};
      },
    },
    destination,
  );
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
