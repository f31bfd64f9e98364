import { Job } from 'bullmq';
import { currentCorrelationId } from '@bf/observability';

/** What a handler may know about the job it is running, besides its payload. */
export class JobContext {
  constructor(
    readonly queue: string,
    private readonly job: Job,
  ) {}

  get jobId(): string {
    return this.job.id ?? '';
  }
  get name(): string {
    return this.job.name;
  }
  /** 1 on the first try, 2 on the first retry, … */
  get attempt(): number {
    return this.job.attemptsMade + 1;
  }
  get maxAttempts(): number {
    return this.job.opts.attempts ?? 1;
  }
  get isLastAttempt(): boolean {
    return this.attempt >= this.maxAttempts;
  }
  /** The correlation id the job was enqueued with (the transport runs the handler in its context); undefined for jobs enqueued without one. */
  get correlationId(): string | undefined {
    return currentCorrelationId();
  }
}
