import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** The step actions that change what a domain serves (its site, its DNS records): naming a domain in one claims it. */
export const DOMAIN_OWNING_ACTIONS: readonly string[] = ['website.deploy', 'dns.configure'];

export interface DomainClaim {
  domain: string;
  claimed_at: string;
  claimed_by_key: string | null;
  plan_id: string | null;
}

/** A domain as claims store it: lowercase, no trailing dot. */
export function normalizedDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.+$/, '');
}

/** The domains a plan's steps deploy or configure DNS for, normalized and distinct. */
export function domainsOfSteps(steps: { action: string; parameters: Record<string, unknown> }[]): string[] {
  const domains = steps.filter((step) => DOMAIN_OWNING_ACTIONS.includes(step.action)).map((step) => step.parameters.domain);
  return [...new Set(domains.filter((domain): domain is string => typeof domain === 'string' && domain.length > 0).map(normalizedDomain))];
}

/**
 * Which tenant owns a domain. A domain is one global name (one zone at the
 * shared DNS provider, one live site, one contact form), so the first tenant
 * that plans it claims it and every other tenant is refused, at planning and
 * again at execution, until the owner releases it.
 *
 * The refusal is a 409 that names the domain but never the owner: the name is
 * global and the planning tenant chose it, so "it is taken" reveals nothing
 * another registrar would not; who holds it stays hidden.
 */
@Injectable()
export class DomainClaims {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims every domain for the tenant (keeping an existing claim of its own),
   * or throws 409 naming the first requested domain that another tenant holds,
   * directly or through a parent or a child name (shop.acme.example lives in
   * acme.example's zone). One lock serializes claims, so two tenants racing for
   * overlapping names cannot both win. Pass the manager of an open transaction to
   * claim inside it; otherwise the claim runs in its own.
   */
  async claim(tenantId: string, domains: string[], by: { keyId?: string | null; planId?: string | null }, manager?: EntityManager): Promise<void> {
    if (!manager) return this.dataSource.transaction((own) => this.claim(tenantId, domains, by, own));
    const names = [...new Set(domains.map(normalizedDomain))].sort();
    if (names.length === 0) return;
    await manager.query("SELECT pg_advisory_xact_lock(hashtextextended('domain_claims', 0))");
    for (const domain of names) {
      // The check and the claim in one round trip: nothing is written (and no row comes back)
      // when another tenant holds the name, a parent or a child of it; under the lock, nobody can slip in between.
      const claimed: unknown[] = await manager.query(
        `INSERT INTO domain_claims (domain, tenant_id, claimed_by_key, plan_id)
         SELECT $1::text, $2::text, $3::text, $4::text
          WHERE NOT EXISTS (
            SELECT 1 FROM domain_claims
             WHERE tenant_id <> $2 AND (domain = $1 OR right($1, length(domain) + 1) = '.' || domain OR right(domain, length($1) + 1) = '.' || $1))
         ON CONFLICT (domain) DO UPDATE SET plan_id = COALESCE(domain_claims.plan_id, EXCLUDED.plan_id)
         RETURNING 1`,
        [domain, tenantId, by.keyId ?? null, by.planId ?? null],
      );
      if (claimed.length === 0) throw domainTaken(domain);
    }
  }

  /** Throws the same 409 as `claim` when another tenant holds one of the domains; claims nothing. */
  async assertNotTaken(tenantId: string, domains: string[]): Promise<void> {
    if (domains.length === 0) return;
    for (const domain of [...new Set(domains.map(normalizedDomain))].sort()) {
      const taken: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM domain_claims
          WHERE tenant_id <> $2 AND (domain = $1 OR right($1, length(domain) + 1) = '.' || domain OR right(domain, length($1) + 1) = '.' || $1)
          LIMIT 1`,
        [domain, tenantId],
      );
      if (taken.length > 0) throw domainTaken(domain);
    }
  }

  /** Records which plan a claim made before planning led to (no-op for a claim that already names one, or is no longer the tenant's). */
  async recordPlan(tenantId: string, domains: string[], planId: string): Promise<void> {
    if (domains.length === 0) return;
    await this.dataSource.query('UPDATE domain_claims SET plan_id = $3 WHERE domain = ANY($1) AND tenant_id = $2 AND plan_id IS NULL', [domains.map(normalizedDomain), tenantId, planId]);
  }

  /**
   * Whether the tenant may read a zone: it claims the zone's name or a name
   * below it, and no other tenant claims any name in the zone.
   */
  async ownsZone(tenantId: string, zoneName: string): Promise<boolean> {
    const zone = normalizedDomain(zoneName);
    const rows: { tenant_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT tenant_id FROM domain_claims WHERE domain = $1 OR right(domain, length($1) + 1) = '.' || $1`,
      [zone],
    );
    return rows.length === 1 && rows[0].tenant_id === tenantId;
  }

  async list(tenantId: string): Promise<DomainClaim[]> {
    return this.dataSource.query(
      `SELECT domain, to_char(claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS claimed_at, claimed_by_key, plan_id
         FROM domain_claims WHERE tenant_id = $1 ORDER BY domain`,
      [tenantId],
    );
  }

  /**
   * Releases the tenant's claim so another tenant may plan the domain: 'not_found'
   * when it holds none (another tenant's claim answers the same), 'active' while one
   * of its runs (or rollbacks) changes the domain. Locks like execute does, so a
   * run cannot start between the check and the delete.
   */
  async release(tenantId: string, domain: string): Promise<'released' | 'not_found' | { active_run_id: string }> {
    const name = normalizedDomain(domain);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`domain:${name}`]);
      const owned: unknown[] = await manager.query('SELECT 1 FROM domain_claims WHERE domain = $1 AND tenant_id = $2 FOR UPDATE', [name, tenantId]);
      if (owned.length === 0) return 'not_found';
      const [active]: { id: string }[] = await manager.query(
        `SELECT r.id FROM runs r JOIN plan_steps s ON s.plan_id = r.plan_id
          WHERE r.tenant_id = $1 AND (r.status = 'running' OR r.rollback_status = 'rolling_back')
            AND s.action = ANY($3) AND rtrim(lower(s.parameters->>'domain'), '.') = $2
          LIMIT 1`,
        [tenantId, name, DOMAIN_OWNING_ACTIONS],
      );
      if (active) return { active_run_id: active.id };
      await manager.query('DELETE FROM domain_claims WHERE domain = $1 AND tenant_id = $2', [name, tenantId]);
      return 'released';
    });
  }
}

export function domainTaken(domain: string): ConflictException {
  return new ConflictException({ message: `domain ${domain} belongs to another tenant`, details: [{ path: 'domain', message: 'belongs to another tenant' }] });
}
