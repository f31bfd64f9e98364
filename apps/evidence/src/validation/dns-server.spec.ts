import { loadConfig } from '@bf/config';
import { authoritativeServer } from './dns-server';

describe('the authoritative server the dns_answer check asks', () => {
  it('is DNS_VERIFY_SERVER when set, else the provider’s own server', () => {
    expect(authoritativeServer(loadConfig({ DNS_SERVER_PORT: '5301' }))).toEqual({ host: '127.0.0.1', port: 5301 });
    expect(authoritativeServer(loadConfig({ DNS_SERVER_HOST: '0.0.0.0', DNS_SERVER_PORT: '5302' }))).toEqual({ host: '127.0.0.1', port: 5302 });
    expect(authoritativeServer(loadConfig({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: 'http://pdns.internal:8081' }))).toEqual({ host: 'pdns.internal', port: 53 });
    expect(authoritativeServer(loadConfig({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: 'http://pdns.internal:8081', PDNS_DNS_ADDRESS: '10.0.0.5:5353' }))).toEqual({ host: '10.0.0.5', port: 5353 });
    expect(authoritativeServer(loadConfig({ DNS_PROVIDER: 'hetzner', DNS_VERIFY_SERVER: '192.0.2.1:53' }))).toEqual({ host: '192.0.2.1', port: 53 });
    expect(authoritativeServer(loadConfig({ DNS_PROVIDER: 'hetzner' }))).toEqual({ unknown: expect.stringContaining('DNS_VERIFY_SERVER') });
  });
});
