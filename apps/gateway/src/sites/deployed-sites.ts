import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizedDomain } from '../domains/domain-claims';

/**
 * Which sites this tenant has live: a site exists while at least one live
 * website.deploy of its domain completed and was not rolled back (a rollback
 * of the newest deploy switches back to an older one, which still serves).
 * Read from the run records, not from disk, so any gateway can answer.
 */
@Injectable()
export class DeployedSites {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The tenant whose live site a domain is (for the public contact form, which
   * carries no key), or null: the tenant that claims the domain (domain_claims),
   * and only while it has the site deployed. A deploy by any other tenant never
   * counts, and a released domain has no owner until it is claimed again.
   */
  async tenantOf(domain: string): Promise<string | null> {
    const rows: { tenant_id: string }[] = await this.dataSource.query('SELECT tenant_id FROM domain_claims WHERE domain = $1', [normalizedDomain(domain)]);
    const owner = rows[0]?.tenant_id;
    return owner && (await this.isDeployed(owner, domain)) ? owner : null;
  }

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
