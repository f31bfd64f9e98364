import { request } from 'node:http';
import { AppConfig } from '@bf/config';

export type WebOrigin = { host: string; port: number } | { unknown: string };

/** Where this worker reaches the web host serving deployed sites (the same rule the deploy step's health check uses). */
export function webOrigin(config: AppConfig): WebOrigin {
  if (config.web.target === 'nginx') return { host: '127.0.0.1', port: config.web.nginx.listenPort };
  if (config.web.builtinHostUrl) {
    const builtin = new URL(config.web.builtinHostUrl);
    return { host: builtin.hostname, port: Number(builtin.port || 80) };
  }
  if (config.http.port === 0) return { unknown: 'PORT=0 and no BUILTIN_HOST_URL: the built-in host has no known address to check against' };
  return { host: '127.0.0.1', port: config.http.port };
}

/** GET / of a site from its web host, by Host header, so the check needs no public DNS. */
export function fetchStatus(origin: { host: string; port: number }, domain: string, timeoutMs: number): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: origin.host, port: origin.port, path: '/', method: 'GET', headers: { host: domain }, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
