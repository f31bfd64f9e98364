import { DynamicModule, Injectable, Module, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorResult, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import type { Queue, Worker } from 'bullmq';
import { within } from './connections';
import { Runtime } from './runtime';

/** Overall, and per check: healthy; degraded (it works, but something is off: still 200); unhealthy (503). */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** One check as readiness shows it: terminus's up/down, the time it took, why it is degraded if it is, and its details. */
export type CheckDetail = { status: 'up' | 'down'; responseTime: number; degraded?: string; message?: string } & Record<string, unknown>;

export interface HealthReadiness {
  status: HealthStatus;
  checks: Record<string, CheckDetail>;
}

/** What a check found: details, and `degraded` (a reason) when it answers but not as it should. Throwing means down. */
export type CheckOutcome = { degraded?: string } & Record<string, unknown>;

/** A check that does not answer within this is down: a dead dependency must not hang a probe. */
export const CHECK_TIMEOUT_MS = 1000;

/** The health of one check. */
export function checkStatus(detail: CheckDetail): HealthStatus {
  return detail.status === 'down' ? 'unhealthy' : detail.degraded ? 'degraded' : 'healthy';
}

/**
 * The checks every service runs (terminus health indicators), each timed:
 * PostgreSQL (SELECT 1; on the gateway also pending migrations), Redis (PING)
 * and a BullMQ queue (reachable, not paused; and, for a worker, its consumer running).
 */
@Injectable()
export class DependencyIndicators {
  private migrationsApplied = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runtime: Runtime,
  ) {}

  /** Runs `check` as terminus indicator `key`: up with its details and responseTime, or down with the error's message. */
  async timed(key: string, check: () => Promise<CheckOutcome>): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const outcome = await within(check(), CHECK_TIMEOUT_MS, key);
      return session.up({ responseTime: elapsed(), ...outcome });
    } catch (error) {
      return session.down({ responseTime: elapsed(), message: (error as Error).message });
    }
  }

  /** PostgreSQL answers; with `migrations`, pending migrations make it degraded (the schema is older than this code expects). */
  postgres(options: { migrations?: boolean } = {}): Promise<HealthIndicatorResult> {
    return this.timed('postgres', async () => {
      await this.runtime.dataSource.query('SELECT 1');
      if (!options.migrations) return {};
      // This process's migrations are fixed: once the database has them all, it keeps them.
      const pending = this.migrationsApplied ? false : await this.runtime.dataSource.showMigrations();
      this.migrationsApplied = !pending;
      return pending ? { migrations: 'pending', degraded: 'migrations pending' } : { migrations: 'up_to_date' };
    });
  }

  /** Redis answers PING; `memory` adds its used_memory (the gateway's /api/healthz shows it). */
  redis(options: { memory?: boolean } = {}): Promise<HealthIndicatorResult> {
    return this.timed('redis', async () => {
      const redis = this.runtime.redis;
      // A disconnected client would queue the command until reconnected: down at once instead.
      if (redis.status !== 'ready') throw new Error(`redis ${redis.status}`);
      await redis.ping();
      if (!options.memory) return {};
      const used = /used_memory:(\d+)/.exec(await redis.info('memory'))?.[1];
      return { memory: used ? `used_memory:${used}` : 'unknown' };
    });
  }

  /**
   * The service's own queue: reachable in Redis, not paused (paused: degraded,
   * its jobs wait), its waiting jobs counted; with `consumer`, this process's
   * BullMQ worker must be running (closed: down) and not paused (degraded).
   */
  queue(queue: Queue, consumer?: Worker): Promise<HealthIndicatorResult> {
    return this.timed('queue', async () => {
      if (this.runtime.redis.status !== 'ready') throw new Error(`redis ${this.runtime.redis.status}`);
      const [paused, waiting] = await Promise.all([queue.isPaused(), queue.getWaitingCount()]);
      if (consumer && !consumer.isRunning()) throw new Error(`consumer of ${queue.name} is not running`);
      const degraded = paused ? `queue ${queue.name} is paused` : consumer?.isPaused() ? `consumer of ${queue.name} is paused` : undefined;
      return { name: queue.name, paused, waiting, ...(degraded ? { degraded } : {}) };
    });
  }
}

/**
 * Runs terminus's HealthCheckService over `indicators` and folds the result into
 * healthy / degraded / unhealthy. Terminus answers 'error' (by throwing) when an
 * indicator is down; degraded is ours: an indicator that is up with a reason.
 */
export async function runChecks(health: HealthCheckService, indicators: HealthIndicatorFunction[]): Promise<HealthReadiness> {
  let result: HealthCheckResult;
  try {
    result = await health.check(indicators);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    result = error.getResponse() as HealthCheckResult;
  }
  const checks = (result.details ?? {}) as Record<string, CheckDetail>;
  const statuses = Object.values(checks).map(checkStatus);
  // terminus says 'shutting_down' once the app is closing: not ready either.
  const status: HealthStatus =
    result.status !== 'ok' || statuses.includes('unhealthy') ? 'unhealthy' : statuses.includes('degraded') ? 'degraded' : 'healthy';
  return { status, checks };
}

/** A worker's readiness: PostgreSQL, Redis and its own queue with its consumer. */
@Injectable()
export class WorkerHealth {
  private consumer?: Worker;

  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyIndicators,
    private readonly runtime: Runtime,
  ) {}

  /** The worker's BullMQ consumer, once it listens. */
  attach(consumer: Worker): void {
    this.consumer = consumer;
  }

  readiness(): Promise<HealthReadiness> {
    const consumer = this.consumer;
    return runChecks(this.health, [
      () => this.dependencies.postgres(),
      () => this.dependencies.redis(),
      () => (consumer ? this.dependencies.queue(this.runtime.producer.queue(consumer.name as never), consumer) : this.dependencies.timed('queue', () => Promise.reject(new Error('consumer not started')))),
    ]);
  }
}

/** Terminus and the worker's checks, beside a worker app's own module (see createWorker). */
@Module({})
export class WorkerHealthModule {
  static register(): DynamicModule {
    return {
      module: WorkerHealthModule,
      // Terminus logs a failing check as an error itself; readiness answers say what failed, so no log line per probe.
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [DependencyIndicators, WorkerHealth],
      exports: [WorkerHealth],
    };
  }
}
