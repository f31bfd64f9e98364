import { Client } from 'pg';

/**
 * The URL of a database of a suite's own beside the run's (`<run database>_<suffix>`),
 * for suites whose state is platform-wide (an active key, a rotation). The run's
 * teardown drops only the run's database: the suite drops its own with dropDatabase.
 */
export function suiteDatabaseUrl(runDatabaseUrl: string, suffix: string): string {
  const url = new URL(runDatabaseUrl);
  url.pathname = `${url.pathname}_${suffix}`;
  return url.toString();
}

/** Drops the database `databaseUrl` names, from the server's `postgres` database, even with connections still open. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
