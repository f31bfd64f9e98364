import { Job } from 'bullmq';

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
}
