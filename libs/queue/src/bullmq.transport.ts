import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { lastValueFrom } from 'rxjs';
import { describeIssues, jobDefinition, jobNames, QueueName } from '@bf/contracts';
import { jobDuration, jobsProcessed, rootLogger, runWithCorrelationId } from '@bf/observability';
import { JobContext } from './job-context';
import { takeCorrelationId } from './job-producer';

export interface BullMqTransportOptions {
  queue: QueueName;
  connection: Redis;
  prefix: string;
  concurrency: number;
  /**
   * How long a job stays locked to a worker without a lock renewal. A worker that
   * dies (SIGKILL, lost host) stops renewing; after this the job counts as stalled
   * and is delivered again, to any worker.
   */
  lockMs?: number;
}

export class JobTimeoutError extends Error {}

/**
 * A Nest microservice transport that consumes one BullMQ queue. Handlers are
 * `@JobHandler` methods; listen() refuses to start unless they match the
 * queue's entries in the job catalogue one to one. Job lifecycle is logged and
 * measured here, once, so handlers only log what is specific to their domain.
 */
export class BullMqTransport extends Server implements CustomTransportStrategy {
  private worker?: Worker;
  private readonly log = rootLogger().child({ component: 'BullMqTransport' });

  constructor(private readonly options: BullMqTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const mismatch = this.catalogueMismatch();
    if (mismatch) {
      callback(new Error(mismatch));
      return;
    }
    const { queue, connection, prefix, concurrency, lockMs = 30_000 } = this.options;
    this.worker = new Worker(queue, (job) => this.process(job), { connection, prefix, concurrency, autorun: true, lockDuration: lockMs, stalledInterval: lockMs });
    this.worker.on('error', (error) => this.log.error({ queue, err: error.message }, 'worker error'));
    this.worker
      .waitUntilReady()
      .then(() => {
        this.log.info({ queue, concurrency }, 'consuming queue');
        callback();
      })
      .catch(callback);
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }

  on(): void {
    throw new Error('BullMqTransport has no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.worker as T;
  }

  /** A description of every job without a handler and every handler without a job, or undefined. */
  private catalogueMismatch(): string | undefined {
    const expected = new Set(jobNames(this.options.queue));
    const handled = new Set(this.getHandlers().keys());
    const missing = [...expected].filter((name) => !handled.has(name));
    const unknown = [...handled].filter((name) => !expected.has(name));
    if (!missing.length && !unknown.length) return undefined;
    const parts = [];
    if (missing.length) parts.push(`no handler for job(s) ${missing.join(', ')}`);
    if (unknown.length) parts.push(`handler(s) for job(s) not in the catalogue: ${unknown.join(', ')}`);
    return `queue ${this.options.queue}: ${parts.join('; ')}`;
  }

  /** Runs the job in a context carrying the correlation id it was enqueued with, so everything it logs and enqueues carries it too. */
  private process(job: Job): Promise<unknown> {
    const { payload, correlationId } = takeCorrelationId(job.data);
    return runWithCorrelationId(correlationId, () => this.processInContext(job, payload));
  }

  private async processInContext(job: Job, payload: unknown): Promise<unknown> {
    const { queue } = this.options;
    const definition = jobDefinition(queue, job.name);
    const handler = this.getHandlerByPattern(job.name);
    const context = new JobContext(queue, job);
    const logFields = { queue, job: job.name, jobId: job.id, attempt: context.attempt };
    if (!definition || !handler) return this.refuse(logFields, `queue ${queue} has no job ${job.name}`);
    const parsed = definition.payload.safeParse(payload);
    if (!parsed.success) {
      const fields = describeIssues(parsed.error).map((e) => `${e.path}: ${e.message}`);
      return this.refuse(logFields, `invalid ${job.name} payload: ${fields.join('; ')}`);
    }
    // Start and end of every job are logged here, once (the end with its duration); handlers log only what is theirs to say.
    this.log.info(logFields, 'job started');
    const stopTimer = jobDuration.startTimer({ queue, job: job.name });
    try {
      const result = await this.withTimeout(handler, parsed.data, context, definition.retry.timeoutMs);
      const valid = definition.result.parse(result);
      jobsProcessed.inc({ queue, job: job.name, outcome: 'completed' });
      this.log.info({ ...logFields, ms: Math.round(stopTimer() * 1000) }, 'job completed');
      return valid;
    } catch (error) {
      const outcome = error instanceof UnrecoverableError || context.isLastAttempt ? 'failed' : 'retrying';
      jobsProcessed.inc({ queue, job: job.name, outcome });
      this.log.warn({ ...logFields, ms: Math.round(stopTimer() * 1000), outcome, err: (error as Error).message }, 'job failed');
      // Re-thrown unchanged: BullMQ decides about retries from the job's policy.
      throw error;
    }
  }

  /** A job that cannot run at all: failed for good, without a retry (and kept out of the job metrics: its name may be anything). */
  private refuse(logFields: Record<string, unknown>, reason: string): never {
    this.log.warn({ ...logFields, outcome: 'failed', err: reason }, 'job refused');
    throw new UnrecoverableError(reason);
  }

  private async withTimeout(handler: MessageHandler, data: unknown, context: JobContext, timeoutMs: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JobTimeoutError(`${context.name} took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const run = (async () => lastValueFrom(this.transformToObservable(await handler(data, context))))();
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
