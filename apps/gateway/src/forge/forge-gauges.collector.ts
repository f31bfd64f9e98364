import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forgeApprovalsPending, forgeJobsQueued, forgeJobsRunning } from '@bf/observability';
import { PeriodicGaugeCollector } from '../ops/periodic-gauge-collector';

/**
 * Fills the forge gauges from PostgreSQL every few seconds (the gateway owns the
 * jobs and approvals tables' API); see PeriodicGaugeCollector.
 */
@Injectable()
export class ForgeGaugesCollector extends PeriodicGaugeCollector {
  constructor(private readonly dataSource: DataSource) {
    super();
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
