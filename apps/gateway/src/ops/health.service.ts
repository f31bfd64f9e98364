import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { SYSTEM_VERSION } from '@bf/contracts';
import { REDIS } from '@bf/runtime';

export type CheckStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface DependencyCheck {
  status: CheckStatus;
  /** Milliseconds the check took. */
  responseTime: number;
  details: Record<string, string>;
}

/** Seed 003 `GET /api/healthz`. */
export interface HealthReport {
  status: CheckStatus;
  timestamp: string;
  version: string;
  environment: string;
  checks: { database: DependencyCheck; redis: DependencyCheck };
}

const CHECK_TIMEOUT_MS = 1000;

/**
 * What the gateway's dependencies look like right now, timed: PostgreSQL
 * (and whether migrations are pending) and Redis (and its memory use). A
 * dependency that is down makes the whole unhealthy; pending migrations make
 * it degraded (it answers, but a newer schema is expected).
 */
@Injectable()
export class HealthService {
  private migrationsApplied = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([this.database(), this.redisCheck()]);
    const statuses = [database.status, redis.status];
    const status: CheckStatus = statuses.includes('unhealthy') ? 'unhealthy' : statuses.includes('degraded') ? 'degraded' : 'healthy';
    return { status, timestamp: new Date().toISOString(), version: SYSTEM_VERSION, environment: this.config.production ? 'production' : 'development', checks: { database, redis } };
  }

  private database(): Promise<DependencyCheck> {
    return timed(async () => {
      await this.dataSource.query('SELECT 1');
      // This process's migrations are fixed: once the database has them all, it keeps them.
      const pending = this.migrationsApplied ? false : await this.dataSource.showMigrations();
      this.migrationsApplied = !pending;
      return { status: pending ? 'degraded' : 'healthy', details: { connectionPool: 'active', migrations: pending ? 'pending' : 'up_to_date' } };
    });
  }

  private redisCheck(): Promise<DependencyCheck> {
    return timed(async () => {
      const memory = await this.redis.info('memory');
      const used = /used_memory:(\d+)/.exec(memory)?.[1];
      return { status: 'healthy', details: { connection: 'active', memory: used ? `used_memory:${used}` : 'unknown' } };
    });
  }
}

async function timed(check: () => Promise<Omit<DependencyCheck, 'responseTime'>>): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)));
  try {
    const result = await Promise.race([check(), timeout]);
    return { ...result, responseTime: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'unhealthy', responseTime: Math.round(performance.now() - started), details: { error: (error as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}
