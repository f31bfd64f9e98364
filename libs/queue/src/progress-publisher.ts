import { Redis } from 'ioredis';
import { ProgressEvent } from '@bf/contracts';
import { currentCorrelationId } from '@bf/observability';

/**
 * Live progress for clients over Redis pub/sub. Lossy on purpose: nothing that
 * advances a run travels this way; it only feeds progress displays.
 */
export class ProgressPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  channel(planId: string): string {
    return `${this.prefix}:progress:${planId}`;
  }

  /** Publishes `event`, with the current correlation id unless it names one. */
  async publish(event: ProgressEvent): Promise<void> {
    await this.redis.publish(this.channel(event.planId), this.message(event));
  }

  /** Publishes `events` in order, in one round trip (a pipeline). */
  async publishAll(events: ProgressEvent[]): Promise<void> {
    if (events.length <= 1) return events.length ? this.publish(events[0]) : undefined;
    const pipeline = this.redis.pipeline();
    for (const event of events) pipeline.publish(this.channel(event.planId), this.message(event));
    const answers = (await pipeline.exec()) ?? [];
    const failed = answers.find(([error]) => error);
    if (failed) throw failed[0];
  }

  private message(event: ProgressEvent): string {
    const correlationId = event.correlationId ?? currentCorrelationId();
    return JSON.stringify(correlationId ? { ...event, correlationId } : event);
  }
}
