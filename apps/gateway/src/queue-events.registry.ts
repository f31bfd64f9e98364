import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Job, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '@bf/contracts';
import { REDIS } from '@bf/runtime';
import { APP_CONFIG, AppConfig } from '@bf/config';

/**
 * QueueEvents listeners the gateway uses to wait for request/response jobs
 * (planning, intent resolution). Only for answering a waiting HTTP request; never
 * for advancing a run, which goes through the durable step-status queue.
 */
@Injectable()
export class QueueEventsRegistry implements OnModuleDestroy {
  private readonly listeners = new Map<QueueName, Promise<QueueEvents>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  forQueue(queue: QueueName): Promise<QueueEvents> {
    let listener = this.listeners.get(queue);
    if (!listener) {
      // Connection options rather than the shared client: QueueEvents blocks on its own connection and closes it.
      const events = new QueueEvents(queue, { connection: { ...this.redis.options }, prefix: this.config.redis.queuePrefix });
      listener = events.waitUntilReady().then(() => events);
      this.listeners.set(queue, listener);
    }
    return listener;
  }

  /**
   * Waits up to `timeoutMs` for a job's result. A job failure is re-thrown with
   * the worker's message; running out of time is an answer, not an error.
   */
  async waitFor<R>(queue: QueueName, job: Job, timeoutMs: number): Promise<{ finished: true; result: R } | { finished: false }> {
    const events = await this.forQueue(queue);
    try {
      return { finished: true, result: (await job.waitUntilFinished(events, timeoutMs)) as R };
    } catch (error) {
      if (/timed out|Job wait/i.test((error as Error).message)) return { finished: false };
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    const all = await Promise.all(this.listeners.values());
    await Promise.all(all.map((events) => events.close()));
  }
}
