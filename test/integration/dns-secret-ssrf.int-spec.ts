import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '@bf/config';
import { createDataSource } from '@bf/persistence';
import { TenantSecrets } from '@bf/tenancy';
import { createDnsProviderWith, DNS_PROVIDER_FACTORY, DnsProviderError } from '@bf/dns';
import { SsrfGuard } from '@bf/runtime';
import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { ConfigureDnsStep } from '../../apps/dns/src/configure-dns.step';
import { DnsProviderCheck } from '../../apps/gateway/src/factory/preflight/dns-provider.check';
import { hetznerDnsDouble } from '../doubles/hetzner-dns.double';
import { powerDnsDouble } from '../doubles/powerdns.double';
import { HttpDouble, sendText, startHttpDouble } from '../doubles/http-double';
import { currentTestEnv } from '../support/test-env';

/**
 * A DNS secret's api_url is tenant input: the preflight probe and every request
 * of the provider built from the secret go through the SSRF guard (resolved,
 * judged and pinned address; no redirect followed), and the preflight never
 * echoes what such a URL answered. The operator's HETZNER_API_URL / PDNS_API_URL
 * stay unguarded (the doubles listen on loopback, like a local provider would).
 */
describe('DNS provider URLs from tenant secrets pass the SSRF guard (real PostgreSQL)', () => {
  const TENANT = `tenant_dnsssrf${randomBytes(3).toString('hex')}`;
  const TOKEN = `hcloud-token-${randomBytes(8).toString('hex')}`;
  const KEYS = `k1:${randomBytes(32).toString('base64')}`;
  let dataSource: DataSource;
  let work: string;
  let hetzner: HttpDouble;
  /** Answers every request with a 302 to the Hetzner double: the first hop is allowed (SSRF_ALLOW_CIDRS), the second must not happen. */
  let redirector: HttpDouble;
  /** Answers 500 with a body that must never reach a preflight report. */
  let chatty: HttpDouble;

  const configWith = (extra: NodeJS.ProcessEnv = {}) => loadConfig({ DATA_DIR: work, SECRETS_MASTER_KEYS: KEYS, DNS_PROVIDER: 'hetzner', HETZNER_API_URL: `${hetzner.url}/v1/`, PREFLIGHT_TIMEOUT_MS: '2000', ...extra });
  const context = (secretRef: string): StepContext => ({
    tenantId: TENANT,
    planId: 'plan_dns_ssrf',
    runId: 'run_dns_ssrf',
    stepId: 'dns',
    attempt: 1,
    isLastAttempt: true,
    dryRun: true,
    idempotencyKey: `run_dns_ssrf:${secretRef}`,
    parameters: { domain: 'acme.example', records: ['A'], secret_ref: secretRef },
    templateId: null,
    runState: {},
  });
  const subject = (ref: string) => ({ planId: 'p', tenantId: TENANT, dryRun: false, steps: [{ stepId: 's', name: 'Configure DNS', action: 'dns.configure' as const, templateId: null, parameters: { domain: 'acme.example', secret_ref: ref } }] });

  beforeAll(async () => {
    dataSource = createDataSource({ url: currentTestEnv().databaseUrl, poolSize: 2 });
    await dataSource.initialize();
    await dataSource.query(`INSERT INTO tenants (id, name) VALUES ($1, 'DNS SSRF tenant') ON CONFLICT DO NOTHING`, [TENANT]);
    work = mkdtempSync(join(tmpdir(), 'bf-dns-ssrf-'));
    hetzner = await startHttpDouble(hetznerDnsDouble({ token: TOKEN, zones: [{ name: 'acme.example', id: 100 }] }));
    redirector = await startHttpDouble((_request, response) => response.writeHead(302, { location: `${hetzner.url}/v1/zones?per_page=1` }).end());
    chatty = await startHttpDouble((_request, response) => sendText(response, 500, 'internal-body-7f3a: admin panel of an internal service'));
    const store = new TenantSecrets(dataSource, configWith());
    const put = (name: string, value: unknown) => store.put(TENANT, name, { value: value as never }, 'test');
    const port = new URL(hetzner.url).port;
    await put('dns-loopback', { token: TOKEN, api_url: `http://127.0.0.1:${port}/v1/` });
    await put('dns-localhost', { token: TOKEN, api_url: `http://localhost:${port}/v1/` });
    await put('dns-redirect', { token: TOKEN, api_url: `${redirector.url}/v1/` });
    await put('dns-chatty', { token: TOKEN, api_url: `${chatty.url}/v1/` });
    await put('dns-plain', { token: TOKEN });
  });

  afterAll(async () => {
    await Promise.all([hetzner, redirector, chatty].map((double) => double?.close()));
    await dataSource?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a loopback api_url, as an IP literal or a name resolving to loopback, in the preflight and in the step, before any request', async () => {
    const config = configWith();
    const check = new DnsProviderCheck(config, new TenantSecrets(dataSource, config));
    const step = new ConfigureDnsStep(DNS_PROVIDER_FACTORY.useFactory(config, dataSource), config, dataSource);
    for (const [ref, host] of [['dns-loopback', '127.0.0.1'], ['dns-localhost', 'localhost']]) {
      const before = hetzner.requests.length;
      const [result] = await check.run(subject(ref));
      expect(result).toMatchObject({ check: 'dns_provider', passed: false, detail: expect.stringMatching(new RegExp(`^secret '${ref}': .*not contacted: ${host} resolves to 127\\.0\\.0\\.1, which is loopback`)) });
      await expect(step.dryRun(context(ref))).rejects.toThrow(PermanentStepError);
      await expect(step.dryRun(context(ref))).rejects.toThrow(new RegExp(`secret_ref '${ref}': ${host} resolves to 127\\.0\\.0\\.1, which is loopback`));
      expect(hetzner.requests.length).toBe(before);
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    }
    // The operator's own (loopback) HETZNER_API_URL with a secret's token is not tenant input: unguarded, it answers.
    const [plain] = await check.run(subject('dns-plain'));
    expect(plain).toMatchObject({ passed: true, detail: expect.stringMatching(/^secret 'dns-plain': the Hetzner Cloud API answers/) });
  });

  it('follows no redirect from an allowed api_url: the probe reports the 302, the step and both providers refuse it', async () => {
    const config = configWith({ SSRF_ALLOW_CIDRS: '127.0.0.0/8' });
    const check = new DnsProviderCheck(config, new TenantSecrets(dataSource, config));
    const before = hetzner.requests.length;
    const [result] = await check.run(subject('dns-redirect'));
    expect(result).toMatchObject({ passed: false, detail: expect.stringMatching(/^secret 'dns-redirect': the Hetzner Cloud API at .* answered HTTP 302/) });

    const step = new ConfigureDnsStep(DNS_PROVIDER_FACTORY.useFactory(config, dataSource), config, dataSource);
    const failed = await step.dryRun(context('dns-redirect')).then(() => null, (error: Error) => error);
    expect(failed?.message).toMatch(/HTTP 302 \(a redirect to http:\/\/127\.0\.0\.1:\d+\/v1\/zones\), which is not followed/);
    expect(failed?.message).not.toContain(TOKEN);

    // The providers themselves, built from a secret with the guard: Hetzner and PowerDNS alike, not retried.
    const guard = new SsrfGuard(config.security.ssrf);
    const hetznerProvider = createDnsProviderWith(config, dataSource, { token: TOKEN, apiUrl: `${redirector.url}/v1/`, serverId: null }, guard);
    const hetznerError = await hetznerProvider.findZone('acme.example').then(() => null, (error: unknown) => error);
    expect(hetznerError).toBeInstanceOf(DnsProviderError);
    expect((hetznerError as DnsProviderError).options).toMatchObject({ code: 'refused', retryable: false });
    const pdnsConfig = configWith({ SSRF_ALLOW_CIDRS: '127.0.0.0/8', DNS_PROVIDER: 'powerdns', PDNS_API_URL: 'http://pdns.invalid:8081', PDNS_API_KEY: 'configured-key' });
    const pdnsProvider = createDnsProviderWith(pdnsConfig, dataSource, { token: 'pdns-secret-key', apiUrl: redirector.url, serverId: null }, guard);
    const pdnsError = await pdnsProvider.findZone('acme.example').then(() => null, (error: unknown) => error);
    expect((pdnsError as DnsProviderError).options).toMatchObject({ code: 'refused', retryable: false });
    expect((pdnsError as Error).message).toMatch(/HTTP 302 \(a redirect to .*\), which is not followed/);
    expect(hetzner.requests.length).toBe(before); // the redirect target never saw a request
    const redirects = redirector.requests.length;
    expect(redirects).toBeGreaterThanOrEqual(4); // probe, step, two providers: each asked once, none retried
    expect(redirects).toBeLessThanOrEqual(6);
  });

  it('a PowerDNS api_url from a secret is probed through the guard too', async () => {
    const pdns = await startHttpDouble(powerDnsDouble({ apiKey: 'pdns-secret-key' }));
    try {
      const store = new TenantSecrets(dataSource, configWith());
      await store.put(TENANT, 'pdns-loopback', { value: { api_key: 'pdns-secret-key', api_url: pdns.url } as never }, 'test');
      const refusing = configWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: pdns.url, PDNS_API_KEY: 'configured-key' });
      const [refused] = await new DnsProviderCheck(refusing, store).run(subject('pdns-loopback'));
      expect(refused).toMatchObject({ passed: false, detail: expect.stringMatching(/^secret 'pdns-loopback': PowerDNS at .* is not contacted: 127\.0\.0\.1 resolves to 127\.0\.0\.1, which is loopback/) });
      expect(pdns.requests).toEqual([]);
      // Allowed by SSRF_ALLOW_CIDRS, the same secret passes: the guard, not the URL, decided.
      const allowing = configWith({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: pdns.url, PDNS_API_KEY: 'configured-key', SSRF_ALLOW_CIDRS: '127.0.0.0/8' });
      const [passed] = await new DnsProviderCheck(allowing, store).run(subject('pdns-loopback'));
      expect(passed).toMatchObject({ passed: true });
    } finally {
      await pdns.close();
    }
  });

  it('never echoes the body a secret`s api_url answered with (an operator`s URL still shows it)', async () => {
    const allowed = configWith({ SSRF_ALLOW_CIDRS: '127.0.0.0/8' });
    const [fromSecret] = await new DnsProviderCheck(allowed, new TenantSecrets(dataSource, allowed)).run(subject('dns-chatty'));
    expect(fromSecret).toMatchObject({ passed: false, detail: expect.stringMatching(/answered HTTP 500 \(no Hetzner error object\)/) });
    expect(fromSecret.detail).not.toContain('internal-body-7f3a');
    const operator = configWith({ HETZNER_API_URL: `${chatty.url}/v1/`, HETZNER_DNS_TOKEN: TOKEN });
    const [fromConfig] = await new DnsProviderCheck(operator).run({ ...subject('unused'), steps: [{ ...subject('unused').steps[0], parameters: { domain: 'acme.example' } }] });
    expect(fromConfig.detail).toContain('internal-body-7f3a');
  });
});
