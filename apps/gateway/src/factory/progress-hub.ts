import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
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
export class ProgressHub implements BeforeApplicationShutdown, OnModuleDestroy {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly shutdownCallbacks = new Set<() => void>();
  private readonly pattern: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pattern = `${config.redis.queuePrefix}:progress:*`;
  }

  /**
   * Calls `listener` for each progress event of the plan until the returned
   * function is called. `onShutdown` ends the client's stream when the gateway
   * stops: an open SSE response would otherwise keep the HTTP server (and the
   * process, on SIGTERM) from closing.
   */
  async watch(planId: string, listener: Listener, onShutdown: () => void): Promise<() => void> {
    await this.ensureSubscribed();
    const set = this.listeners.get(planId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(planId, set);
    this.shutdownCallbacks.add(onShutdown);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(planId);
      this.shutdownCallbacks.delete(onShutdown);
    };
  }

  /** Runs before the HTTP server closes (Nest calls shutdown hooks before disposing the adapter). */
  beforeApplicationShutdown(): void {
    for (const end of [...this.shutdownCallbacks]) end();
    this.shutdownCallbacks.clear();
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
