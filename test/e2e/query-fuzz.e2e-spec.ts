import fc from 'fast-check';
import type { ArgumentsHost } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { ApiErrorFilter } from '../../apps/gateway/src/http/api-error.filter';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { startTestSystem } from '../support/system';

/**
 * Query strings of the listing routes: values the schema used to let through
 * reached PostgreSQL and came back as 500s (a cursor past bigint, a date before
 * the year 4713 BC). Named cases first, then fast-check-generated query strings:
 * never a 5xx, never SQL, a stack frame or a file path, always the error shape.
 * And the safety net: a data exception from the database is a 400 that does not
 * echo the database's message. FUZZ_SEED=<n> replays a failure.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const RUNS_PER_ROUTE = 150;
const STACK_FRAME = /\n\s+at |^\s{4}at /m;
const FILE_PATH = /\/(work|home|usr|app|opt|tmp)\/[\w.-]+\/|node_modules|\.(ts|js):\d+/;
const SQL = /\bSELECT\b|\bWHERE\b|bigint|timestamp|::/i;

const ROUTES: Array<{ path: string; keys: string[] }> = [
  { path: '/api/v1/credits/transactions', keys: ['cursor', 'limit'] },
  { path: '/api/v1/runs', keys: ['plan_id', 'status', 'since', 'until', 'cursor', 'limit'] },
  { path: '/api/sovereign/audit/events', keys: ['event_type', 'plan_id', 'run_id', 'severity', 'since', 'until', 'cursor', 'limit'] },
  { path: '/api/v1/forge/jobs', keys: ['status', 'template', 'requested_by', 'limit', 'offset'] },
];

const EDGE_VALUES = [
  '9223372036854775807', '9223372036854775808', '9999999999999999999', '18446744073709551616', '-1', '0', '00000000000000000001', '1e400', '1.5', 'NaN', 'Infinity', '-Infinity',
  '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '2026-02-30', '2026-13-01', '8640000000000001', '-8640000000000001', '1970-01-01T00:00:00Z',
  '\u0000', 'a\u0000b', '\ud800', "'; DROP TABLE runs; --", '%', '', ' ', 'null', 'true', '[]', '{}', 'x'.repeat(5000), 'run_000000000000', 'plan_000000000000',
];
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  { weight: 2, arbitrary: fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

function queryStrings(keys: string[]): fc.Arbitrary<string> {
  const anyKey = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'cursor[]', 'since[a]') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
  return fc.oneof(
    { weight: 9, arbitrary: fc.array(fc.tuple(anyKey, value), { minLength: 1, maxLength: 4 }).map((pairs) => `?${new URLSearchParams(pairs).toString()}`) },
    { weight: 1, arbitrary: fc.constantFrom('?cursor=%', '?%=%', '?since=%00', '?cursor[]=1&cursor[]=2', '?limit=1&limit=2', `?${'limit=1&'.repeat(500)}`) },
  );
}

describe('fuzzed query strings on the listing routes never yield a 5xx', () => {
  let system: RunningSystem;
  let headers: Record<string, string>;
  const get = async (path: string) => {
    const response = await fetch(`${system.url}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const expectRefusedCleanly = async (path: string) => {
    const answer = await get(path);
    const where = `GET ${path.slice(0, 200)} → ${answer.status}: ${answer.text.slice(0, 300)}`;
    if (answer.status >= 500) throw new Error(where);
    // A listing may legitimately carry paths in its data (an audit event naming a deployed release); an error never may.
    if (STACK_FRAME.test(answer.text) || (answer.status >= 400 && FILE_PATH.test(answer.text))) throw new Error(`${where}: a stack frame or file path`);
    if (answer.status >= 400 && (answer.body.statusCode !== answer.status || typeof answer.body.message !== 'string' || SQL.test(answer.body.message))) throw new Error(`${where}: not the error shape, or SQL in it`);
    return answer;
  };

  beforeAll(async () => {
    system = await startTestSystem('queryfuzz', { RATE_LIMIT_PER_KEY: '100000000', RATE_LIMIT_PER_ADDRESS: '100000000' });
    headers = authHeaders(system, 'viewer');
  });
  afterAll(() => system?.stop());

  it('refuses cursors past bigint and dates PostgreSQL cannot hold with a 400 naming the field', async () => {
    for (const [path, field] of [
      ['/api/v1/credits/transactions?cursor=9999999999999999999', 'cursor'],
      ['/api/v1/credits/transactions?cursor=9223372036854775808', 'cursor'],
      ['/api/sovereign/audit/events?cursor=9999999999999999999', 'cursor'],
      ['/api/sovereign/audit/events?since=-271821-04-20T00:00:00Z', 'since'],
      ['/api/v1/runs?since=-271821-04-20T00:00:00Z', 'since'],
      ['/api/v1/runs?until=%2B275760-09-13T00:00:00Z', 'until'],
      ['/api/v1/runs?since=%2B010000-01-01T00:00:00Z', 'since'],
    ] as const) {
      const answer = await expectRefusedCleanly(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body.details.map((detail: { path: string }) => detail.path)).toContain(field);
    }
    // The largest bigint and an ordinary date are still fine.
    expect((await get('/api/v1/credits/transactions?cursor=9223372036854775807')).status).toBe(200);
    expect((await get('/api/sovereign/audit/events?cursor=9223372036854775807&since=0001-01-01T00:00:00Z')).status).toBe(200);
    expect((await get('/api/v1/runs?since=2020-01-01T00:00:00Z&until=9999-12-31T23:59:59Z')).status).toBe(200);
  });

  for (const route of ROUTES) {
    it(`GET ${route.path}: ${RUNS_PER_ROUTE} fuzzed query strings`, async () => {
      await fc.assert(
        fc.asyncProperty(queryStrings(route.keys), async (query) => {
          await expectRefusedCleanly(`${route.path}${query}`);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
      );
    });
  }

  it('answers a data exception from PostgreSQL with a 400 that does not echo the database message', async () => {
    const dataSource = system.gateway.get(DataSource);
    const refusals: unknown[] = [];
    for (const [sql, parameter] of [['SELECT $1::bigint AS n', '99999999999999999999'], ['SELECT $1::timestamptz AS t', '271822-04-20 BC'], ['SELECT $1::int AS n', 'not a number'], ['SELECT $1::date AS d', '2026-02-30']]) {
      refusals.push(await dataSource.query(sql, [parameter]).then(() => undefined, (error: unknown) => error));
    }
    const filter = new ApiErrorFilter();
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(QueryFailedError);
      const sent: { status?: number; body?: any } = {};
      const response = { headersSent: false, status: (status: number) => ((sent.status = status), response), json: (body: unknown) => ((sent.body = body), response) };
      const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
      filter.catch(refusal, host);
      expect(sent.status).toBe(400);
      expect(sent.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      expect(sent.body.message).not.toMatch(SQL);
      expect(sent.body.message).not.toContain((refusal as QueryFailedError).message);
    }
  });
});
