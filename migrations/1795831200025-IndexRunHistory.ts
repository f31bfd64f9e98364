import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Execution history (`GET /api/v1/runs`) lists a tenant's runs newest first and
 * pages on (started_at, id): this index serves both the order and the cursor.
 */
export class IndexRunHistory1795831200025 implements MigrationInterface {
  name = 'IndexRunHistory1795831200025';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX runs_tenant_history_idx ON runs (tenant_id, started_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX runs_tenant_history_idx');
  }
}
