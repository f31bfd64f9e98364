import { Job, JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobDefinition, jobDefinition, JobName, JobPayloadInput, QueueName } from '@bf/contracts';
import { currentCorrelationId, isSafeCorrelationId } from '@bf/observability';

/**
 * A reserved key of job data: the correlation id of the request (or job) that
 * enqueued it. It is no payload's field: the transport takes it off before the
 * payload is parsed and runs the handler in a context carrying it, so the
 * job's logs, reports and follow-up jobs keep the id of the request they serve.
 */
export const CORRELATION_ID_FIELD = '_correlationId';

/** Job data as stored: the payload plus, when there is one, the current correlation id. */
export function withCorrelationId(payload: object, correlationId = currentCorrelationId()): object {
  return correlationId ? { ...payload, [CORRELATION_ID_FIELD]: correlationId } : payload;
}

/** Splits stored job data into the payload and the correlation id it travelled with (none for jobs enqueued without one). */
export function takeCorrelationId(data: unknown): { payload: unknown; correlationId?: string } {
  if (typeof data !== 'object' || data === null || !(CORRELATION_ID_FIELD in data)) return { payload: data };
  const { [CORRELATION_ID_FIELD]: correlationId, ...payload } = data as Record<string, unknown>;
  return { payload, correlationId: isSafeCorrelationId(correlationId) ? correlationId : undefined };
}

/** BullMQ options derived from a job's declared retry policy. */
export function jobOptions(definition: JobDefinition, jobId?: string): JobsOptions {
  return {
    jobId,
    attempts: definition.retry.attempts,
    // Exponential backoff with jitter, so retries of many failed jobs don't arrive in lockstep.
    backoff: { type: 'exponential', delay: definition.retry.backoffMs, jitter: 0.5 },
    // Completed jobs are kept for a day: while they exist, re-adding the same job id is a no-op.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * The one way to put a job on a queue. Queue, job name and payload are checked
 * against the job catalogue at compile time, and the payload again at run time.
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  async enqueue<Q extends QueueName, J extends JobName<Q>>(
    queue: Q,
    name: J,
    payload: JobPayloadInput<Q, J>,
    options: { jobId?: string } = {},
  ): Promise<Job> {
    const definition = jobDefinition(queue, name);
    if (!definition) throw new Error(`job ${name} is not in the catalogue of queue ${queue}`);
    const data = definition.payload.parse(payload);
    // add() rather than addBulk(): add honours jobId deduplication against existing jobs.
    return this.queue(queue).add(name, withCorrelationId(data), jobOptions(definition, options.jobId));
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
