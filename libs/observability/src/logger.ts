import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/**
 * One pino root logger per process. Paths that could carry secrets are redacted
 * here, once, so no call site has to remember.
 */
let root: Logger | undefined;

export function rootLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  root ??= pino({
    level,
    base: { pid: process.pid },
    redact: {
      paths: ['*.password', '*.token', '*.api_token', '*.apiKey', '*.secret', '*.privateKey', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
  return root;
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
