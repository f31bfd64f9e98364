import { DataSource } from 'typeorm';
import { createDataSource } from '@bf/persistence';
import { inlineParameters } from '../../apps/gateway/src/orchestrator/sql-batch';
import { twoTripTransaction } from '../../apps/gateway/src/orchestrator/two-trip-transaction';
import { currentTestEnv } from '../support/test-env';

/**
 * The orchestrator applies each step report in two round trips: BEGIN with the
 * run's lock, the last writes with COMMIT, values written in as literals. Here:
 * literals mean what the same bind parameters mean, the writes commit together
 * or not at all, and a connection never goes back to the pool mid-transaction.
 */
describe('twoTripTransaction and inlineParameters against PostgreSQL', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    // One connection: whatever a transaction leaves open on it, the next test would see.
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 1 });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE IF NOT EXISTS two_trip_probe (id text PRIMARY KEY, body jsonb, at timestamptz, tags text[], flag boolean, n int)');
  });
  afterAll(async () => {
    await dataSource.query('DROP TABLE IF EXISTS two_trip_probe');
    await dataSource.destroy();
  });

  it('writes values as literals that PostgreSQL reads exactly as the bind parameters', async () => {
    const values = [`it's "quoted" \\ and $1 and ${'\u00e9'}`, JSON.stringify({ a: "O'Brien", b: [1, 2], c: '\\n' }), new Date('2026-01-02T03:04:05.678Z'), ['x', "y'z", 'a,b', '{c}'], true, 42, null];
    const sql = 'SELECT $1::text AS s, $2::jsonb AS j, $3::timestamptz AS t, $4::text[] AS a, $5::boolean AS b, $6::int AS n, $7::text AS z';
    const [bound] = await dataSource.query(sql, values);
    const [inlined] = await dataSource.query(inlineParameters(sql, values));
    expect(inlined).toEqual(bound);
    expect(inlined.s).toBe(values[0]);
    expect(inlined.a).toEqual(values[3]);
    expect(() => inlineParameters('SELECT $2', ['one'])).toThrow(/no value for parameter \$2/);
  });

  it('commits the first statement and the last together, and hands the first one rows to the work', async () => {
    const result = await twoTripTransaction(dataSource, `INSERT INTO two_trip_probe (id, n) VALUES ('first', 1) RETURNING n`, async (manager, rows) => {
      expect(rows).toEqual([{ n: 1 }]);
      await manager.query(`INSERT INTO two_trip_probe (id, n) VALUES ('middle', 2)`);
      return { result: 'done', last: inlineParameters('INSERT INTO two_trip_probe (id, body, tags) VALUES ($1, $2::jsonb, $3)', ['last', '{"k":"v"}', ['t']]) };
    });
    expect(result).toBe('done');
    const rows = await dataSource.query(`SELECT id, body, tags FROM two_trip_probe WHERE id IN ('first', 'middle', 'last') ORDER BY n NULLS LAST`);
    expect(rows).toEqual([
      { id: 'first', body: null, tags: null },
      { id: 'middle', body: null, tags: null },
      { id: 'last', body: { k: 'v' }, tags: ['t'] },
    ]);
  });

  it('rolls everything back when the last statement fails, and leaves the connection outside any transaction', async () => {
    await expect(
      twoTripTransaction(dataSource, `INSERT INTO two_trip_probe (id) VALUES ('doomed-first')`, async (manager) => {
        await manager.query(`INSERT INTO two_trip_probe (id) VALUES ('doomed-middle')`);
        // A duplicate key: the statement fails, so the COMMIT after it never runs.
        return { result: undefined, last: `INSERT INTO two_trip_probe (id) VALUES ('doomed-last'), ('doomed-last')` };
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await dataSource.query(`SELECT id FROM two_trip_probe WHERE id LIKE 'doomed-%'`)).toEqual([]);
    // The pool's only connection is back and outside any transaction (an aborted one would refuse this query).
    const [{ in_transaction }] = await dataSource.query(`SELECT now() <> statement_timestamp() AS in_transaction`);
    expect(in_transaction).toBe(false);
  });

  it('rolls back when the work throws, and when the first statement fails after BEGIN ran', async () => {
    await expect(
      twoTripTransaction(dataSource, `INSERT INTO two_trip_probe (id) VALUES ('thrown')`, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    await expect(twoTripTransaction(dataSource, 'SELECT 1/0', async () => ({ result: 1, last: null }))).rejects.toThrow(/division by zero/);
    expect(await dataSource.query(`SELECT id FROM two_trip_probe WHERE id = 'thrown'`)).toEqual([]);
    const [{ in_transaction }] = await dataSource.query(`SELECT now() <> statement_timestamp() AS in_transaction`);
    expect(in_transaction).toBe(false);
  });
});
