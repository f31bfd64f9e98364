import { resolve } from 'node:path';
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
