import { lookup } from 'node:dns/promises';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { nonPublicReason } from './address-policy';

export type LogoFetchResult =
  | { fetched: true; url: string; address: string; content: Buffer; ext: string; content_type: string; size_bytes: number }
  | { fetched: false; url: string; reason: string };

export interface LogoFetchSettings {
  maxBytes: number;
  timeoutMs: number;
  /**
   * Why an address may not be contacted, or null. Defaults to the public-address
   * policy; only tests that must reach a loopback server widen it.
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
 * host is resolved first and every address must be public; the connection then
 * goes to the address that was checked (no second lookup a rebinding DNS could
 * answer differently). No redirects, a size cap and an overall timeout.
 */
export class LogoFetcher {
  private readonly refuse: (address: string) => string | null;

  constructor(private readonly settings: LogoFetchSettings) {
    this.refuse = settings.refuseAddress ?? nonPublicReason;
  }

  async fetch(url: string): Promise<LogoFetchResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { fetched: false, url, reason: 'not a URL' };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { fetched: false, url, reason: `scheme ${parsed.protocol} is not fetched` };
    if (parsed.username || parsed.password) return { fetched: false, url, reason: 'URLs with credentials are not fetched' };
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await withTimeout(lookup(host, { all: true, verbatim: true }), this.settings.timeoutMs, `resolving ${host}`);
    } catch (error) {
      return { fetched: false, url, reason: `${host} does not resolve: ${(error as Error).message}` };
    }
    if (addresses.length === 0) return { fetched: false, url, reason: `${host} has no address` };
    // Every address must pass: the client may pick any of them.
    for (const { address } of addresses) {
      const reason = this.refuse(address);
      if (reason) return { fetched: false, url, reason: `${host} resolves to ${address}, which is ${reason}` };
    }
    const pinned = addresses[0];
    try {
      return await this.download(parsed, pinned);
    } catch (error) {
      return { fetched: false, url, reason: (error as Error).message };
    }
  }

  private download(url: URL, pinned: { address: string; family: number }): Promise<LogoFetchResult> {
    const pin: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
