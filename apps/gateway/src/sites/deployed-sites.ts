import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Which sites this tenant has live: a site exists while at least one live
 * website.deploy of its domain completed and was not rolled back (a rollback
 * of the newest deploy switches back to an older one, which still serves).
 * Read from the run records, not from disk, so any gateway can answer.
 */
@Injectable()
export class DeployedSites {
  constructor(private readonly dataSource: DataSource) {}

  async isDeployed(tenantId: string, domain: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1
         FROM step_runs sr
         JOIN runs r ON r.id = sr.run_id AND r.tenant_id = sr.tenant_id
         JOIN plan_steps s ON s.step_id = sr.step_id AND s.plan_id = r.plan_id
        WHERE sr.tenant_id = $1
          AND s.action = 'website.deploy'
          AND s.parameters->>'domain' = $2
          AND sr.status = 'completed'
          AND NOT COALESCE(sr.dry_run, r.dry_run)
          AND sr.rollback_status IS DISTINCT FROM 'rolled_back'
        LIMIT 1`,
      [tenantId, domain],
    );
    return rows.length > 0;
  }
}
