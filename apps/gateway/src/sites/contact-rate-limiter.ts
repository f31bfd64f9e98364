import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { Redis } from 'ioredis';
import { REDIS } from '@bf/runtime';

/** Contact form posts allowed per client address in one window. */
export const CONTACT_RATE_LIMIT = { max: 5, windowSeconds: 60 } as const;

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/**
 * A fixed-window counter per client address in Redis, so every gateway replica
 * shares it: the first post opens a window of `windowSeconds`; INCR and the
 * expiry run in one MULTI, so a crash between them cannot leave a key that
 * never expires.
 */
@Injectable()
export class ContactRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async take(clientAddress: string): Promise<RateDecision> {
    const key = `${this.config.redis.queuePrefix}:contact-rate:${clientAddress}`;
    const results = await this.redis.multi().incr(key).expire(key, CONTACT_RATE_LIMIT.windowSeconds, 'NX').pttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttlMs = Number(results?.[2]?.[1] ?? CONTACT_RATE_LIMIT.windowSeconds * 1000);
    if (count <= CONTACT_RATE_LIMIT.max) return { allowed: true, remaining: CONTACT_RATE_LIMIT.max - count };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
  }
}
