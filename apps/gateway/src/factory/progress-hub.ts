import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ProgressEvent } from '@bf/contracts';
import { REDIS } from '@bf/runtime';

type Listener = (event: ProgressEvent) => void;

/**
 * One Redis subscriber connection per gateway, fanned out to every client
 * watching a plan. Lossy by design (pub/sub): clients get the durable state
 * first and use this only for what happens next.
 */
@Injectable()
export class ProgressHub implements OnModuleDestroy {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly pattern: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pattern = `${config.redis.queuePrefix}:progress:*`;
  }

  async watch(planId: string, listener: Listener): Promise<() => void> {
    await this.ensureSubscribed();
    const set = this.listeners.get(planId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(planId, set);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(planId);
    };
  }

  private async ensureSubscribed(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('pmessage', (_pattern, _channel, message) => {
      const event = JSON.parse(message) as ProgressEvent;
      for (const listener of this.listeners.get(event.planId) ?? []) listener(event);
    });
    await this.subscriber.psubscribe(this.pattern);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
