import { Redis } from 'ioredis';
import { ProgressEvent } from '@bf/contracts';

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

  async publish(event: ProgressEvent): Promise<void> {
    await this.redis.publish(this.channel(event.planId), JSON.stringify(event));
  }
}
