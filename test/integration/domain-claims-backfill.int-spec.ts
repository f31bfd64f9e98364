import { DataSource } from 'typeorm';
import { createDataSource } from '@bf/persistence';
import { CreateDomainClaims1795831200029 } from '../../migrations/1795831200029-CreateDomainClaims';
import { currentTestEnv } from '../support/test-env';

/**
 * The domain_claims migration on existing data: each domain a plan deploys or
 * configures DNS for goes to the tenant of its earliest such plan (names
 * normalized), and nothing else is claimed. Run inside a transaction that is
 * rolled back, so the run's database keeps its real table.
 */
describe('CreateDomainClaims backfill (real PostgreSQL)', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 1 });
    await dataSource.initialize();
  });
  afterAll(() => dataSource?.destroy());

  it('claims each planned domain for the tenant of its earliest plan', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`INSERT INTO tenants (id, name) VALUES ('tenant_bf_early', 'Early'), ('tenant_bf_late', 'Late')`);
      const plan = async (id: string, tenant: string, createdAt: string, steps: Array<[string, string]>) => {
        await runner.query(
          `INSERT INTO plans (id, tenant_id, briefing_id, source, graph_spec, business_name, business_type, status, plan_hash, dry_run, auto_rollback, risk_assessment, created_at, created_by_key_id)
           VALUES ($1, $2, NULL, 'graph', '{}', 'Backfill', NULL, 'draft', 'h', true, false, '{}', $3, $4)`,
          [id, tenant, createdAt, `key_${id}`],
        );
        for (const [index, [action, domain]] of steps.entries()) {
          await runner.query(
            `INSERT INTO plan_steps (step_id, plan_id, tenant_id, sequence, name, description, executor, action, parameters, rollback_possible, rollback_steps)
             VALUES ($1, $2, $3, $4, 'step', 'step', 'x', $5, $6, false, '[]')`,
            [`step_${id}_${index}`, id, tenant, index + 1, action, JSON.stringify({ domain })],
          );
        }
      };
      await plan('plan_bf_late', 'tenant_bf_late', '2021-01-01T00:00:00Z', [['website.deploy', 'backfill.example'], ['dns.configure', 'only-late.example']]);
      await plan('plan_bf_early', 'tenant_bf_early', '2020-01-01T00:00:00Z', [['dns.configure', 'Backfill.Example.'], ['website.generate', 'generated-only.example']]);
      await runner.query('DROP TABLE domain_claims');
      await new CreateDomainClaims1795831200029().up(runner);
      const claims = await runner.query(`SELECT domain, tenant_id, plan_id, claimed_by_key, claimed_at = '2020-01-01T00:00:00Z'::timestamptz AS at_plan FROM domain_claims WHERE domain IN ('backfill.example', 'only-late.example', 'generated-only.example') ORDER BY domain`);
      expect(claims).toEqual([
        { domain: 'backfill.example', tenant_id: 'tenant_bf_early', plan_id: 'plan_bf_early', claimed_by_key: 'key_plan_bf_early', at_plan: true },
        { domain: 'only-late.example', tenant_id: 'tenant_bf_late', plan_id: 'plan_bf_late', claimed_by_key: 'key_plan_bf_late', at_plan: false },
      ]);
      // The stored form is enforced: no upper case, no trailing dot.
      await expect(runner.query(`INSERT INTO domain_claims (domain, tenant_id) VALUES ('Upper.example', 'tenant_bf_late')`)).rejects.toThrow(/check constraint/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
