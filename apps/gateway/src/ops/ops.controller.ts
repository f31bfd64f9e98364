import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { metricsRegistry } from '@bf/observability';
import { HealthService } from './health.service';
import { Public } from '../http/auth.decorators';

/**
 * /health for load balancers and orchestrators, /metrics for Prometheus. Public:
 * probes and scrapers carry no API key, and none of these answers holds tenant
 * data (metric labels never carry a plan, run, tenant or domain; a test checks).
 */
@Controller()
@Public()
export class OpsController {
  constructor(private readonly healthReport: HealthService) {}

  /** Liveness: the gateway answers. Its dependencies are readiness's business (restarting it would not bring Redis back). */
  @Get('health/live')
  live() {
    return { status: 'alive' };
  }

  /** Seed 003's health endpoint: each check with its status and response time; 503 when unhealthy (degraded stays 200). */
  @Get('api/healthz')
  async healthz(@Res() response: Response): Promise<void> {
    const report = await this.healthReport.report();
    response.status(report.status === 'unhealthy' ? 503 : 200).json(report);
  }

  /** Readiness (terminus): PostgreSQL, Redis, the step-status queue, the workers' heartbeats. 503 only when unhealthy. `/health` is the same, kept for existing probes. */
  @Get(['health', 'health/ready'])
  async health(@Res() response: Response): Promise<void> {
    const readiness = await this.healthReport.readiness();
    response.status(readiness.status === 'unhealthy' ? 503 : 200).json(readiness);
  }

  @Get('metrics')
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
