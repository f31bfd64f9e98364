import { APP_CONFIG, AppConfig } from '@bf/config';
import { DataSource } from 'typeorm';
import { DnsProvider, DnsProviderError, DnsProviderName, DnsZone, RecordSet } from './dns-provider';
import { GuardedHttp, guardedFetch, ProviderFetch } from './guarded-fetch';
import { EmbeddedDnsProvider } from './embedded/embedded-dns.provider';
import { HetznerCloudDnsProvider } from './hetzner/hetzner-cloud.provider';
import { MeasuredDnsProvider } from './measured-dns.provider';
import { PowerDnsProvider } from './powerdns/powerdns.provider';

/** Nest injection token of the configured DNS provider. */
export const DNS_PROVIDER = Symbol('DNS_PROVIDER');

export class DnsProviderConfigError extends Error {}

/** The Nest provider of the configured DNS provider (the dns worker writes through it, the gateway reads). */
export const DNS_PROVIDER_FACTORY = { provide: DNS_PROVIDER, useFactory: (config: AppConfig, dataSource: DataSource) => configuredOrRefusing(config, dataSource), inject: [APP_CONFIG, DataSource] };

/**
 * Missing credentials must not stop a process from booting (the gateway serves
 * much more than DNS, and the preflight names what is missing before a run).
 * The provider then refuses every call with the reason.
 */
function configuredOrRefusing(config: AppConfig, dataSource: DataSource): DnsProvider {
  try {
    return createDnsProvider(config, dataSource);
  } catch (error) {
    if (!(error instanceof DnsProviderConfigError)) throw error;
    return new MeasuredDnsProvider(new UnconfiguredDnsProvider(config.dns.provider, error.message));
  }
}

class UnconfiguredDnsProvider implements DnsProvider {
  constructor(
    readonly name: DnsProviderName,
    private readonly reason: string,
  ) {}

  findZone(): Promise<DnsZone | null> {
    return this.refuse();
  }
  createZone(): Promise<DnsZone> {
    return this.refuse();
  }
  listRecordSets(): Promise<RecordSet[]> {
    return this.refuse();
  }
  getRecordSet(): Promise<RecordSet | null> {
    return this.refuse();
  }
  upsertRecordSet(): Promise<void> {
    return this.refuse();
  }
  deleteRecordSet(): Promise<void> {
    return this.refuse();
  }
  async authoritativeServer(): Promise<null> {
    return null;
  }

  private async refuse(): Promise<never> {
    throw new DnsProviderError(this.name, `the DNS provider is not configured: ${this.reason}`, { retryable: false, code: 'not_configured' });
  }
}

/**
 * The provider DNS_PROVIDER names, built from configuration and measured (its
 * calls in bf_integration_call_*). Missing credentials are named here (never
 * their values), so a worker refuses to do DNS work with a clear reason instead
 * of failing on the first call.
 */
export function createDnsProvider(config: AppConfig, dataSource: DataSource, fetch?: ProviderFetch): DnsProvider {
  return new MeasuredDnsProvider(buildDnsProvider(config, dataSource, fetch));
}

function buildDnsProvider(config: AppConfig, dataSource: DataSource, fetch?: ProviderFetch): DnsProvider {
  const dns = config.dns;
  const timeoutMs = Math.max(config.preflight.timeoutMs, 5000);
  switch (dns.provider) {
    case 'embedded':
      // A server bound to every address is asked on loopback; the dns worker runs it on this host.
      return new EmbeddedDnsProvider(dataSource, { serverHost: ['0.0.0.0', '::'].includes(dns.serverHost) ? '127.0.0.1' : dns.serverHost, serverPort: dns.serverPort });
    case 'powerdns': {
      const { apiUrl, apiKey, serverId } = dns.powerDns;
      if (!apiUrl || !apiKey) throw new DnsProviderConfigError(`DNS_PROVIDER=powerdns needs ${[!apiUrl && 'PDNS_API_URL', !apiKey && 'PDNS_API_KEY'].filter(Boolean).join(' and ')}`);
      // Verification asks the API host's port 53 unless configured; not a host from a tenant's secret (the guard covers HTTP only).
      const address = dns.powerDnsAddress ?? (fetch ? null : { host: new URL(apiUrl).hostname, port: 53 });
      return new PowerDnsProvider({ apiUrl, apiKey, serverId, dnsHost: address?.host, dnsPort: address?.port, timeoutMs, fetch });
    }
    case 'hetzner': {
      const { apiUrl, token } = dns.hetzner;
      if (!token) throw new DnsProviderConfigError('DNS_PROVIDER=hetzner needs HETZNER_DNS_TOKEN');
      return new HetznerCloudDnsProvider({ apiUrl, token, timeoutMs, verifyServer: dns.verify.server, fetch });
    }
  }
}

/** A provider's credentials from a tenant secret (`dns.configure`'s secret_ref) instead of configuration. */
export interface DnsProviderCredentials {
  /** HETZNER_DNS_TOKEN or PDNS_API_KEY's counterpart. */
  token: string;
  /** Overrides HETZNER_API_URL / PDNS_API_URL when set. */
  apiUrl: string | null;
  /** Overrides PDNS_SERVER_ID when set (PowerDNS only). */
  serverId: string | null;
}

/**
 * The configured kind of provider (DNS_PROVIDER) with a tenant's own credentials.
 * The embedded server takes none, so a secret_ref there is a configuration mistake, said as such.
 * An api_url from the secret is tenant input: with `guard` given, every request
 * to it goes through the SSRF guard (judged and pinned address, no redirects).
 * Without an api_url the configured (operator's) URL is used, unguarded.
 */
export function createDnsProviderWith(config: AppConfig, dataSource: DataSource, credentials: DnsProviderCredentials, guard?: GuardedHttp): DnsProvider {
  const dns = config.dns;
  const fetch = credentials.apiUrl && guard ? guardedFetch(guard, Math.max(config.preflight.timeoutMs, 5000)) : undefined;
  switch (dns.provider) {
    case 'embedded':
      throw new DnsProviderConfigError('DNS_PROVIDER=embedded takes no credentials: a DNS secret_ref needs DNS_PROVIDER=powerdns or hetzner');
    case 'powerdns':
      return createDnsProvider({ ...config, dns: { ...dns, powerDns: { apiUrl: credentials.apiUrl ?? dns.powerDns.apiUrl, apiKey: credentials.token, serverId: credentials.serverId ?? dns.powerDns.serverId } } }, dataSource, fetch);
    case 'hetzner':
      return createDnsProvider({ ...config, dns: { ...dns, hetzner: { apiUrl: credentials.apiUrl ?? dns.hetzner.apiUrl, token: credentials.token } } }, dataSource, fetch);
  }
}

/** Credentials a message must never carry, for scrubbing provider errors before they are logged or stored. */
export function dnsSecrets(config: AppConfig): string[] {
  return [config.dns.powerDns.apiKey, config.dns.hetzner.token].filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4);
}

/**
 * Belt and braces: providers never put credentials in their messages, and this
 * replaces any that slipped through (an upstream echoing a header, say).
 */
export function redactSecrets(text: string, secrets: string[]): string {
  return secrets.reduce((redacted, secret) => redacted.split(secret).join('***'), text);
}
