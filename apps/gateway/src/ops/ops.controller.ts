import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { metricsRegistry, probe } from '@bf/observability';
import { REDIS } from '@bf/runtime';
import { HealthService } from './health.service';

/** /health for load balancers and orchestrators, /metrics for Prometheus. */
@Controller()
export class OpsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly healthReport: HealthService,
  ) {}

  /** Liveness: the gateway answers. Its dependencies are readiness's business. */
  @Get('health/live')
  live() {
    return { status: 'alive' };
  }

  /** Seed 003's health endpoint: each dependency with its status and response time; 503 when unhealthy. */
  @Get('api/healthz')
  async healthz(@Res() response: Response): Promise<void> {
    const report = await this.healthReport.report();
    response.status(report.status === 'unhealthy' ? 503 : 200).json(report);
  }

  /** Readiness: PostgreSQL and Redis answer (`/health` is the same check, kept for existing probes). */
  @Get(['health', 'health/ready'])
  async health(@Res() response: Response): Promise<void> {
    const [postgres, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    response.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'error', checks: { postgres, redis } });
  }

  @Get('metrics')
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
