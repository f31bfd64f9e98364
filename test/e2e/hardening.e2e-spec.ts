import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { IncomingHttpHeaders, request } from 'node:http';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { ContactSubmissionSchema, parseWith } from '@bf/contracts';
import { ApiKeys } from '@bf/tenancy';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { startTestSystem } from '../support/system';

/** Limits small enough to reach in a test; the window long enough that none resets mid-test. */
const LIMITS = { RATE_LIMIT_PER_KEY: '12', RATE_LIMIT_PER_ADDRESS: '10', RATE_LIMIT_SENSITIVE: '2', RATE_LIMIT_CONTACT: '3', RATE_LIMIT_WINDOW_SECONDS: '300' };
const ALLOWED_ORIGIN = 'https://console.example';

/**
 * Seed 003 hardening at the HTTP edge: rate limits per key, per address and the
 * stricter ones (key and tenant creation, the contact form), security headers
 * on API, Bull Board and deployed-site responses, CORS closed except for the
 * allow-list, the body size limit and unknown fields refused by name.
 *
 * TRUST_PROXY=loopback: the test talks from 127.0.0.1, so X-Forwarded-For picks
 * the client address and each test gets addresses of its own.
 */
describe('hardening: rate limits, headers, CORS, body limits, strict schemas (gateway, real Redis)', () => {
  let system: RunningSystem;
  const call = async (method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; from?: string } = {}) => {
    const raw = typeof options.body === 'string' ? options.body : options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...(raw !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.from ? { 'x-forwarded-for': options.from } : {}), ...options.headers },
      body: raw,
    });
    const text = await response.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, headers: response.headers, body };
  };

  beforeAll(async () => {
    system = await startTestSystem('hardening', { ...LIMITS, TRUST_PROXY: 'loopback', CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://other-console.example` });
  });
  afterAll(() => system?.stop());

  describe('rate limits', () => {
    it('per client address: 429 with Retry-After in the API error shape past the limit; other addresses and health are unaffected', async () => {
      const from = '198.51.100.10';
      // Unauthenticated requests count too (the limit comes before the key check): a key guesser is limited by address.
      for (let i = 0; i < 10; i++) expect((await call('GET', '/api/factory/templates', { from })).status).not.toBe(429);
      const limited = await call('GET', '/api/factory/templates', { from });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(300);
      expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/too many requests from this address; retry in \d+ s/) });
      // With a key, or a made-up one, the address still counts.
      expect((await call('GET', '/api/factory/templates', { from, headers: authHeaders(system, 'viewer') })).status).toBe(429);
      expect((await call('GET', '/api/factory/templates', { from, headers: { authorization: 'Bearer made-up' } })).status).toBe(429);
      // Probes and scrapes are never limited.
      for (const path of ['/health/live', '/api/healthz', '/metrics']) expect((await call('GET', path, { from })).status).toBe(200);
      expect((await call('GET', '/api/factory/templates', { from: '198.51.100.11' })).status).not.toBe(429);
    });

    it('per API key: its requests count together from any address, by the key once it authenticated', async () => {
      const key = authHeaders(system, 'approver');
      // 12 per key, 10 per address: spread over addresses so only the key's limit can refuse.
      for (let i = 0; i < 12; i++) expect((await call('GET', '/api/factory/templates', { from: `203.0.113.${100 + i}`, headers: key })).status).not.toBe(429);
      const limited = await call('GET', '/api/factory/templates', { from: '203.0.113.200', headers: key });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.body.message).toMatch(/too many requests from this API key/);
      // Another key from the same address is fine.
      expect((await call('GET', '/api/factory/templates', { from: '203.0.113.200', headers: authHeaders(system, 'viewer') })).status).not.toBe(429);
      // A made-up token with the same public prefix is not that key: it has its own (hashed) bucket, and is refused as invalid.
      const prefix = /^Bearer (bfk_[a-z0-9]{8})_/.exec(key.authorization ?? '')?.[1];
      expect(prefix).toBeDefined();
      const forged = await call('GET', '/api/factory/templates', { from: '203.0.113.201', headers: { authorization: `Bearer ${prefix}_${'x'.repeat(43)}` } });
      expect(forged.status).toBe(401);
    });

    it("fake tokens carrying a victim key's prefix never use up that key's budget", async () => {
      // A key of its own: the suite's shared keys must keep their budgets for the tests that follow.
      const issued = await system.gateway.get(ApiKeys).issue({ tenantId: system.runtime.config.tenancy.platformTenantId, name: 'rate-limit victim', role: 'viewer' });
      const victim = { authorization: `Bearer ${issued.key}` };
      const prefix = /^Bearer (bfk_[a-z0-9]{8})_/.exec(victim.authorization ?? '')?.[1];
      expect(prefix).toBeDefined();
      // 3 × the key limit of forged tokens, from addresses of their own (so the address limit does not stop the flood first).
      for (let i = 0; i < 36; i++) {
        const secret = `${i}`.padStart(43, 'z');
        const forged = await call('GET', '/api/factory/templates', { from: `203.0.114.${i + 1}`, headers: { authorization: `Bearer ${prefix}_${secret}` } });
        expect(forged.status).toBe(401);
      }
      // The same forged token over and over is limited by its own bucket, still not the victim's.
      const repeated = { authorization: `Bearer ${prefix}_${'q'.repeat(43)}` };
      const repeatedAnswers = [];
      for (let i = 0; i < 13; i++) repeatedAnswers.push((await call('GET', '/api/factory/templates', { from: `203.0.115.${i + 1}`, headers: repeated })).status);
      expect(repeatedAnswers.slice(0, 12).every((status) => status === 401)).toBe(true);
      expect(repeatedAnswers[12]).toBe(429);
      // The real key still has its whole budget.
      for (let i = 0; i < 12; i++) expect((await call('GET', '/api/factory/templates', { from: `203.0.116.${i + 1}`, headers: victim })).status).toBe(200);
      expect((await call('GET', '/api/factory/templates', { from: '203.0.116.200', headers: victim })).status).toBe(429);
    });

    it('key and tenant creation: a much smaller budget, however the path is spelled', async () => {
      const from = '198.51.100.20';
      const admin = authHeaders(system, 'admin');
      const first = await call('POST', '/api/v1/tenants', { from, headers: admin, body: { not_a_field: true } });
      const second = await call('POST', '/API/V1/Tenants/', { from, headers: admin, body: {} });
      expect([first.status, second.status]).not.toContain(429);
      const third = await call('POST', '/api/v1/api-keys', { from, headers: admin, body: {} });
      expect(third.status).toBe(429);
      expect(third.body.message).toMatch(/key and tenant creation/);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call('POST', '/api/onboarding/setup', { from, body: {} })).status).toBe(429);
      // Reading is not creation: the general limits still allow it.
      expect((await call('GET', '/api/factory/templates', { from, headers: authHeaders(system, 'viewer') })).status).toBe(200);
    });

    it('the public contact form: its own, stricter per-address limit', async () => {
      const from = '198.51.100.30';
      const post = () => call('POST', '/api/v1/sites/not-deployed.example/contact', { from, body: { name: 'Ada', email: 'ada@example.com', message: 'hi' } });
      for (let i = 0; i < 3; i++) expect((await post()).status).toBe(404);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call('POST', '/api/v1/sites/not-deployed.example/contact', { from: '198.51.100.31', body: { name: 'Ada', email: 'ada@example.com', message: 'hi' } })).status).toBe(404);
    });
  });

  describe('security headers', () => {
    it('API answers (success and error) carry helmet headers with a CSP that allows nothing', async () => {
      for (const response of [await call('GET', '/api/factory/templates', { from: '192.0.2.1', headers: authHeaders(system, 'viewer') }), await call('GET', '/api/nope', { from: '192.0.2.1' })]) {
        expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });

    it("Bull Board gets its own CSP: its scripts, styles and font load", async () => {
      const board = await call('GET', '/admin/queues', { from: '192.0.2.2', headers: authHeaders(system, 'admin') });
      const csp = board.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline' https://fonts.googleapis.com");
      expect(csp).toContain('font-src');
      expect(csp).not.toContain("default-src 'none'");
    });

    it('deployed sites get a CSP the generated templates work under (own script and styles, remote logo images, same-origin form posts), without HSTS', async () => {
      const domain = 'headers-check.example';
      const release = join(system.runtime.config.storage.sitesDir, domain, 'releases', 'r1');
      mkdirSync(release, { recursive: true });
      writeFileSync(join(release, 'index.html'), '<!doctype html><title>x</title><script src="script.js" defer></script>');
      symlinkSync(join('releases', 'r1'), join(system.runtime.config.storage.sitesDir, domain, 'current'));
      const { status, headers } = await getWithHost(new URL(system.url).port, domain, '/');
      expect(status).toBe(200);
      const csp = String(headers['content-security-policy']);
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: https: http:", "connect-src 'self'", "form-action 'self'", "object-src 'none'"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(headers['strict-transport-security']).toBeUndefined();
      expect(headers['x-content-type-options']).toBe('nosniff');
    });

    it('the website templates need nothing that CSP blocks: no inline script, style or event handler', () => {
      const root = join(__dirname, '../../templates/websites');
      const offenders: string[] = [];
      for (const file of filesUnder(root).filter((path) => /\.(hbs|html)$/.test(path))) {
        const text = readFileSync(file, 'utf8');
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(text.replace(/<script[^>]*type="application\/(ld\+)?json"[^>]*>/gi, ''))) offenders.push(`${file}: inline <script>`);
        if (/<style\b/i.test(text)) offenders.push(`${file}: <style>`);
        if (/\sstyle=/i.test(text)) offenders.push(`${file}: style attribute`);
        if (/\son[a-z]+=/i.test(text)) offenders.push(`${file}: inline event handler`);
        if (/<(script|link)[^>]+(src|href)="(https?:)?\/\//i.test(text.replace(/<link rel="canonical"[^>]*>/g, ''))) offenders.push(`${file}: external script or stylesheet`);
      }
      expect(offenders).toEqual([]);
    });
  });

  describe('CORS', () => {
    it('is closed except for the configured origins: only they get Access-Control-Allow-Origin, preflight included', async () => {
      const preflight = (origin: string) =>
        call('OPTIONS', '/api/factory/plan', { from: '192.0.2.3', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const refused = await preflight('https://evil.example');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const simple = await call('GET', '/api/factory/templates', { from: '192.0.2.3', headers: { origin: 'https://evil.example', ...authHeaders(system, 'viewer') } });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      const listed = await call('GET', '/api/factory/templates', { from: '192.0.2.3', headers: { origin: 'https://other-console.example', ...authHeaders(system, 'viewer') } });
      expect(listed.headers.get('access-control-allow-origin')).toBe('https://other-console.example');
    });
  });

  describe('request bodies', () => {
    it('a JSON body over the limit: 413 in the API error shape', async () => {
      const huge = JSON.stringify({ business_name: 'x'.repeat(1024 * 1024 + 10), business_type: 'consulting' });
      const response = await call('POST', '/api/factory/plan', { from: '192.0.2.4', body: huge, headers: authHeaders(system, 'operator') });
      expect(response.status).toBe(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.stringMatching(/request body is larger than/) });
    });

    it('JSON nested deeper than the cap: 400 naming the cap, before anything recursive sees it (found by the fuzzer: a 500 from evidence/verify)', async () => {
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const pack = `{"pack_id":"p","generated_at":"t","business_intent_id":"i","graph_id":"g","execution_result":{"execution_order":[],"completed_nodes":[],"failed_nodes":[]},"summary":{"s":${deep}},"artifacts":[],"content_hash":"h","is_dry_run":true}`;
      const response = await call('POST', '/api/pipeline/evidence/verify', { from: '192.0.2.6', body: pack, headers: authHeaders(system, 'operator') });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'JSON body nests deeper than 64 levels', details: [{ path: '(root)', message: 'JSON body nests deeper than 64 levels' }] });
    });

    it('an uploaded evidence ZIP whose pack nests thousands deep fails its content-hash check instead of crashing the verifier', async () => {
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      const packJson = `{"pack_id":"p","generated_at":"t","business_intent_id":"i","graph_id":"g","execution_result":{"execution_order":[],"completed_nodes":[],"failed_nodes":[]},"summary":{"s":${deep}},"artifacts":[],"content_hash":"h","is_dry_run":true}`;
      const zip = new ZipFile();
      zip.addBuffer(Buffer.from(packJson), 'pipeline_evidence.json');
      zip.end();
      const bytes = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
      });
      const response = await fetch(`${system.url}/api/pipeline/evidence/verify`, { method: 'POST', headers: { 'content-type': 'application/zip', 'x-forwarded-for': '192.0.2.6', ...authHeaders(system, 'operator') }, body: bytes });
      expect(response.status).toBe(200);
      const verdict: any = await response.json();
      expect(verdict.valid).toBe(false);
      expect(JSON.stringify(verdict.checks)).toContain('JSON nested deeper than 256 levels');
    });

    it('unknown fields are refused on every route with a body, each named with its path', async () => {
      const operator = authHeaders(system, 'operator');
      const cases: Array<[string, unknown, Array<{ path: string; message: RegExp }>]> = [
        ['/api/factory/plan', { business_name: 'Acme', business_type: 'consulting', dryrun: true }, [{ path: '(root)', message: /unknown field\(s\): dryrun/ }]],
        [
          '/api/factory/plan',
          { business_name: 'Acme', business_type: 'consulting', website_config: { domain: 'acme.example', colour: 'red' } },
          [{ path: 'website_config', message: /unknown field\(s\): colour/ }],
        ],
        ['/api/pipeline/intent/resolve', { vision: 'A bakery in Berlin', budget: 100 }, [{ path: '(root)', message: /unknown field\(s\): budget/ }]],
        [
          '/api/pipeline/dry-run',
          { graph_id: 'g', business_intent_id: 'i', nodes: [{ node_id: 'a', node_type: 'website.generate', retries: 3 }] },
          [{ path: 'nodes.0', message: /unknown field\(s\): retries/ }],
        ],
      ];
      for (const [path, body, expected] of cases) {
        const response = await call('POST', path, { from: '192.0.2.5', body, headers: operator });
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(response.body.details).toEqual(expected.map((e) => ({ path: e.path, message: expect.stringMatching(e.message) })));
      }
      const audit = await call('GET', '/api/sovereign/audit/events?limit=5&colour=red', { from: '192.0.2.5', headers: authHeaders(system, 'viewer') });
      expect(audit.status).toBe(400);
      expect(audit.body.details).toEqual([{ path: '(root)', message: 'unknown field(s): colour' }]);
      // The contact form (which needs a deployed site to get as far as validation) uses the same strict schema.
      expect(parseWith(ContactSubmissionSchema, { name: 'A', email: 'a@example.com', message: 'm', website: 'http://spam.example' })).toEqual({
        ok: false,
        errors: [{ path: '(root)', message: 'unknown field(s): website' }],
      });
    });
  });
});

function getWithHost(port: string, host: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
