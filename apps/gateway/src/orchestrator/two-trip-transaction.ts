import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** The node-postgres client under a TypeORM query runner: a multi-statement simple query answers with one result per statement. */
interface PgClient {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
}

/**
 * A transaction in as few round trips as its statements allow: BEGIN travels
 * with the first statement and COMMIT with the last, each pair as one simple
 * query (several statements, no bind parameters: the caller writes values in
 * as literals, see inlineParameters). The orchestrator applies every step
 * report this way, so a report costs two round trips where BEGIN, lock, write,
 * COMMIT took four.
 *
 * Semantics are those of a TypeORM transaction: in a simple query PostgreSQL
 * stops at the first failing statement, so a failed write never reaches the
 * COMMIT after it; any error rolls back, and the connection goes back to the
 * pool either way. `manager` works as usual in between (and, marked in a
 * transaction, never opens one of its own).
 */
export async function twoTripTransaction<T>(
  dataSource: DataSource,
  first: string,
  work: (manager: EntityManager, firstRows: Record<string, unknown>[]) => Promise<{ result: T; last: string | null }>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PgClient;
  try {
    const begun = await client.query(`BEGIN; ${first}`);
    setTransactionActive(runner, true);
    const { result, last } = await work(runner.manager, lastResult(begun).rows);
    await client.query(last ? `${last}; COMMIT` : 'COMMIT');
    return result;
  } catch (error) {
    // Also when the first pair failed: its BEGIN may have run before the statement after it failed.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    setTransactionActive(runner, false);
    await runner.release();
  }
}

function lastResult(answer: Awaited<ReturnType<PgClient['query']>>): { rows: Record<string, unknown>[] } {
  return Array.isArray(answer) ? answer[answer.length - 1] : answer;
}

/** TypeORM's own flag: with it set, its writes (save, cascades) use this transaction instead of starting one. */
function setTransactionActive(runner: QueryRunner, active: boolean): void {
  (runner as { isTransactionActive: boolean }).isTransactionActive = active;
}
