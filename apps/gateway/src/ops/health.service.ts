import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { SYSTEM_VERSION, WORKER_QUEUES } from '@bf/contracts';
import { CheckDetail, checkStatus, DependencyIndicators, HealthReadiness, HealthStatus, liveWorkers, runChecks, Runtime } from '@bf/runtime';

/** One dependency in seed 003's shape. */
export interface DependencyCheck {
  status: HealthStatus;
  /** Milliseconds the check took. */
  responseTime: number;
  details: Record<string, unknown>;
}

/** Seed 003 `GET /api/healthz`, with the gateway's queue and the workers added to its checks. */
export interface HealthReport {
  status: HealthStatus;
  timestamp: string;
  version: string;
  environment: string;
  checks: { database: DependencyCheck; redis: DependencyCheck; queue: DependencyCheck; workers: DependencyCheck };
}

/**
 * The gateway's health, checked with terminus: PostgreSQL (and pending
 * migrations: degraded), Redis, its step-status queue, and the heartbeats of
 * the seven worker queues. A dependency that is down makes the whole unhealthy
 * (readiness 503). A worker queue with no live instance makes it degraded, not
 * unhealthy: the gateway still accepts requests, and that queue's jobs wait
 * until a worker comes. The same checks answer /health/ready and /api/healthz.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyIndicators,
    private readonly runtime: Runtime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  readiness(options: { memory?: boolean } = {}): Promise<HealthReadiness> {
    return runChecks(this.health, [
      () => this.dependencies.postgres({ migrations: true }),
      () => this.dependencies.redis(options),
      () => this.dependencies.queue(this.runtime.producer.queue('step-status')),
      () => this.workers(),
    ]);
  }

  /** Seed 003's report: the readiness checks renamed and reshaped (database, redis, queue, workers). */
  async report(): Promise<HealthReport> {
    const { status, checks } = await this.readiness({ memory: true });
    const database = seedShape(checks.postgres, (d) => ({ connectionPool: d.status === 'up' ? 'active' : 'unavailable', ...pick(d, 'migrations') }));
    const redis = seedShape(checks.redis, (d) => ({ connection: d.status === 'up' ? 'active' : 'unavailable', ...pick(d, 'memory') }));
    const queue = seedShape(checks.queue, (d) => pick(d, 'name', 'paused', 'waiting'));
    const workers = seedShape(checks.workers, (d) => pick(d, 'queues'));
    return { status, timestamp: new Date().toISOString(), version: SYSTEM_VERSION, environment: this.config.production ? 'production' : 'development', checks: { database, redis, queue, workers } };
  }

  /** Each worker queue's live instances (by heartbeat) and how long ago each beat; a queue with none: degraded. */
  private workers(): Promise<HealthIndicatorResult> {
    return this.dependencies.timed('workers', async () => {
      if (this.runtime.redis.status !== 'ready') throw new Error(`redis ${this.runtime.redis.status}`);
      const live = await liveWorkers(this.runtime.redis, this.config.redis.queuePrefix, WORKER_QUEUES);
      const queues = Object.fromEntries(
        WORKER_QUEUES.map((queue) => [queue, { alive: live[queue].length, instances: live[queue].map(({ instance, version, started_at, last_beat_ms }) => ({ instance, version, started_at, last_beat_ms })) }]),
      );
      const missing = WORKER_QUEUES.filter((queue) => live[queue].length === 0);
      return { queues, ...(missing.length ? { degraded: `no live worker on ${missing.join(', ')}: their jobs wait` } : {}) };
    });
  }
}

/** A readiness check as seed 003 shows it: status, responseTime, details (why it is degraded or down among them). */
function seedShape(check: CheckDetail | undefined, details: (check: CheckDetail) => Record<string, unknown>): DependencyCheck {
  if (!check) return { status: 'unhealthy', responseTime: 0, details: { message: 'not checked' } };
  const reason = check.message ?? check.degraded;
  return { status: checkStatus(check), responseTime: check.responseTime, details: { ...details(check), ...(reason ? { message: reason } : {}) } };
}

const pick = (from: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]));
