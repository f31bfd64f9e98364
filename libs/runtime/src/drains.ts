import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Job, Worker } from 'bullmq';
import { settlesWithin } from './graceful-shutdown';

/** How to end each long-lived response (a Server-Sent Events stream) when its server drains. Keyed by response: several servers may share a process. */
const streamStops = new WeakMap<ServerResponse, () => void>();

/**
 * Registers how to end a streaming response when its server starts draining:
 * a stream never ends on its own, so without this the drain would wait out the
 * whole shutdown budget for it. `stop` should release what the stream holds and
 * end it, with `endEventStream` for SSE. A stream registered during the drain
 * is stopped at the drain's next sweep (within 100 ms).
 */
export function stopOnDrain(response: ServerResponse, stop: () => void): void {
  streamStops.set(response, stop);
}

/**
 * Ends an SSE stream with a last `shutdown` event, so the client knows the
 * server went away on purpose and reconnects (`retry`, to another replica).
 */
export function endEventStream(response: ServerResponse): void {
  if (response.writableEnded) return;
  response.end(`retry: 1000\nevent: shutdown\ndata: ${JSON.stringify({ reason: 'server shutting down', reconnect: true })}\n\n`);
}

/** An SSE response already under way (its content type set with setHeader, as Express's `response.set` does). */
function isEventStream(response: ServerResponse): boolean {
  return response.headersSent && String(response.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

/**
 * Stops an HTTP server gracefully: no new connections, requests in progress
 * answered, and keep-alive connections closed as soon as they are idle (their
 * last responses say `Connection: close`, so clients do not reuse them).
 * Streams are ended when the drain starts: those registered with `stopOnDrain`
 * by their own stop, any other `text/event-stream` response with
 * `endEventStream`. What is still open when the time is up is cut.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private readonly stopped = new WeakSet<ServerResponse>();
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
    this.stopStreams();
    this.server.closeIdleConnections();
    // A connection whose response went out before the drain started becomes idle later: close it then. Likewise a stream that started since.
    const sweeper = setInterval(() => {
      this.stopStreams();
      this.server.closeIdleConnections();
    }, 100);
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

  /** Ends every open stream once: a stream never finishes by itself, and the drain would wait for it until the budget is gone. */
  private stopStreams(): void {
    for (const response of this.inFlight) {
      if (this.stopped.has(response)) continue;
      const stop = streamStops.get(response);
      if (!stop && !isEventStream(response)) continue;
      this.stopped.add(response);
      try {
        if (stop) stop();
        else endEventStream(response);
      } catch {
        response.destroy();
      }
    }
  }
}

/**
 * Stops a BullMQ worker gracefully: it takes no new jobs and finishes the ones
 * it holds. Jobs still running when the time is up are moved back to waiting,
 * so another worker takes them at once; should that fail (Redis gone), their
 * locks simply lapse and BullMQ redelivers them as stalled after the lock
 * duration. Neither marks a job failed.
 *
 * A released job's handler is still running in this process: the caller must
 * end the process as soon as `drain` returns `drained: false` (GracefulShutdown's
 * `exitNow`), with no I/O turn in between, or both copies would run at once.
 * What remains is a request the handler had already sent: it may still take
 * effect remotely while the peer runs the step again. That is why executors are
 * idempotent (by the step's idempotency key) and delivery is at-least-once.
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
    // All at once: the first job released waits for the others' replies before the process can exit.
    const releases = await Promise.allSettled([...this.inFlight.values()].map((job) => job.moveToWait(job.token)));
    // A job whose release failed is left to stall: redelivered once its lock expires, long after this process has exited.
    const released = releases.filter((release) => release.status === 'fulfilled').length;
    return { drained: false, inFlight, released };
  }
}
