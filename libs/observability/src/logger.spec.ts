import { DestinationStream } from 'pino';
import { censorSecrets, createLogger, isSecretKey, onLogLine, rootLogger } from './logger';
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

  it('redacts secrets by field name (top level and nested), and only the password of connection strings', () => {
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

  it('redacts by field name whatever its case or separators, three and four levels deep, header maps and child bindings included, without touching the logged object', () => {
    const { lines, logger } = capturing();
    const logged = {
      req: { headers: { Authorization: 'Bearer top-secret-a1', 'X-API-Key': 'top-secret-a2', 'Auth-API-Token': 'top-secret-a3', Cookie: 'sid=top-secret-a4', 'Set-Cookie': ['sid=top-secret-a5'], Accept: 'text/html' } },
      provider: { hetzner: { request: { headers: { 'auth-api-token': 'top-secret-b1', 'content-type': 'application/json' } } } },
      odoo: { connection: { credentials: { login: 'admin', password: 'top-secret-c1' } } },
      a: { b: { c: { Password: 'top-secret-d1', API_TOKEN: 'top-secret-d2', clientSecret: 'top-secret-d3', keep: 'visible-3' } } },
      w: { x: { y: { z: { PRIVATE_KEY: 'top-secret-e1', key: 'top-secret-e2', pepper: 'top-secret-e3', ApiKeyPepper: 'top-secret-e4', keep: 'visible-4' } } } },
      config: { nested: { deeper: { ODOO_URL: 'https://admin:top-secret-f1@erp.example/odoo', HETZNER_DNS_TOKEN: 'top-secret-f2' } } },
      list: [{ items: [{ auth: { token: 'top-secret-g1' } }] }],
      keyId: 'ed25519-2026', key_prefix: 'bfk_abc', hasSecret: true, idempotencyKey: 'run-1.step-2',
    };
    const before = JSON.stringify(logged);
    logger.child({ component: 'test', upstream: { headers: { 'X-Auth-Token': 'top-secret-h1' } } }).info(logged, 'mixed case and deep');
    expect(JSON.stringify(logged)).toBe(before);
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/top-secret/);
    const line = lines[0] as any;
    expect(line.req.headers).toMatchObject({ Authorization: '[redacted]', 'X-API-Key': '[redacted]', 'Auth-API-Token': '[redacted]', Cookie: '[redacted]', Accept: 'text/html' });
    expect(line.provider.hetzner.request.headers).toEqual({ 'auth-api-token': '[redacted]', 'content-type': 'application/json' });
    expect(line.odoo.connection.credentials).toBe('[redacted]');
    expect(line.a.b.c.keep).toBe('visible-3');
    expect(line.w.x.y.z).toEqual({ PRIVATE_KEY: '[redacted]', key: '[redacted]', pepper: '[redacted]', ApiKeyPepper: '[redacted]', keep: 'visible-4' });
    // A URL keeps its host and path; only the password goes.
    expect(line.config.nested.deeper.ODOO_URL).toBe('https://admin:%5Bredacted%5D@erp.example/odoo');
    expect(line).toMatchObject({ keyId: 'ed25519-2026', key_prefix: 'bfk_abc', hasSecret: true, idempotencyKey: 'run-1.step-2', component: 'test' });
  });

  it('walks a bounded depth, survives cycles and leaves errors to the error serializer', () => {
    let deep: Record<string, unknown> = { password: 'top-secret-deep' };
    for (let level = 0; level < 40; level++) deep = { next: deep };
    const cyclic: Record<string, unknown> = { token: 'top-secret-cycle' };
    cyclic.self = cyclic;
    const censored = JSON.stringify(censorSecrets({ deep, cyclic }));
    expect(censored).not.toMatch(/top-secret/);
    expect(censored).toMatch(/\[too deep\]/);
    expect(censored).toMatch(/\[circular\]/);
    const { lines, logger } = capturing();
    logger.error({ err: new Error('boom') }, 'failed');
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'boom', stack: expect.stringContaining('Error: boom') } });
    for (const name of ['Authorization', 'X-API-Key', 'Auth-API-Token', 'x-auth-token', 'ODOO_PASSWORD', 'apiKey', 'key', 'pepper', 'API_KEY_PEPPER', 'SECRETS_MASTER_KEYS', 'privateKeyPem']) expect({ name, secret: isSecretKey(name) }).toEqual({ name, secret: true });
    for (const name of ['keyId', 'key_prefix', 'idempotency_key', 'monkey', 'tokens_used', 'url', 'secret_ref', 'correlation_id']) expect({ name, secret: isSecretKey(name) }).toEqual({ name, secret: false });
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
