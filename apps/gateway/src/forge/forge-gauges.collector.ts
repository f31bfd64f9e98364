import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forgeApprovalsPending, forgeJobsQueued, forgeJobsRunning } from '@bf/observability';

/**
 * Fills the forge gauges from PostgreSQL every few seconds (the gateway owns the
 * jobs and approvals tables' API): on a timer, like bf_queue_jobs, so a slow
 * database never makes /metrics slow. Every replica reports the same: use max().
 */
@Injectable()
export class ForgeGaugesCollector implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.collect().catch(() => undefined), 5000);
    this.timer.unref();
    void this.collect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async collect(): Promise<void> {
    const [row]: { queued: number; running: number; pending: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM forge_jobs WHERE status = 'queued') AS queued,
              (SELECT count(*)::int FROM forge_jobs WHERE status = 'running') AS running,
              (SELECT count(*)::int FROM forge_approval_requests WHERE status = 'pending') AS pending`,
    );
    forgeJobsQueued.set(row.queued);
    forgeJobsRunning.set(row.running);
    forgeApprovalsPending.set(row.pending);
  }
}
