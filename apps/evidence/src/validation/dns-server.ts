import { AppConfig } from '@bf/config';

/**
 * The authoritative server to ask for a domain's records: DNS_VERIFY_SERVER when
 * set, else the configured provider's own server. Hetzner's servers are public
 * resolvers' business: without DNS_VERIFY_SERVER there is nothing local to ask.
 */
export function authoritativeServer(config: AppConfig): { host: string; port: number } | { unknown: string } {
  const { dns } = config;
  if (dns.verify.server) return dns.verify.server;
  if (dns.provider === 'embedded') return { host: ['0.0.0.0', '::'].includes(dns.serverHost) ? '127.0.0.1' : dns.serverHost, port: dns.serverPort };
  if (dns.provider === 'powerdns') {
    if (dns.powerDnsAddress) return dns.powerDnsAddress;
    if (dns.powerDns.apiUrl) return { host: new URL(dns.powerDns.apiUrl).hostname, port: 53 };
    return { unknown: 'DNS_PROVIDER=powerdns without PDNS_API_URL or PDNS_DNS_ADDRESS' };
  }
  return { unknown: `DNS_PROVIDER=${dns.provider} without DNS_VERIFY_SERVER: no authoritative server to ask` };
}
