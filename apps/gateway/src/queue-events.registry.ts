import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Job, QueueEvents } from 'bullmq';
import { JobProducer } from '@bf/queue';
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
export class QueueEventsRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Map<QueueName, Promise<QueueEvents>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: JobProducer,
  ) {}

  /** Request/response queues are listened to from boot, so the first request does not race a fresh stream reader. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.forQueue('intent'), this.forQueue('planner')]);
  }

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
   *
   * The stream event is the fast path. QueueEvents reads the stream from "now",
   * and its first read can start after a fast job already finished, so the job's
   * state is also polled: a lost event costs at most one poll interval, never the
   * whole timeout.
   */
  async waitFor<R>(queue: QueueName, job: Job, timeoutMs: number): Promise<{ finished: true; result: R } | { finished: false }> {
    const events = await this.forQueue(queue);
    const jobId = String(job.id);
    // Per-job event names (completed:<id>) are outside QueueEvents' typed event map.
    const emitter = events as unknown as EventEmitter;
    return new Promise((resolve, reject) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(poll);
        emitter.removeListener(`completed:${jobId}`, onCompleted);
        emitter.removeListener(`failed:${jobId}`, onFailed);
        outcome();
      };
      const onCompleted = (args: { returnvalue: unknown }) => finish(() => resolve({ finished: true, result: args.returnvalue as R }));
      const onFailed = (args: { failedReason: string }) => finish(() => reject(new Error(args.failedReason)));
      const deadline = setTimeout(() => finish(() => resolve({ finished: false })), timeoutMs);
      emitter.on(`completed:${jobId}`, onCompleted);
      emitter.on(`failed:${jobId}`, onFailed);

      let interval = 50;
      const checkState = async () => {
        try {
          // The state first, then the job: a job read before it completed carries no return value yet.
          const state = await this.producer.queue(queue).getJobState(jobId);
          if (state === 'completed' || state === 'failed') {
            const finished = await this.producer.queue(queue).getJob(jobId);
            if (finished && state === 'completed') return onCompleted({ returnvalue: finished.returnvalue });
            if (finished && state === 'failed') return onFailed({ failedReason: finished.failedReason });
          }
        } catch {
          // A poll that fails is retried at the next interval; the deadline still bounds the wait.
        }
        if (settled) return;
        interval = Math.min(interval * 2, 1_000);
        poll = setTimeout(() => void checkState(), interval);
      };
      poll = setTimeout(() => void checkState(), interval);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const all = await Promise.all(this.listeners.values());
    await Promise.all(all.map((events) => events.close()));
  }
}

