import { DestinationStream } from 'pino';
import { createLogger, onLogLine, rootLogger } from './logger';
import { adoptCorrelationId, currentCorrelationId, isSafeCorrelationId, runWithCorrelationId } from './request-context';

/** A logger writing into an array of parsed lines. */
function capturing(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { lines, logger: createLogger('debug', destination) };
}

describe('logger', () => {
  it('puts the correlation id of the work in progress on every line made inside it, children included', async () => {
    const { lines, logger } = capturing();
    const child = logger.child({ component: 'test' });
    logger.info('outside');
    await runWithCorrelationId('corr-1', async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 5));
      child.info('after an await, in a child');
    });
    await runWithCorrelationId('corr-2', async () => child.warn('other request'));
    expect(lines.map((line) => [line.msg, line.correlation_id])).toEqual([
      ['outside', undefined],
      ['inside', 'corr-1'],
      ['after an await, in a child', 'corr-1'],
      ['other request', 'corr-2'],
    ]);
  });

  it('keeps concurrent contexts apart', async () => {
    const { lines, logger } = capturing();
    const work = (id: string, delay: number) =>
      runWithCorrelationId(id, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        logger.info(id);
      });
    await Promise.all([work('a', 20), work('b', 1), work('c', 10)]);
    expect(lines.map((line) => [line.msg, line.correlation_id]).sort()).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'c'],
    ]);
  });

  it('redacts secrets by field name at any depth, and only the password of connection strings', () => {
    const { lines, logger } = capturing();
    logger.info(
      {
        password: 'top-secret-1',
        token: 'top-secret-2',
        apiKey: 'top-secret-3',
        headers: { authorization: 'Bearer top-secret-4', cookie: 'sid=top-secret-5', 'x-api-key': 'top-secret-6', accept: 'application/json' },
        req: { headers: { authorization: 'Bearer top-secret-7' } },
        odoo: { url: 'https://erp.example', password: 'top-secret-8', api_key: 'top-secret-9' },
        signing: { key: { privateKeyPem: '-----BEGIN PRIVATE KEY----- top-secret-10', private_key: 'top-secret-11', secret: 'top-secret-12' } },
        env: { DATABASE_URL: 'postgres://bf:top-secret-13@db:5432/bf', REDIS_URL: 'redis://:top-secret-14@cache:6379', HETZNER_DNS_TOKEN: 'top-secret-15', EVIDENCE_MASTER_KEY: 'top-secret-16' },
        databaseUrl: 'postgres://bf:top-secret-17@db:5432/bf',
        access_token: 'top-secret-18',
      },
      'with secrets',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/top-secret/);
    const line = lines[0] as Record<string, Record<string, unknown>>;
    expect(line.password).toBe('[redacted]');
    expect(line.headers.accept).toBe('application/json');
    expect(line.odoo.url).toBe('https://erp.example');
    // The rest of a connection string stays readable: which host, which database.
    expect(line.env.DATABASE_URL).toBe('postgres://bf:%5Bredacted%5D@db:5432/bf');
    expect(line.databaseUrl).toMatch(/^postgres:\/\/bf:.*@db:5432\/bf$/);
    expect(line.env.REDIS_URL).toMatch(/@cache:6379/);
  });

  it('hands every root logger line to listeners until they unsubscribe', async () => {
    const seen: string[] = [];
    const stop = onLogLine((line) => seen.push(line));
    const logger = rootLogger();
    const before = logger.level;
    logger.level = 'info';
    try {
      await runWithCorrelationId('corr-root', async () => logger.info('to stdout and listeners'));
      stop();
      logger.info('after unsubscribing');
    } finally {
      logger.level = before;
    }
    expect(seen.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ msg: 'to stdout and listeners', correlation_id: 'corr-root' })]);
  });
});

describe('request context', () => {
  it('accepts only short, plain tokens as correlation ids from outside', () => {
    for (const good of ['test-corr-123', 'a', 'A.b_c:d-1', 'x'.repeat(128), '550e8400-e29b-41d4-a716-446655440000']) expect(isSafeCorrelationId(good)).toBe(true);
    for (const bad of ['', 'x'.repeat(129), 'a b', 'a\nb', '<script>', 'id;drop', 'ü', 42, undefined, null]) expect(isSafeCorrelationId(bad)).toBe(false);
  });

  it('adopts an id only into a context that has none, and never outside one', () => {
    expect(adoptCorrelationId('ignored')).toBeUndefined();
    expect(currentCorrelationId()).toBeUndefined();
    runWithCorrelationId(undefined, () => {
      expect(adoptCorrelationId(null)).toBeUndefined();
      expect(adoptCorrelationId('run-corr')).toBe('run-corr');
      expect(adoptCorrelationId('later')).toBe('run-corr');
      expect(currentCorrelationId()).toBe('run-corr');
    });
    runWithCorrelationId('request', () => expect(adoptCorrelationId('run-corr')).toBe('request'));
  });
});
