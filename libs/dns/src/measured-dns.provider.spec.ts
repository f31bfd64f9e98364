import { DnsProviderError } from './dns-provider';
import { dnsErrorKind, socketErrorKind } from './measured-dns.provider';

describe(dnsErrorKind.name, () => {
  it.each([
    ['a PowerDNS timeout', new DnsProviderError('powerdns', 'PowerDNS GET /zones failed: no answer within 5000 ms', { code: 'timeout', retryable: true }), 'timeout'],
    ['a PowerDNS connection failure', new DnsProviderError('powerdns', 'PowerDNS GET /zones failed: connect ECONNREFUSED', { code: 'network', retryable: true }), 'network'],
    ['a PowerDNS 503', new DnsProviderError('powerdns', 'PowerDNS GET /zones failed: HTTP 503', { status: 503, code: 'server_error', retryable: true }), 'http_5xx'],
    ['a PowerDNS 422', new DnsProviderError('powerdns', 'PowerDNS PATCH failed: HTTP 422', { status: 422, code: 'invalid_input', retryable: false }), 'http_4xx'],
    ['a refused token', new DnsProviderError('hetzner', 'the Hetzner Cloud API refused the token (HTTP 401)', { status: 401, code: 'unauthorized', retryable: false }), 'auth'],
    ['a Hetzner rate limit', new DnsProviderError('hetzner', 'rate limit (HTTP 429)', { status: 429, code: 'rate_limit_exceeded', retryable: true }), 'http_4xx'],
    ['an unreachable Hetzner API', new DnsProviderError('hetzner', 'the Hetzner Cloud API did not answer GET /zones: connection refused (ECONNREFUSED)', { retryable: true }), 'network'],
    ['a Hetzner action still running', new DnsProviderError('hetzner', 'the Hetzner Cloud action x (1) was still running after 5000 ms', { retryable: true }), 'timeout'],
    ['an embedded refusal', new DnsProviderError('embedded', 'www.other.example is not inside zone acme.example', { status: 422, code: 'out_of_zone', retryable: false }), 'fault'],
    ['an embedded database failure', new DnsProviderError('embedded', 'database: connection terminated', { retryable: true }), 'other'],
    ['a provider without configuration', new DnsProviderError('powerdns', 'the DNS provider is not configured', { code: 'not_configured', retryable: false }), 'config'],
    ['a foreign error', new Error('boom'), 'other'],
  ])('%s is %s', (_what, error, kind) => {
    expect(dnsErrorKind(error)).toBe(kind);
  });
});

describe(socketErrorKind.name, () => {
  it('tells timeouts from other socket failures, and anything else is other', () => {
    expect(socketErrorKind(Object.assign(new Error('no DNS answer'), { code: 'ETIMEOUT' }))).toBe('timeout');
    expect(socketErrorKind(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('network');
    expect(socketErrorKind(new Error('closed the TCP connection without an answer'))).toBe('other');
  });
});
