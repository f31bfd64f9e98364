import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { Redis } from 'ioredis';
import { REDIS } from '@bf/runtime';
import { RateDecision, WindowLimiter } from '../http/rate-limit';

/** The defaults of RATE_LIMIT_CONTACT and RATE_LIMIT_WINDOW_SECONDS: contact form posts allowed per client address in one window. */
export const CONTACT_RATE_LIMIT = { max: 5, windowSeconds: 60 } as const;

export type { RateDecision };

/**
 * The public contact form's own, stricter limit per client address, counted in
 * Redis so every gateway replica shares it (the shared WindowLimiter: Redis
 * trouble falls back to this replica's memory rather than failing the post).
 */
@Injectable()
export class ContactRateLimiter {
  private readonly limiter: WindowLimiter | null;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    const limits = config.security.rateLimit;
    this.limiter = limits.enabled ? new WindowLimiter('contact', redis, config.redis.queuePrefix, limits.contact, limits.windowSeconds, limits.redisTimeoutMs) : null;
  }

  async take(clientAddress: string): Promise<RateDecision> {
    return this.limiter ? this.limiter.take(`a:${clientAddress}`) : { allowed: true, remaining: Number.POSITIVE_INFINITY };
  }
}
