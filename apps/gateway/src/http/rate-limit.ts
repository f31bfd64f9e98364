import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';
import { prefixOf } from '@bf/tenancy';

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
 * The bucket a presented Bearer token counts against: its public prefix, or a
 * hash of the whole token when it is not in key format (so a made-up token
 * still gets one bucket per value, and no token text reaches Redis). The key is
 * not verified here; the address limit applies to every request regardless,
 * so inventing tokens does not buy more requests.
 */
export function apiKeyBucket(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return null;
  const token = match[1];
  // Key format `bfk_<prefix>_<secret>`: the public prefix names the key without a database lookup.
  const prefix = prefixOf(token);
  return prefix ? `p:${prefix}` : `h:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

/**
 * Express middleware for the API (`/api/…`) and Bull Board (`/admin/…`): every
 * request counts against its client address and, when it carries a Bearer
 * token, against that key; key and tenant creation count against a much
 * smaller budget too. Past a limit: 429 in the API's error shape with
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

  private async check(req: Request): Promise<{ retryAfterSeconds: number; what: string } | null> {
    const address = clientAddress(req);
    const key = apiKeyBucket(req.headers.authorization);
    const route = `${req.method} ${normalPath(req.path)}`;
    const checks: Array<[WindowLimiter, string, string]> = [[this.perAddress, `a:${address}`, 'this address']];
    if (key) checks.push([this.perKey, `k:${key}`, 'this API key']);
    if (SENSITIVE_ROUTES.has(route)) {
      checks.push([this.sensitive, `a:${address}`, 'key and tenant creation from this address']);
      if (key) checks.push([this.sensitive, `k:${key}`, 'key and tenant creation with this API key']);
    }
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

function tooManyRequests(res: Response, refusal: { retryAfterSeconds: number; what: string }): void {
  res
    .status(429)
    .setHeader('retry-after', String(refusal.retryAfterSeconds))
    .json({ statusCode: 429, error: 'Too Many Requests', message: `too many requests from ${refusal.what}; retry in ${refusal.retryAfterSeconds} s` });
}
