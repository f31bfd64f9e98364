import { createHash } from 'node:crypto';
import { request } from 'node:http';

export interface SiteHealthCheckResult {
  url: string;
  /** Where the request really went (the web host), with the site's Host header. */
  via: string;
  status: number | null;
  sha256: string | null;
  expected_sha256: string;
  matches: boolean;
  ms: number;
  error?: string;
}

/**
 * GETs `/` of a site from its web host with the site's Host header, and compares
 * the served body's sha256 with the generated index.html's.
 */
export class SiteHealthCheck {
  constructor(private readonly timeoutMs = 5000) {}

  async check(domain: string, origin: { host: string; port: number }, expectedSha256: string): Promise<SiteHealthCheckResult> {
    const started = performance.now();
    const base = { url: `http://${domain}/`, via: `http://${origin.host}:${origin.port}/`, expected_sha256: expectedSha256 };
    try {
      const { status, body } = await this.get(origin, domain);
      const sha256 = createHash('sha256').update(body).digest('hex');
      return { ...base, status, sha256, matches: status === 200 && sha256 === expectedSha256, ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { ...base, status: null, sha256: null, matches: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }

  /**
   * Checks until the site serves the expected content or `waitMs` has passed, and
   * answers the last result: `nginx -s reload` returns before the new workers
   * answer, so the first GET after a reload may still see the old configuration.
   */
  async checkUntilMatches(domain: string, origin: { host: string; port: number }, expectedSha256: string, waitMs: number): Promise<SiteHealthCheckResult & { attempts: number }> {
    const deadline = performance.now() + waitMs;
    for (let attempts = 1; ; attempts++) {
      const result = await this.check(domain, origin, expectedSha256);
      if (result.matches || performance.now() >= deadline) return { ...result, attempts };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private get(origin: { host: string; port: number }, domain: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: origin.host, port: origin.port, path: '/', method: 'GET', headers: { host: domain }, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}
