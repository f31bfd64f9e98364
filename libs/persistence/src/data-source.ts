import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  url: string;
  /** Pool size per process; start:all shares one pool between all apps. */
  poolSize?: number;
  /** An idle pooled connection is closed after this (DB_POOL_IDLE_MS). */
  idleMs?: number;
  /**
   * A query waits at most this long for a connection (new or from a full pool,
   * DB_CONNECT_TIMEOUT_MS): with PostgreSQL gone it fails instead of hanging, and
   * the pool connects again by itself once PostgreSQL is back.
   */
  connectTimeoutMs?: number;
}

export function createDataSource({ url, poolSize = 10, idleMs = 30_000, connectTimeoutMs = 5000 }: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    // Schema changes only ever come from migrations/.
    synchronize: false,
    migrationsRun: false,
    // Off: TypeORM would print failed queries with their parameters, which may carry secrets. Errors still propagate.
    logging: false,
    extra: { max: poolSize, idleTimeoutMillis: idleMs, connectionTimeoutMillis: connectTimeoutMs, application_name: 'business-factory' },
  });
}

/** Creates the database named in the URL if it does not exist (connecting to the `postgres` maintenance db). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`refusing to create a database named ${JSON.stringify(name)}`);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } catch (error) {
    // Two processes racing to create it: the loser sees duplicate_database (42P04), which is fine.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

/** Creates the database if missing and applies pending migrations. Returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const dataSource = createDataSource({ url, poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
