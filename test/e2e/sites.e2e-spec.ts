import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@bf/config';
import { createWorker, Runtime } from '@bf/runtime';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { createGateway } from '../../apps/gateway/src/gateway-bootstrap';
import { WebgenModule } from '../../apps/webgen/src/webgen.module';
import { CONTACT_RATE_LIMIT } from '../../apps/gateway/src/sites/contact-rate-limiter';
import { freePort } from '../support/net';
import { authHeaders, roleFor } from '../support/auth';
import { startTestSystem } from '../support/system';
import { currentTestEnv } from '../support/test-env';

describe('templates and site contact endpoints (gateway, real Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const json = body !== undefined && typeof body !== 'string';
    const response = await fetch(`${system.url}${path}`, {
      method,
      // The contact form is public (a visitor's browser has no key); every other route gets one.
      headers: { ...(/\/contact$/.test(path) ? {} : authHeaders(system, roleFor(path))), ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as string),
    });
    const raw = await response.text();
    return { status: response.status, headers: response.headers, body: raw ? JSON.parse(raw) : undefined };
  };

  beforeAll(async () => {
    // The contact endpoint serves deployed sites only, and a live deploy checks the site on the gateway's port.
    system = await startTestSystem('sites', { PORT: String(await freePort()), SITE_SCREENSHOT: 'off' });
    const site = 'contact-e2e.example';
    const deployed = await call('POST', '/api/pipeline/execute', {
      graph_id: 'contact-site',
      business_intent_id: 'intent_contact_site',
      nodes: [
        { node_id: 'generate', node_type: 'website.generate', executor_params: { business_name: 'Contact GmbH', domain: site, pages: ['home', 'contact'], primary_color: '#1e40af' } },
        { node_id: 'deploy', node_type: 'website.deploy', depends_on: ['generate'], executor_params: { domain: site } },
      ],
    });
    expect(deployed.body).toMatchObject({ status: 'completed' });
  });
  afterAll(() => system?.stop());

  it('lists the four website templates and shows one with its variables; 404 for an unknown id', async () => {
    const list = await call('GET', '/api/factory/templates');
    expect(list.status).toBe(200);
    expect(list.body.map((t: any) => t.template_id)).toEqual(['ecommerce_basic', 'modern_landing_v1', 'nextjs_business', 'static_landing']);
    const one = await call('GET', '/api/factory/templates/nextjs_business');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ template_id: 'nextjs_business', type: 'website', public_root: 'out' });
    expect(one.body.variables).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'business_name', type: 'string', required: true, validation: { min_length: 2, max_length: 100 } })]));
    for (const id of ['nope_v1', 'Bad-Id', '..']) expect((await call('GET', `/api/factory/templates/${encodeURIComponent(id)}`)).status).toBe(404);
  });

  it('rejects a briefing whose template variables are bad with a 400 listing each one', async () => {
    const planned = await call('POST', '/api/factory/plan', {
      business_name: 'Xy',
      business_type: 'consulting',
      website_config: { domain: 'xy.example', template: 'static_landing', tagline: 't'.repeat(200), pages: ['home'] },
    });
    expect(planned.status).toBe(201); // valid; now an unknown template
    const unknown = await call('POST', '/api/factory/plan', { business_name: 'Xy', business_type: 'consulting', website_config: { domain: 'xy.example', template: 'no_such_v1' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ path: 'website_config.template', message: expect.stringContaining('static_landing') }]);
  });

  describe('POST /api/v1/sites/{site_id}/contact', () => {
    it('validates (400 by field), stores and lists submissions, JSON and plain form posts alike, then answers 429 with Retry-After past the limit', async () => {
      const site = 'contact-e2e.example';
      const bad = await call('POST', `/api/v1/sites/${site}/contact`, { name: '', email: 'not-an-email', phone: 'call me' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: any) => d.path).sort()).toEqual(['email', 'message', 'name', 'phone']);
      const notOurs = await call('POST', '/api/v1/sites/never-deployed.example/contact', { name: 'Eve', email: 'eve@example.com', message: 'lead for a site nobody deployed' });
      expect(notOurs.status).toBe(404);
      expect(notOurs.body.message).toBe('no deployed site never-deployed.example');

      const stored = await call('POST', `/api/v1/sites/${site}/contact`, { name: 'Ada', email: 'ada@example.com', message: 'Hello <b>there</b>', phone: '', company: 'Analytical Engines' });
      expect(stored.status).toBe(201);
      expect(stored.body).toMatchObject({ submission_id: expect.stringMatching(/^msg_[0-9a-f]{12}$/), site_id: site, phone: null, company: 'Analytical Engines', message: 'Hello <b>there</b>', status: 'received' });

      const form = await call('POST', `/api/v1/sites/${site.toUpperCase()}/contact`, new URLSearchParams({ name: 'Grace', email: 'grace@example.com', message: 'Form post', phone: '+1 555 0100' }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(form.status).toBe(201);
      expect(form.body).toMatchObject({ site_id: site, name: 'Grace', phone: '+1 555 0100' });

      const page = await call('GET', `/api/v1/sites/${site}/contact-submissions?limit=1`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ site_id: site, total: 2, limit: 1, offset: 0 });
      expect(page.body.submissions.map((s: any) => s.name)).toEqual(['Grace']);
      const next = await call('GET', `/api/v1/sites/${site}/contact-submissions?limit=1&offset=1`);
      expect(next.body.submissions.map((s: any) => s.name)).toEqual(['Ada']);
      expect((await call('GET', `/api/v1/sites/other.example/contact-submissions`)).body).toMatchObject({ total: 0, submissions: [] });
      expect((await call('GET', `/api/v1/sites/${site}/contact-submissions?limit=0`)).status).toBe(400);
      expect((await call('GET', `/api/v1/sites/not_a_domain/contact-submissions`)).status).toBe(400);

      // Four posts so far from this address; the limit counts every post in the window.
      const valid = { name: 'Flood', email: 'flood@example.com', message: 'again' };
      for (let i = 4; i < CONTACT_RATE_LIMIT.max; i++) expect((await call('POST', `/api/v1/sites/${site}/contact`, valid)).status).toBe(201);
      const limited = await call('POST', `/api/v1/sites/${site}/contact`, valid);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(CONTACT_RATE_LIMIT.windowSeconds);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect((await call('GET', `/api/v1/sites/${site}/contact-submissions?limit=50`)).body.total).toBe(CONTACT_RATE_LIMIT.max - 2);
    });
  });

  it('refuses to boot the webgen worker or the gateway when a template manifest is broken, naming the file', async () => {
    const templatesDir = mkdtempSync(join(tmpdir(), 'bf-broken-templates-'));
    cpSync(join(__dirname, '../../templates'), templatesDir, { recursive: true });
    const manifest = join(templatesDir, 'websites/static_landing/manifest.json');
    writeFileSync(manifest, JSON.stringify({ template_id: 'static_landing', version: '1.0.0', type: 'website', name: 'x', description: 'x', variables: [], files: [{ path: '../../etc/passwd', output_path: 'index.html', is_template: false }] }));
    const env = currentTestEnv();
    const runtime = await Runtime.start(
      loadConfig({ ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: `${env.queuePrefix}_broken`, DATA_DIR: `${env.dataDir}/broken`, TEMPLATES_DIR: templatesDir, LOG_LEVEL: 'silent' }),
      { migrate: false, name: 'broken-templates' },
    );
    try {
      await expect(createWorker('webgen', WebgenModule, runtime)).rejects.toThrow(`invalid template ${manifest}: files.0.path must be a relative path inside the template`);
      // The gateway initialises its modules when it starts listening.
      const gateway = await createGateway(runtime);
      try {
        await expect(gateway.listen(0, '127.0.0.1')).rejects.toThrow(manifest);
      } finally {
        await gateway.close().catch(() => undefined);
      }
    } finally {
      await runtime.stop();
      rmSync(templatesDir, { recursive: true, force: true });
    }
  });
});
