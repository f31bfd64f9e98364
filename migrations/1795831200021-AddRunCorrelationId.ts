import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run keeps the correlation id of the request that started it, so every
 * event of the run carries it, including those caused by jobs that were
 * enqueued without one (before correlation ids existed). Null for older runs.
 */
export class AddRunCorrelationId1795831200021 implements MigrationInterface {
  name = 'AddRunCorrelationId1795831200021';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE runs ADD COLUMN correlation_id text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE runs DROP COLUMN correlation_id');
  }
}
