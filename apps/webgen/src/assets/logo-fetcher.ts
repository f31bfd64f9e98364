import { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CheckedTarget, SsrfGuard, SsrfRefusedError } from '@bf/runtime';

export type LogoFetchResult =
  | { fetched: true; url: string; address: string; content: Buffer; ext: string; content_type: string; size_bytes: number }
  | { fetched: false; url: string; reason: string };

export interface LogoFetchSettings {
  maxBytes: number;
  timeoutMs: number;
  /** The shared SSRF guard (SSRF_ALLOW_PRIVATE / SSRF_ALLOW_CIDRS); default: public addresses only. */
  guard?: SsrfGuard;
  /**
   * Why an address may not be contacted, or null: replaces the guard (and its
   * address policy); only tests that must reach a loopback server widen it.
   */
  refuseAddress?: (address: string) => string | null;
}

/**
 * Raster formats only: an SVG is a document that can carry script, and the site
 * would serve it from its own origin.
 */
const IMAGE_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/x-icon': 'ico',
  'image/vnd.microsoft.icon': 'ico',
};

/**
 * Downloads a briefing's logo once, for the site to serve as its own file. The
 * shared SSRF guard resolves the host and judges every address; the connection
 * then goes to the address that was checked (no second lookup a rebinding DNS
 * could answer differently). No redirects, a size cap and an overall timeout.
 */
export class LogoFetcher {
  private readonly guard: SsrfGuard;

  constructor(private readonly settings: LogoFetchSettings) {
    this.guard =
      settings.guard && !settings.refuseAddress
        ? settings.guard
        : new SsrfGuard({ allowPrivate: false, allowCidrs: [] }, { lookupTimeoutMs: settings.timeoutMs, refuseAddress: settings.refuseAddress });
  }

  async fetch(url: string): Promise<LogoFetchResult> {
    let target: CheckedTarget;
    try {
      target = await this.guard.check(url);
    } catch (error) {
      if (error instanceof SsrfRefusedError) return { fetched: false, url, reason: error.message };
      throw error;
    }
    try {
      return await this.download(target.url, target.pinned);
    } catch (error) {
      return { fetched: false, url, reason: (error as Error).message };
    }
  }

  private download(url: URL, pinned: { address: string; family: number }): Promise<LogoFetchResult> {
    const pin = SsrfGuard.pinnedLookup(pinned);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${this.settings.timeoutMs} ms`)), this.settings.timeoutMs);
      const req = request(url, { method: 'GET', lookup: pin, headers: { accept: 'image/*', 'user-agent': 'business-factory-webgen' } }, (res: IncomingMessage) => {
        const fail = (message: string) => {
          res.destroy();
          clearTimeout(timer);
          reject(new Error(message));
        };
        if (res.statusCode !== 200) return fail(`answered HTTP ${res.statusCode}${res.headers.location ? ` (redirects are not followed: ${res.headers.location})` : ''}`);
        const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        const ext = IMAGE_TYPES[type];
        if (!ext) return fail(`content type ${JSON.stringify(type)} is not an accepted image type (${Object.keys(IMAGE_TYPES).join(', ')})`);
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.settings.maxBytes) return fail(`${declared} bytes is over the ${this.settings.maxBytes}-byte limit`);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.settings.maxBytes) return fail(`more than ${this.settings.maxBytes} bytes: over the limit`);
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const content = Buffer.concat(chunks);
          resolve({ fetched: true, url: url.toString(), address: pinned.address, content, ext, content_type: type, size_bytes: content.length });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end();
    });
  }
}
