import { createHash } from 'node:crypto';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** Rate-limit settings from the configuration (RATE_LIMIT_*). */
export type RateLimitSettings = AppConfig['security']['rateLimit'];

const log = rootLogger().child({ component: 'RateLimit' });
const FALLBACK_LOG_INTERVAL_MS = 30_000;
let lastFallbackLog = 0;

/**
 * A fixed number of requests per window for each key, counted in Redis so every
 * gateway replica shares the count. When Redis is not ready, errs or is slower
 * than `redisTimeoutMs`, the request is counted in this replica's memory
 * instead (fail open to per-replica limits, logged at most every 30 s): a Redis
 * outage must not turn every API call into an error, and health already reports it.
 */
export class WindowLimiter {
  private readonly shared: RateLimiterRedis;
  private readonly local: RateLimiterMemory;

  constructor(
    readonly name: string,
    redis: Redis,
    keyPrefix: string,
    readonly points: number,
    durationSeconds: number,
    private readonly redisTimeoutMs: number,
  ) {
    const options = { keyPrefix: `${keyPrefix}:rl:${name}`, points, duration: durationSeconds };
    this.shared = new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true });
    this.local = new RateLimiterMemory(options);
  }

  async take(key: string): Promise<RateDecision> {
    try {
      return allowed(await withTimeout(this.shared.consume(key), this.redisTimeoutMs));
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return refused(outcome);
      logFallback(this.name, outcome);
    }
    try {
      return allowed(await this.local.consume(key));
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return refused(outcome);
      return { allowed: true, remaining: 0 };
    }
  }
}

function allowed(res: RateLimiterRes): RateDecision {
  return { allowed: true, remaining: res.remainingPoints };
}

function refused(res: RateLimiterRes): RateDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

function logFallback(name: string, error: unknown): void {
  if (Date.now() - lastFallbackLog < FALLBACK_LOG_INTERVAL_MS) return;
  lastFallbackLog = Date.now();
  log.warn({ limiter: name, reason: (error as Error)?.message ?? String(error) }, 'rate limiter: Redis unavailable, counting on this replica only');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Redis took over ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** Routes that create credentials or tenants: a much smaller budget, so keys cannot be minted (or guessed at) in bulk. */
const SENSITIVE_ROUTES = new Set(['POST /api/v1/api-keys', 'POST /api/v1/tenants', 'POST /api/onboarding/setup', 'POST /api/v1/keys/rotate']);
/** Paths that are never limited: probes and scrapes must keep answering under load. */
const EXEMPT_PATHS = new Set(['/api/healthz']);

/**
 * The bucket a presented Bearer token counts against before it is verified: a
 * hash of the whole token, so a made-up token gets a bucket of its own and no
 * token text reaches Redis. Not the public prefix: anyone can write a victim
 * key's prefix in front of a made-up secret, and would drain that key's budget.
 * The key's own bucket (its prefix) is charged only once the token authenticated
 * (`chargeAuthenticatedKey`). The address limit applies to every request
 * regardless, so inventing tokens does not buy more requests.
 */
export function tokenBucket(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return null;
  return `t:${createHash('sha256').update(match[1]).digest('hex').slice(0, 32)}`;
}

/** What the rate limiter refused, for the 429. */
export interface RateRefusal {
  retryAfterSeconds: number;
  what: string;
}

/** Set on a limited request by the middleware: charges the authenticated key's own budget. */
const KEY_CHARGE = Symbol('bf.rateLimit.keyCharge');
type KeyCharge = (keyPrefix: string) => Promise<RateRefusal | null>;
type ChargeableRequest = Request & { [KEY_CHARGE]?: KeyCharge };

/**
 * Counts an authenticated request against its key's budget (and, on key and
 * tenant creation, the key's smaller one). Called by whatever authenticated the
 * token (the auth guard, Bull Board, onboarding); null when within the limits,
 * or when the request is not rate-limited at all.
 */
export async function chargeAuthenticatedKey(req: Request, keyPrefix: string): Promise<RateRefusal | null> {
  const charge = (req as ChargeableRequest)[KEY_CHARGE];
  return charge ? charge(keyPrefix) : null;
}

/** `chargeAuthenticatedKey` for Nest code: a refusal becomes a 429 with Retry-After. */
export async function chargeAuthenticatedKeyOrThrow(req: Request, res: Response, keyPrefix: string): Promise<void> {
  const refusal = await chargeAuthenticatedKey(req, keyPrefix);
  if (!refusal) return;
  res.setHeader('retry-after', String(refusal.retryAfterSeconds));
  throw new HttpException(tooManyRequestsMessage(refusal), HttpStatus.TOO_MANY_REQUESTS);
}

/**
 * Express middleware for the API (`/api/…`) and Bull Board (`/admin/…`): every
 * request counts against its client address and, when it carries a Bearer
 * token, against that token (by hash); key and tenant creation count against a
 * much smaller budget too. Once the token authenticates, the request also counts
 * against the key (by its prefix, see `chargeAuthenticatedKey`). Past a limit: 429 in the API's error shape with
 * Retry-After. The public contact form has its own, stricter per-address limit
 * (ContactRateLimiter, RATE_LIMIT_CONTACT).
 */
export class RequestRateLimiter {
  private readonly perKey: WindowLimiter;
  private readonly perAddress: WindowLimiter;
  private readonly sensitive: WindowLimiter;

  constructor(
    redis: Redis,
    keyPrefix: string,
    private readonly settings: RateLimitSettings,
  ) {
    const make = (name: string, points: number, windowSeconds = settings.windowSeconds) => new WindowLimiter(name, redis, keyPrefix, points, windowSeconds, settings.redisTimeoutMs);
    this.perKey = make('key', settings.perKey);
    this.perAddress = make('address', settings.perAddress);
    this.sensitive = make('sensitive', settings.sensitive, settings.sensitiveWindowSeconds);
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (!this.settings.enabled || !limited(req.path)) return next();
      this.check(req).then(
        (refusal) => (refusal ? tooManyRequests(res, refusal) : next()),
        (error: unknown) => next(error),
      );
    };
  }

  private async check(req: Request): Promise<RateRefusal | null> {
    const address = clientAddress(req);
    const token = tokenBucket(req.headers.authorization);
    const sensitive = SENSITIVE_ROUTES.has(`${req.method} ${normalPath(req.path)}`);
    const checks: Array<[WindowLimiter, string, string]> = [[this.perAddress, `a:${address}`, 'this address']];
    if (token) checks.push([this.perKey, token, 'this API key']);
    if (sensitive) {
      checks.push([this.sensitive, `a:${address}`, 'key and tenant creation from this address']);
      if (token) checks.push([this.sensitive, token, 'key and tenant creation with this API key']);
    }
    const refusal = await this.take(checks);
    if (!refusal) {
      (req as ChargeableRequest)[KEY_CHARGE] = (keyPrefix) => {
        const keyChecks: Array<[WindowLimiter, string, string]> = [[this.perKey, `k:${keyPrefix}`, 'this API key']];
        if (sensitive) keyChecks.push([this.sensitive, `k:${keyPrefix}`, 'key and tenant creation with this API key']);
        return this.take(keyChecks);
      };
    }
    return refusal;
  }

  private async take(checks: Array<[WindowLimiter, string, string]>): Promise<RateRefusal | null> {
    for (const [limiter, bucket, what] of checks) {
      const decision = await limiter.take(bucket);
      if (!decision.allowed) return { retryAfterSeconds: decision.retryAfterSeconds, what };
    }
    return null;
  }
}

/** The client's address as Express sees it: the socket's, or the forwarded one when TRUST_PROXY trusts the proxy in front. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Express matches routes case-insensitively and with or without a trailing slash; so does this. */
function normalPath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

function limited(path: string): boolean {
  const normal = normalPath(path);
  if (EXEMPT_PATHS.has(normal)) return false;
  return normal.startsWith('/api/') || normal.startsWith('/admin/') || normal === '/admin';
}

/** Answers 429 in the API's error shape with Retry-After (Express code: the middleware, Bull Board). */
export function tooManyRequests(res: Response, refusal: RateRefusal): void {
  res
    .status(429)
    .setHeader('retry-after', String(refusal.retryAfterSeconds))
    .json({ statusCode: 429, error: 'Too Many Requests', message: tooManyRequestsMessage(refusal) });
}

function tooManyRequestsMessage(refusal: RateRefusal): string {
  return `too many requests from ${refusal.what}; retry in ${refusal.retryAfterSeconds} s`;
}
