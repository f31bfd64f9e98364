import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which tenant owns a domain. A domain is a global name (one DNS zone, one live
 * site, one contact form), so the first tenant that plans it claims it, and
 * other tenants are refused at planning and at execution until it is released.
 * Names are stored normalized: lowercase, no trailing dot.
 *
 * Existing data: each domain a plan already deploys or configures DNS for is
 * claimed by the tenant of its earliest such plan.
 */
export class CreateDomainClaims1795831200029 implements MigrationInterface {
  name = 'CreateDomainClaims1795831200029';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE domain_claims (
      domain text PRIMARY KEY CHECK (domain = lower(domain) AND domain !~ '\\.$'),
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      -- the API key id that planned the claiming plan (null for a backfilled or keyless claim)
      claimed_by_key text,
      -- the plan that claimed it (null while the planner has not answered yet)
      plan_id text REFERENCES plans(id) ON DELETE SET NULL
    )`);
    await q.query('CREATE INDEX domain_claims_tenant_idx ON domain_claims (tenant_id, domain)');
    await q.query(`INSERT INTO domain_claims (domain, tenant_id, claimed_at, claimed_by_key, plan_id)
      SELECT DISTINCT ON (d.domain) d.domain, p.tenant_id, p.created_at, p.created_by_key_id, p.id
        FROM plan_steps s
        JOIN plans p ON p.id = s.plan_id
        CROSS JOIN LATERAL (SELECT rtrim(lower(s.parameters->>'domain'), '.') AS domain) d
       WHERE s.action IN ('website.deploy', 'dns.configure') AND coalesce(d.domain, '') <> ''
       ORDER BY d.domain, p.created_at, p.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE domain_claims');
  }
}
