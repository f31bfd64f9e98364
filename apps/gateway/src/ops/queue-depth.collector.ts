import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ALL_QUEUES } from '@bf/contracts';
import { queueJobs } from '@bf/observability';
import { JobProducer } from '@bf/queue';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Fills `bf_queue_jobs` from BullMQ's counts every few seconds. A timer rather
 * than a scrape-time read: a slow Redis must not make /metrics slow, and every
 * gateway replica reporting the same counts is fine for gauges (use max()).
 */
@Injectable()
export class QueueDepthCollector implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(private readonly producer: JobProducer) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.collect().catch(() => undefined), 5000);
    this.timer.unref();
    void this.collect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async collect(): Promise<void> {
    await Promise.all(
      ALL_QUEUES.map(async (name) => {
        const counts = await this.producer.queue(name).getJobCounts(...STATES);
        for (const state of STATES) queueJobs.set({ queue: name, state }, counts[state] ?? 0);
      }),
    );
  }
}
