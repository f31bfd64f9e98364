import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig, redactUrl } from '@bf/config';
import { SsrfGuard } from '@bf/runtime';
import { dnsCredentialsOf, SecretNotFoundError, TenantSecrets } from '@bf/tenancy';
import { excerpt, httpProbe, ProbeResponse } from './http-probe';
import { PreflightCheck, PreflightResult, PreflightSubject, usesAction } from './preflight-check';

/**
 * A live run with DNS steps needs its DNS provider: the embedded server is part
 * of this process and needs no probe; PowerDNS and Hetzner need their
 * credentials, and must answer an authenticated read within PREFLIGHT_TIMEOUT_MS.
 */
@Injectable()
export class DnsProviderCheck implements PreflightCheck {
  readonly name = 'dns_provider';
  /** An api_url in a tenant secret is user input: probed through the SSRF guard (PDNS_API_URL and HETZNER_API_URL, the operator's, are not). */
  private readonly ssrf: SsrfGuard;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly secrets?: TenantSecrets,
  ) {
    this.ssrf = new SsrfGuard(config.security.ssrf, { lookupTimeoutMs: config.preflight.timeoutMs });
  }

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun || !usesAction(subject, (action) => action.startsWith('dns.'))) return [];
    // Steps naming a tenant secret (secret_ref) use its credentials; the others the configured ones.
    const live = subject.steps.filter((step) => !step.dryRunReason && step.action.startsWith('dns.'));
    const refs = [...new Set(live.map((step) => step.parameters.secret_ref).filter((ref): ref is string => typeof ref === 'string'))];
    const results = live.some((step) => typeof step.parameters.secret_ref !== 'string') ? [await this.probe(this.config.dns)] : [];
    for (const ref of refs) results.push(...(await this.probeSecret(subject.tenantId, ref)));
    return results;
  }

  /**
   * `guard`: the API URL came from a tenant secret, so the probe goes through the
   * SSRF guard and no answer body is echoed back (the URL may point anywhere the
   * tenant should not be able to read).
   */
  private async probe(dns: AppConfig['dns'], guard?: SsrfGuard): Promise<PreflightResult> {
    try {
      switch (dns.provider) {
        case 'embedded':
          return this.result(true, `DNS_PROVIDER=embedded: records go to the built-in DNS server, which is in-process (127.0.0.1:${dns.serverPort}); there is no external system to probe`);
        case 'powerdns':
          return await this.probePowerDns(dns, guard);
        case 'hetzner':
          return await this.probeHetzner(dns, guard);
      }
    } catch (error) {
      return this.result(false, (error as Error).message);
    }
  }

  /** The provider probed with a tenant secret's credentials; a missing secret is the secret_ref check's to report. */
  private async probeSecret(tenantId: string | undefined, ref: string): Promise<PreflightResult[]> {
    if (!tenantId || !this.secrets) return [];
    const dns = this.config.dns;
    if (dns.provider === 'embedded') return [this.result(false, `secret '${ref}': DNS_PROVIDER=embedded takes no credentials; a DNS secret_ref needs DNS_PROVIDER=powerdns or hetzner`)];
    try {
      const credentials = dnsCredentialsOf(ref, await this.secrets.reveal(tenantId, ref));
      const withSecret: AppConfig['dns'] = {
        ...dns,
        powerDns: { apiUrl: credentials.apiUrl ?? dns.powerDns.apiUrl, apiKey: credentials.token, serverId: credentials.serverId ?? dns.powerDns.serverId },
        hetzner: { apiUrl: credentials.apiUrl ?? dns.hetzner.apiUrl, token: credentials.token },
      };
      const result = await this.probe(withSecret, credentials.apiUrl ? this.ssrf : undefined);
      // The probe's messages name the variables; here the credential came from the secret.
      return [{ ...result, detail: `secret '${ref}': ${result.detail.split(credentials.token).join('***')}` }];
    } catch (error) {
      if (error instanceof SecretNotFoundError) return [];
      return [this.result(false, (error as Error).message)];
    }
  }

  /** `GET /api/v1/servers/{id}` with X-API-Key: the server object on 200; 401 plain text for a wrong key. */
  private async probePowerDns(dns: AppConfig['dns'], guard?: SsrfGuard): Promise<PreflightResult> {
    const { apiUrl, apiKey, serverId } = dns.powerDns;
    if (!apiUrl || !apiKey) return this.missing('powerdns', { PDNS_API_URL: apiUrl, PDNS_API_KEY: apiKey });
    const where = redactUrl(apiUrl);
    const url = `${apiUrl.replace(/\/+$/, '')}/api/v1/servers/${encodeURIComponent(serverId)}`;
    const response = await httpProbe('PowerDNS', url, { headers: { 'x-api-key': apiKey, accept: 'application/json' } }, this.config.preflight.timeoutMs, guard);
    if (response.status === 200) {
      const server = parseJson(response) as { id?: string; daemon_type?: string; version?: string } | undefined;
      if (!server?.daemon_type) return this.result(false, `PDNS_API_URL ${where} answered 200 without a PowerDNS server object: is it the PowerDNS API's address?`);
      const daemon = [server.daemon_type, server.version].filter(Boolean).join(' ');
      return this.result(true, `PowerDNS (${daemon}) answers at ${where}: server ${server.id ?? serverId}, PDNS_API_KEY accepted`);
    }
    if (response.status === 401 || response.status === 403) return this.result(false, `PowerDNS at ${where} refused PDNS_API_KEY (HTTP ${response.status})`);
    if (response.status === 404) return this.result(false, `PowerDNS at ${where} has no server '${serverId}' (HTTP 404): check PDNS_SERVER_ID and PDNS_API_URL`);
    return this.result(false, `PowerDNS at ${where} answered HTTP ${response.status}${guard ? '' : `: ${excerpt(response.body)}`}`);
  }

  /** `GET /zones?per_page=1` with a Bearer token: `{zones, meta}` on 200, `{error: {code, message}}` otherwise. */
  private async probeHetzner(dns: AppConfig['dns'], guard?: SsrfGuard): Promise<PreflightResult> {
    const { apiUrl, token } = dns.hetzner;
    if (!token) return this.missing('hetzner', { HETZNER_DNS_TOKEN: token });
    const where = redactUrl(apiUrl);
    const response = await httpProbe('the Hetzner Cloud API', `${apiUrl.replace(/\/+$/, '')}/zones?per_page=1`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, this.config.preflight.timeoutMs, guard);
    const body = parseJson(response) as { zones?: unknown[]; error?: { code?: string; message?: string } } | undefined;
    if (response.status === 200) {
      if (!Array.isArray(body?.zones)) return this.result(false, `HETZNER_API_URL ${where} answered 200 without a zone list: is it the Hetzner Cloud API's address?`);
      return this.result(true, `the Hetzner Cloud API answers at ${where} and HETZNER_DNS_TOKEN can read zones`);
    }
    // Hetzner's own error object is fine to show; raw text from a secret's URL is not.
    const said = body?.error ? `${body.error.code ?? 'error'}: ${body.error.message ?? ''}` : guard ? 'no Hetzner error object' : excerpt(response.body);
    if (response.status === 401) return this.result(false, `the Hetzner Cloud API at ${where} refused HETZNER_DNS_TOKEN (HTTP 401 ${said})`);
    if (response.status === 403) return this.result(false, `HETZNER_DNS_TOKEN may not read zones at ${where} (HTTP 403 ${said})`);
    return this.result(false, `the Hetzner Cloud API at ${where} answered HTTP ${response.status} (${said})`);
  }

  private missing(provider: string, variables: Record<string, string | null>): PreflightResult {
    const names = Object.entries(variables)
      .filter(([, value]) => !value)
      .map(([name]) => name);
    return this.result(false, `DNS_PROVIDER=${provider} needs ${names.join(' and ')}, which ${names.length === 1 ? 'is' : 'are'} not set`);
  }

  private result(passed: boolean, detail: string): PreflightResult {
    return { check: this.name, passed, detail };
  }
}

function parseJson(response: ProbeResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined; // PowerDNS answers 401/404 in plain text
  }
}
