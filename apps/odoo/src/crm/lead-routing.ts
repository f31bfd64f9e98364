import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, redactUrl } from '@bf/config';

export interface LeadRoute {
  tenantId: string;
  siteId: string;
  target: 'odoo.crm_lead';
  /** The configured Odoo (masked URL and database) the step routed to; null when it routed to a tenant secret's. */
  odooUrl: string | null;
  odooDb: string | null;
  /** The tenant secret holding the Odoo login (its name only): the delivery resolves it when it runs. */
  secretRef: string | null;
  runId: string;
  stepId: string;
  activeFrom: Date;
}

/**
 * The configured Odoo as a routing names it. ODOO_URL may carry credentials:
 * they are masked before the URL is stored or shown anywhere.
 */
export function odooTarget(config: AppConfig): { url: string | null; db: string | null } {
  return { url: config.odoo.url ? redactUrl(config.odoo.url) : null, db: config.odoo.db };
}

/** Where a route delivers, for messages and results: the secret's name or the masked URL (never a secret's content). */
export function describeTarget(route: Pick<LeadRoute, 'odooUrl' | 'odooDb' | 'secretRef'>): string {
  return route.secretRef ? `the Odoo in tenant secret '${route.secretRef}'` : `Odoo ${route.odooUrl} (database ${route.odooDb})`;
}

/** Which sites' contact forms go to which Odoo as crm.lead: one row per tenant and site, in PostgreSQL so every worker and gateway agrees. */
export class LeadRouting {
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Replaces any earlier routing of the site and returns it, so the step can say what it superseded. */
  async activate(route: Omit<LeadRoute, 'activeFrom' | 'secretRef'> & { secretRef?: string | null }): Promise<{ route: LeadRoute; previous: LeadRoute | null }> {
    const previous = await this.find(route.tenantId, route.siteId);
    const [row] = await this.db.query(
      `INSERT INTO site_integrations (tenant_id, site_id, target, odoo_url, odoo_db, secret_ref, run_id, step_id, active_from)
       VALUES ($1, $2, $3, $4, $5, $8, $6, $7, now())
       ON CONFLICT (tenant_id, site_id) DO UPDATE
         SET target = EXCLUDED.target, odoo_url = EXCLUDED.odoo_url, odoo_db = EXCLUDED.odoo_db, secret_ref = EXCLUDED.secret_ref, run_id = EXCLUDED.run_id, step_id = EXCLUDED.step_id,
             -- the same run re-running its step keeps its original start
             active_from = CASE WHEN site_integrations.run_id = EXCLUDED.run_id AND site_integrations.step_id = EXCLUDED.step_id THEN site_integrations.active_from ELSE now() END
       RETURNING *`,
      [route.tenantId, route.siteId, route.target, route.odooUrl, route.odooDb, route.runId, route.stepId, route.secretRef ?? null],
    );
    const sameOwner = previous && previous.runId === route.runId && previous.stepId === route.stepId;
    return { route: fromRow(row), previous: sameOwner ? null : previous };
  }

  async find(tenantId: string, siteId: string): Promise<LeadRoute | null> {
    const [row] = await this.db.query('SELECT * FROM site_integrations WHERE tenant_id = $1 AND site_id = $2', [tenantId, siteId]);
    return row ? fromRow(row) : null;
  }

  /** Only the routing this run's step made: rolling back an older run must not cut off a newer run's integration. */
  async remove(tenantId: string, siteId: string, runId: string, stepId: string): Promise<boolean> {
    const [, count] = await this.db.query('DELETE FROM site_integrations WHERE tenant_id = $1 AND site_id = $2 AND run_id = $3 AND step_id = $4', [tenantId, siteId, runId, stepId]);
    return Number(count) > 0;
  }
}

function fromRow(row: Record<string, unknown>): LeadRoute {
  return {
    tenantId: row.tenant_id as string,
    siteId: row.site_id as string,
    target: row.target as 'odoo.crm_lead',
    odooUrl: (row.odoo_url as string | null) ?? null,
    odooDb: (row.odoo_db as string | null) ?? null,
    secretRef: (row.secret_ref as string | null) ?? null,
    runId: row.run_id as string,
    stepId: row.step_id as string,
    activeFrom: new Date(row.active_from as string),
  };
}
