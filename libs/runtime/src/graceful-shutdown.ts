import type { Logger } from 'pino';

/**
 * What a phase reports for the log line that closes it. `exitNow: true` ends the
 * process right after that line, skipping the phases left: for a worker whose
 * released jobs' handlers would otherwise keep running here while a peer
 * already runs them again.
 */
export type PhaseReport = (Record<string, unknown> & { exitNow?: boolean }) | void;

/** Milliseconds left of the shutdown budget (never negative). */
export type Remaining = () => number;

interface Phase {
  name: string;
  run: (remaining: Remaining) => Promise<PhaseReport>;
}

export interface GracefulShutdownOptions {
  /** The budget shared by every phase (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  log: Logger;
  /** Replaced in tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

/**
 * What a process does on SIGTERM or SIGINT: its phases, in order, each given
 * what is left of one shared budget, each logged once. The process then exits 0.
 * A second signal exits at once (1), and so does a watchdog if the phases
 * overrun the budget by more than FORCE_AFTER_MS: a stuck close must not keep an
 * orchestrator waiting until it kills the process anyway.
 */
export class GracefulShutdown {
  static readonly FORCE_AFTER_MS = 5000;
  private readonly phases: Phase[] = [];
  private readonly exit: (code: number) => void;
  private started = false;

  constructor(private readonly options: GracefulShutdownOptions) {
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Adds a phase; phases run in the order they were added. */
  phase(name: string, run: (remaining: Remaining) => Promise<PhaseReport>): this {
    this.phases.push({ name, run });
    return this;
  }

  /** Handles SIGTERM and SIGINT from now on (also while the process is still starting). */
  listen(): this {
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
    return this;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.started) {
      this.options.log.warn({ signal }, 'second signal during shutdown: exiting now');
      this.exit(1);
      return;
    }
    void this.run(signal);
  };

  async run(signal: string): Promise<void> {
    this.started = true;
    const { timeoutMs, log } = this.options;
    const began = Date.now();
    const deadline = began + timeoutMs;
    const remaining: Remaining = () => Math.max(0, deadline - Date.now());
    const watchdog = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown overran its budget: exiting now');
      this.exit(1);
    }, timeoutMs + GracefulShutdown.FORCE_AFTER_MS);
    watchdog.unref();
    log.info({ signal, timeoutMs }, 'shutting down');
    for (const phase of this.phases) {
      const phaseStart = Date.now();
      try {
        const report = await phase.run(remaining);
        log.info({ phase: phase.name, ms: Date.now() - phaseStart, ...(report ?? {}) }, 'shutdown phase done');
        if (report?.exitNow) {
          // No await from here to the exit: no timer or I/O callback (a released handler's next move) runs in between. The exit closes the sockets.
          const skipped = this.phases.slice(this.phases.indexOf(phase) + 1).map((next) => next.name);
          clearTimeout(watchdog);
          log.warn({ phase: phase.name, skipped, ms: Date.now() - began }, 'shut down at once, skipping the remaining phases');
          this.exit(0);
          return;
        }
      } catch (error) {
        // A failed phase must not stop the next ones: connections still get closed.
        log.warn({ phase: phase.name, ms: Date.now() - phaseStart, err: (error as Error).message }, 'shutdown phase failed');
      }
    }
    clearTimeout(watchdog);
    log.info({ ms: Date.now() - began }, 'shut down');
    this.exit(0);
  }
}

/** True if `promise` settles within `ms`; false (and it keeps running) otherwise. Rejections count as settled. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
