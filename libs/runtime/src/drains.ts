import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Job, Worker } from 'bullmq';
import { settlesWithin } from './graceful-shutdown';

/**
 * Stops an HTTP server gracefully: no new connections, requests in progress
 * answered, and keep-alive connections closed as soon as they are idle (their
 * last responses say `Connection: close`, so clients do not reuse them). What
 * is still open when the time is up is cut.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    // First in line, before Express answers: a request that arrives on a kept-alive connection during the drain gets `Connection: close`.
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      if (this.draining) response.setHeader('connection', 'close');
      this.inFlight.add(response);
      response.once('close', () => this.inFlight.delete(response));
    });
  }

  async drain(timeoutMs: number): Promise<{ drained: boolean; inFlight: number; cut: number }> {
    this.draining = true;
    const inFlight = this.inFlight.size;
    for (const response of this.inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // A connection whose response went out before the drain started becomes idle later: close it then.
    const sweeper = setInterval(() => this.server.closeIdleConnections(), 100);
    try {
      if (await settlesWithin(closed, timeoutMs)) return { drained: true, inFlight, cut: 0 };
      const cut = this.inFlight.size;
      this.server.closeAllConnections();
      await settlesWithin(closed, 1000);
      return { drained: false, inFlight, cut };
    } finally {
      clearInterval(sweeper);
    }
  }
}

/**
 * Stops a BullMQ worker gracefully: it takes no new jobs and finishes the ones
 * it holds. Jobs still running when the time is up are moved back to waiting,
 * so another worker takes them at once; should that fail (Redis gone), their
 * locks simply lapse and BullMQ redelivers them as stalled after the lock
 * duration. Neither marks a job failed. Handlers are idempotent (at-least-once
 * delivery), so a job released mid-way is safe to run again.
 */
export class JobDrain {
  private readonly inFlight = new Map<string, Job>();

  constructor(private readonly worker: Worker) {
    worker.on('active', (job) => {
      if (job.id) this.inFlight.set(job.id, job);
    });
    const settled = (job?: Job) => {
      if (job?.id) this.inFlight.delete(job.id);
    };
    worker.on('completed', settled);
    worker.on('failed', settled);
  }

  /** Jobs this worker is running now. */
  get running(): number {
    return this.inFlight.size;
  }

  async drain(timeoutMs: number): Promise<{ drained: boolean; inFlight: number; released: number }> {
    const inFlight = this.inFlight.size;
    if (await settlesWithin(this.worker.close(), timeoutMs)) return { drained: true, inFlight, released: 0 };
    let released = 0;
    for (const job of [...this.inFlight.values()]) {
      try {
        await job.moveToWait(job.token);
        released++;
      } catch {
        // Left to stall: redelivered once its lock expires.
      }
    }
    return { drained: false, inFlight, released };
  }
}
