import { createHash } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import { request } from 'node:http';
import type { Browser, Route } from 'playwright-core';

export interface ScreenshotSettings {
  /** null: no browser configured or installed. */
  chromiumPath: string | null;
  timeoutMs: number;
}

export type ScreenshotResult =
  | { taken: true; png: Buffer; sha256: string; width: number; height: number; ms: number; blocked_requests: string[] }
  | { taken: false; reason: string; ms: number };

export const SCREENSHOT_VIEWPORT = { width: 1280, height: 800 } as const;

/**
 * Flags for a browser that renders one local page: no sandbox (workers often run
 * as root or in containers without user namespaces), and none of Chromium's own
 * background traffic, which would otherwise reach the internet from a worker.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--metrics-recording-only',
  '--mute-audio',
];

/** How many blocked request URLs a result lists (the count is in the list's length up to this). */
const MAX_BLOCKED_LISTED = 20;

/**
 * Takes a PNG of a deployed site's homepage through headless Chromium. The page
 * asks for `http://<domain>/`, but every request is answered by the web host
 * (origin) with the site's Host header, so no DNS record is needed; requests for
 * any other host are aborted, so rendering a site never fetches from outside.
 *
 * The browser starts on the first shot and is reused (a launch costs far more
 * than a shot); each shot gets its own context, so nothing leaks between sites.
 */
export class SiteScreenshotter {
  private browser: Promise<Browser> | null = null;

  constructor(private readonly settings: ScreenshotSettings) {}

  async shoot(domain: string, origin: { host: string; port: number }): Promise<ScreenshotResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const path = this.settings.chromiumPath;
    if (!path) return { taken: false, reason: 'no Chromium configured or installed (CHROMIUM_PATH)', ms: ms() };
    if (!(await access(path, constants.X_OK).then(() => true, () => false))) return { taken: false, reason: `no Chromium at ${path}`, ms: ms() };
    let browser: Browser;
    try {
      browser = await this.launch(path);
    } catch (error) {
      return { taken: false, reason: `Chromium at ${path} did not start: ${firstLine((error as Error).message)}`, ms: ms() };
    }
    const context = await browser.newContext({ viewport: SCREENSHOT_VIEWPORT, deviceScaleFactor: 1, javaScriptEnabled: true, serviceWorkers: 'block' });
    const blocked: string[] = [];
    try {
      await context.route('**/*', (route) => this.serve(route, domain, origin, blocked));
      const page = await context.newPage();
      page.setDefaultTimeout(this.settings.timeoutMs);
      await page.goto(`http://${domain}/`, { waitUntil: 'load', timeout: this.settings.timeoutMs });
      const png = await page.screenshot({ type: 'png', fullPage: false, timeout: this.settings.timeoutMs, animations: 'disabled' });
      const { width, height } = pngSize(png);
      return { taken: true, png, sha256: createHash('sha256').update(png).digest('hex'), width, height, ms: ms(), blocked_requests: blocked };
    } catch (error) {
      return { taken: false, reason: `the homepage of ${domain} could not be captured: ${firstLine((error as Error).message)}`, ms: ms() };
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (browser) await (await browser.catch(() => null))?.close().catch(() => undefined);
  }

  /** One launch shared by concurrent shots; a failed or crashed browser is launched afresh next time. */
  private launch(executablePath: string): Promise<Browser> {
    if (!this.browser) {
      const launching = import('playwright-core').then(({ chromium }) =>
        chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: this.settings.timeoutMs, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }),
      );
      this.browser = launching;
      launching.then(
        (browser) => browser.on('disconnected', () => {
          if (this.browser === launching) this.browser = null;
        }),
        () => {
          if (this.browser === launching) this.browser = null;
        },
      );
    }
    return this.browser;
  }

  private async serve(route: Route, domain: string, origin: { host: string; port: number }, blocked: string[]): Promise<void> {
    const url = new URL(route.request().url());
    const host = url.hostname.toLowerCase();
    const own = (url.protocol === 'http:' || url.protocol === 'https:') && (host === domain || host === `www.${domain}`);
    if (!own) {
      if (blocked.length < MAX_BLOCKED_LISTED) blocked.push(`${url.protocol}//${url.host}${url.pathname}`);
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    try {
      const response = await fetchFromOrigin(origin, host, `${url.pathname}${url.search}`, route.request().method(), this.settings.timeoutMs);
      await route.fulfill({ status: response.status, headers: response.headers, body: response.body });
    } catch {
      await route.abort('connectionfailed').catch(() => undefined);
    }
  }
}

function fetchFromOrigin(origin: { host: string; port: number }, host: string, path: string, method: string, timeoutMs: number): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // Only reads: a page's form posts or beacons must not reach the site's API while it is photographed.
    const req = request({ host: origin.host, port: origin.port, path, method: method === 'HEAD' ? 'HEAD' : 'GET', headers: { host }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || name === 'transfer-encoding' || name === 'connection') continue;
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR, which the format requires to be the first chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function firstLine(message: string): string {
  return message.split('\n').find((line) => line.trim())?.trim().slice(0, 300) ?? message;
}
