import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig web target', () => {
  it('defaults to the built-in host, 5 releases and nginx on port 80 without a conf dir', () => {
    expect(loadConfig({}).web).toEqual({
      target: 'builtin',
      builtinHostUrl: null,
      keepReleases: 5,
      nginx: { confDir: null, bin: 'nginx', prefix: null, conf: null, listenPort: 80 },
    });
  });

  it('reads the nginx settings, resolving paths', () => {
    const web = loadConfig({ WEB_TARGET: 'nginx', NGINX_CONF_DIR: 'conf.d', NGINX_BIN: '/usr/sbin/nginx', NGINX_PREFIX: '/tmp/n', NGINX_CONF: '/tmp/n/nginx.conf', NGINX_LISTEN_PORT: '8081', SITE_KEEP_RELEASES: '2', BUILTIN_HOST_URL: 'http://gateway:8000' }).web;
    expect(web).toEqual({ target: 'nginx', builtinHostUrl: 'http://gateway:8000', keepReleases: 2, nginx: { confDir: resolve('conf.d'), bin: '/usr/sbin/nginx', prefix: '/tmp/n', conf: '/tmp/n/nginx.conf', listenPort: 8081 } });
  });

  it('names every bad web variable', () => {
    expect(() => loadConfig({ WEB_TARGET: 'apache', SITE_KEEP_RELEASES: '0', NGINX_LISTEN_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB_TARGET: 'apache', SITE_KEEP_RELEASES: '0', NGINX_LISTEN_PORT: '70000' })).toThrow(/WEB_TARGET: .*SITE_KEEP_RELEASES: .*NGINX_LISTEN_PORT: /);
  });
});

describe('loadConfig dns', () => {
  it('defaults to the embedded server, a 3600 s TTL, loopback web address and the 30 % / 10 safety threshold', () => {
    const dns = loadConfig({}).dns;
    expect(dns).toMatchObject({
      provider: 'embedded',
      serverPort: 5300,
      ttl: 3600,
      webAddresses: { ipv4: '127.0.0.1', ipv6: null },
      createZones: true,
      ownershipTxt: true,
      safety: { maxShare: 0.3, minRecordSets: 10 },
      verify: { timeoutMs: 2000, server: null },
      powerDnsAddress: null,
    });
  });

  it('parses host:port addresses, IPv6 in brackets included', () => {
    const dns = loadConfig({ PDNS_DNS_ADDRESS: 'pdns.internal:5353', DNS_VERIFY_SERVER: '[::1]:53', DNS_WEB_IPV6: '2001:db8::10' }).dns;
    expect(dns.powerDnsAddress).toEqual({ host: 'pdns.internal', port: 5353 });
    expect(dns.verify.server).toEqual({ host: '::1', port: 53 });
    expect(dns.webAddresses.ipv6).toBe('2001:db8::10');
  });

  it('names bad DNS variables', () => {
    expect(() => loadConfig({ DNS_WEB_IPV4: 'not-an-ip', DNS_SAFETY_MAX_SHARE: '1.5', DNS_VERIFY_SERVER: 'nohost' })).toThrow(/DNS_WEB_IPV4: .*DNS_SAFETY_MAX_SHARE: .*DNS_VERIFY_SERVER: /);
  });
});

describe('loadConfig secrets from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a named secret from its file, without the trailing newline', () => {
    const file = join(dir, 'pdns');
    writeFileSync(file, 's3cret-key\n');
    expect(loadConfig({ PDNS_API_KEY_FILE: file }).dns.powerDns.apiKey).toBe('s3cret-key');
    expect(loadConfig({ HETZNER_DNS_TOKEN_FILE: file }).dns.hetzner.token).toBe('s3cret-key');
  });

  it('prefers the variable itself when both are set', () => {
    expect(loadConfig({ PDNS_API_KEY: 'direct', PDNS_API_KEY_FILE: '/nonexistent' }).dns.powerDns.apiKey).toBe('direct');
  });

  it('names the variable and file, never a value, when the file cannot be read', () => {
    expect(() => loadConfig({ ODOO_PASSWORD_FILE: join(dir, 'missing') })).toThrow(/ODOO_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/);
  });
});
