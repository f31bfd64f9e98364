import { Injectable } from '@nestjs/common';
import { ALL_QUEUES } from '@bf/contracts';
import { queueJobs } from '@bf/observability';
import { JobProducer } from '@bf/queue';
import { PeriodicGaugeCollector } from './periodic-gauge-collector';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Fills `bf_queue_jobs` from BullMQ's counts every few seconds (see PeriodicGaugeCollector). */
@Injectable()
export class QueueDepthCollector extends PeriodicGaugeCollector {
  constructor(private readonly producer: JobProducer) {
    super();
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
