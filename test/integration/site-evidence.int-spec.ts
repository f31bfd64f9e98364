import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, RequestListener, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import express from 'express';
import { AppConfig, loadConfig } from '@bf/config';
import { BriefingSchema } from '@bf/contracts';
import { StepArtifact, StepContext, StepOutcome } from '@bf/step-sdk';
import { TemplateRegistry, websiteVariables } from '@bf/templates';
import { BuiltinSiteHost } from '../../apps/gateway/src/http/builtin-site-host';
import { LogoFetcher } from '../../apps/webgen/src/assets/logo-fetcher';
import { pngSize, siteContentHash, SiteReleaseStore, SiteScreenshotter } from '../../apps/webgen/src/deploy';
import { DeployWebsiteStep } from '../../apps/webgen/src/deploy-website.step';
import { GenerateWebsiteStep } from '../../apps/webgen/src/generate-website.step';

const TEMPLATES_DIR = join(__dirname, '../../templates');
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const acme = BriefingSchema.parse(JSON.parse(readFileSync(join(TEMPLATES_DIR, 'briefings/acme-consulting.json'), 'utf8')));
const ACME_PARAMETERS = websiteVariables(acme);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const withChromium = CHROMIUM ? it : (name: string, fn: () => Promise<void>) => it.skip(`${name} (skipped: Chromium is not installed)`, fn);

async function listen(handler: RequestListener): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

/** The gateway's real built-in host, on its own port, serving `<dataDir>/sites`. */
async function builtinHost(dataDir: string) {
  const app = express();
  app.use(new BuiltinSiteHost(join(dataDir, 'sites')).middleware());
  app.use((_req, res) => res.status(404).end());
  return listen(app);
}

function contexts(runId: string, parameters: Record<string, unknown>, extra: Partial<StepContext> = {}) {
  const base = { tenantId: 't', planId: 'plan_000000000009', runId, attempt: 1, isLastAttempt: true, dryRun: false, templateId: null, runState: {}, ...extra };
  return {
    generate: { ...base, stepId: 'step_gen', idempotencyKey: `${runId}.step_gen`, parameters } as StepContext,
    deploy: (generated: StepOutcome, more: Partial<StepContext> = {}) =>
      ({ ...base, stepId: 'step_dep', idempotencyKey: `${runId}.step_dep`, parameters: { domain: parameters.domain }, runState: { ...generated.outputs }, ...more }) as StepContext,
  };
}

const artifact = (outcome: StepOutcome, name: string): StepArtifact | undefined => outcome.artifacts?.find((a) => a.name === name);

/**
 * Decodes an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) far
 * enough to count its distinct colours: the IDAT stream inflated and unfiltered.
 */
function distinctColours(png: Buffer): number {
  const { width, height } = pngSize(png);
  const bitDepth = png[24];
  const colourType = png[25];
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6) || png[28] !== 0) throw new Error(`unexpected PNG format: depth ${bitDepth}, colour type ${colourType}, interlace ${png[28]}`);
  const channels = colourType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`bad filter ${filter}`);
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const colours = new Set<number>();
  for (let i = 0; i < pixels.length; i += channels) colours.add(pixels.readUIntBE(i, 3));
  return colours.size;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

describe('website.deploy evidence: homepage screenshot through headless Chromium', () => {
  let dataDir: string;
  let host: Awaited<ReturnType<typeof builtinHost>>;
  const steps: DeployWebsiteStep[] = [];
  const deployStep = (config: AppConfig) => {
    const step = new DeployWebsiteStep(config);
    steps.push(step);
    return step;
  };
  const configFor = (env: Record<string, string> = {}) =>
    loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR, BUILTIN_HOST_URL: host.url, SITE_SCREENSHOT_TIMEOUT_MS: '20000', ...env });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bf-shot-'));
    host = await builtinHost(dataDir);
  });
  afterAll(async () => {
    for (const step of steps) await step.onModuleDestroy();
    await new Promise((resolve) => host.server.close(resolve));
  });

  withChromium('captures the Acme homepage at 1280x800 as a real, non-blank PNG and returns it as /screenshots/website_homepage.png', async () => {
    const config = configFor({ CHROMIUM_PATH: CHROMIUM! });
    const ctx = contexts('run_shot00000001', ACME_PARAMETERS);
    const generated = await new GenerateWebsiteStep(config).execute(ctx.generate);
    const deployed = await deployStep(config).execute(ctx.deploy(generated));

    const png = artifact(deployed, '/screenshots/website_homepage.png');
    expect(png?.mediaType).toBe('image/png');
    const bytes = png!.content as Buffer;
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 800]);
    expect(deployed.result.screenshot).toEqual({ taken: true, sha256: sha256(bytes), width: 1280, height: 800, ms: expect.any(Number), blocked_requests: [] });

    // A blank page photographed the same way is one colour; the Acme page (its own CSS applied) is many.
    const store = new SiteReleaseStore(join(dataDir, 'sites'), 5);
    const blankDir = join(dataDir, 'blank-src');
    mkdirSync(blankDir, { recursive: true });
    writeFileSync(join(blankDir, 'index.html'), '<!doctype html><html><body></body></html>');
    await store.publish('blank.example', blankDir, siteContentHash([{ output_path: 'index.html', sha256: sha256('<!doctype html><html><body></body></html>') }]));
    const shooter = new SiteScreenshotter({ chromiumPath: CHROMIUM!, timeoutMs: 20000 });
    try {
      const blank = await shooter.shoot('blank.example', { host: '127.0.0.1', port: host.port });
      expect(blank.taken).toBe(true);
      if (!blank.taken) return;
      expect(distinctColours(blank.png)).toBe(1);
      expect(distinctColours(bytes)).toBeGreaterThan(50);
      expect(bytes.length).toBeGreaterThan(blank.png.length * 5);
    } finally {
      await shooter.close();
    }
  });

  withChromium('serves only the site\'s own domain to the page: requests for other hosts are aborted and listed', async () => {
    const store = new SiteReleaseStore(join(dataDir, 'sites'), 5);
    const src = join(dataDir, 'external-src');
    const files: Record<string, string> = {
      'index.html': '<!doctype html><link rel="stylesheet" href="/site.css"><img src="http://tracker.invalid/pixel.gif"><img src="https://cdn.invalid/logo.png"><h1>Own</h1>',
      'site.css': 'body { background: rgb(200, 10, 10); }',
    };
    mkdirSync(src, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(src, name), content);
    await store.publish('external.example', src, siteContentHash(Object.entries(files).map(([output_path, content]) => ({ output_path, sha256: sha256(content) }))));
    const shooter = new SiteScreenshotter({ chromiumPath: CHROMIUM!, timeoutMs: 20000 });
    try {
      const shot = await shooter.shoot('external.example', { host: '127.0.0.1', port: host.port });
      expect(shot.taken).toBe(true);
      if (!shot.taken) return;
      // Images: the site CSP lets a page load remote images (a briefing's logo_url), so the browser asks and the screenshotter refuses.
      expect(shot.blocked_requests.sort()).toEqual(['http://tracker.invalid/pixel.gif', 'https://cdn.invalid/logo.png']);
      // The stylesheet came from the site (through the web host): the page is red, not white.
      const { width, height } = pngSize(shot.png);
      expect([width, height]).toEqual([1280, 800]);
      expect(distinctColours(shot.png)).toBeGreaterThan(1);
    } finally {
      await shooter.close();
    }
  });

  it('deploys without a screenshot when CHROMIUM_PATH names a missing file, and says why', async () => {
    const config = configFor({ CHROMIUM_PATH: '/nonexistent/chromium' });
    const ctx = contexts('run_shot00000002', { ...ACME_PARAMETERS, domain: 'no-browser.example' });
    const generated = await new GenerateWebsiteStep(config).execute(ctx.generate);
    const deployed = await deployStep(config).execute(ctx.deploy(generated));
    expect(deployed.result).toMatchObject({ status: 'deployed', health_check: { matches: true }, screenshot: { taken: false, reason: 'no Chromium at /nonexistent/chromium' } });
    expect(deployed.artifacts!.map((a) => a.name)).toEqual(['health_check_result.json']);
  });

  it('deploys without a screenshot when the browser fails to start (a binary that is not Chromium)', async () => {
    const config = configFor({ CHROMIUM_PATH: '/bin/false', SITE_SCREENSHOT_TIMEOUT_MS: '5000' });
    const ctx = contexts('run_shot00000003', { ...ACME_PARAMETERS, domain: 'broken-browser.example' });
    const generated = await new GenerateWebsiteStep(config).execute(ctx.generate);
    const deployed = await deployStep(config).execute(ctx.deploy(generated));
    expect(deployed.result).toMatchObject({ status: 'deployed', screenshot: { taken: false, reason: expect.stringMatching(/^Chromium at \/bin\/false did not start: /) } });
  });

  it('takes no screenshot with SITE_SCREENSHOT=off', async () => {
    const config = configFor({ SITE_SCREENSHOT: 'off' });
    const ctx = contexts('run_shot00000004', { ...ACME_PARAMETERS, domain: 'shot-off.example' });
    const generated = await new GenerateWebsiteStep(config).execute(ctx.generate);
    const deployed = await deployStep(config).execute(ctx.deploy(generated));
    expect(deployed.result.screenshot).toEqual({ taken: false, reason: 'SITE_SCREENSHOT=off', ms: 0 });
  });
});

describe('website.deploy: health check artifact, failed checks, staging cleanup', () => {
  let dataDir: string;
  let host: Awaited<ReturnType<typeof builtinHost>>;
  let liar: Awaited<ReturnType<typeof listen>>;
  const good = () => loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR, BUILTIN_HOST_URL: host.url, SITE_SCREENSHOT: 'off' });
  const lying = () => loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR, BUILTIN_HOST_URL: liar.url, SITE_SCREENSHOT: 'off' });
  const store = () => new SiteReleaseStore(join(dataDir, 'sites'), 5);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bf-deploy-ev-'));
    host = await builtinHost(dataDir);
    // A web host that answers 200 with something other than the site.
    liar = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>not your site</h1>'));
  });
  afterAll(async () => {
    await new Promise((resolve) => host.server.close(resolve));
    await new Promise((resolve) => liar.server.close(resolve));
  });

  it('returns the health check as health_check_result.json with sorted keys, equal to the recorded check', async () => {
    const ctx = contexts('run_evid00000001', { ...ACME_PARAMETERS, domain: 'evidence.example' });
    const generated = await new GenerateWebsiteStep(good()).execute(ctx.generate);
    const deployed = await new DeployWebsiteStep(good()).execute(ctx.deploy(generated));
    const check = artifact(deployed, 'health_check_result.json')!;
    expect(check.mediaType).toBe('application/json');
    const text = String(check.content);
    expect(JSON.parse(text)).toEqual(deployed.result.health_check);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(JSON.parse(text)).sort());
    expect(JSON.parse(text)).toMatchObject({ status: 200, matches: true, sha256: generated.outputs!.site_index_sha256 });
    expect(artifact(deployed, 'nginx_config.conf')).toBeUndefined();
  });

  it('keeps a release whose check fails for the retry, undoes it on the last attempt, and a later attempt publishes it again', async () => {
    const domain = 'flaky-host.example';
    const first = contexts('run_flak00000001', { ...ACME_PARAMETERS, domain });
    const genA = await new GenerateWebsiteStep(good()).execute(first.generate);
    const depA = await new DeployWebsiteStep(good()).execute(first.deploy(genA));
    const second = contexts('run_flak00000002', { ...ACME_PARAMETERS, domain, business_name: 'Acme Renamed GmbH' });
    const genB = await new GenerateWebsiteStep(good()).execute(second.generate);
    const releaseB = String(genB.outputs!.site_content_hash).slice(0, 16);

    const notLast = new DeployWebsiteStep(lying()).execute(second.deploy(genB, { isLastAttempt: false }));
    await expect(notLast).rejects.toThrow(/does not serve what was generated \(left current for the retry\)/);
    expect(await store().current(domain)).toBe(releaseB);

    const last = new DeployWebsiteStep(lying()).execute(second.deploy(genB, { attempt: 2, isLastAttempt: true }));
    await expect(last).rejects.toThrow(new RegExp(`switched current back to release ${depA.result.release}`));
    expect(await store().current(domain)).toBe(depA.result.release);
    expect(await store().releases(domain)).toEqual([depA.result.release]);
    // The staging folder stays until a check passes: the generated site is not lost.
    expect(existsSync(String(genB.outputs!.site_staging_dir))).toBe(true);

    // A redelivery of the same step (same key) against a host that serves the site now succeeds.
    const retried = await new DeployWebsiteStep(good()).execute(second.deploy(genB, { attempt: 3 }));
    expect(retried.result).toMatchObject({ status: 'deployed', release: releaseB, previous_release: depA.result.release, health_check: { matches: true } });
    expect(await store().current(domain)).toBe(releaseB);
  });

  it('on the last attempt of a first deploy removes the site altogether', async () => {
    const domain = 'never-served.example';
    const ctx = contexts('run_flak00000003', { ...ACME_PARAMETERS, domain });
    const generated = await new GenerateWebsiteStep(good()).execute(ctx.generate);
    await expect(new DeployWebsiteStep(lying()).execute(ctx.deploy(generated))).rejects.toThrow(/removed current: the site had no earlier release/);
    expect(existsSync(join(dataDir, 'sites', domain))).toBe(false);
  });

  it('removes the staging folder after a successful publish; a retry and a same-content redeploy still succeed; a vanished release does not', async () => {
    const domain = 'cleanup.example';
    const ctx = contexts('run_clean0000001', { ...ACME_PARAMETERS, domain });
    const generate = new GenerateWebsiteStep(good());
    const deploy = new DeployWebsiteStep(good());
    const generated = await generate.execute(ctx.generate);
    const stagingDir = String(generated.outputs!.site_staging_dir);
    expect(existsSync(stagingDir)).toBe(true);
    const deployed = await deploy.execute(ctx.deploy(generated));
    expect(deployed.result).toMatchObject({ status: 'deployed', staging_removed: stagingDir });
    expect(existsSync(stagingDir)).toBe(false);
    expect(readdirSync(join(dataDir, 'staging')).filter((name) => name.startsWith('run_clean'))).toEqual([]);

    // A redelivered deploy (its outcome report was lost) finds its release current.
    const again = await deploy.execute(ctx.deploy(generated, { attempt: 2 }));
    expect(again.result).toMatchObject({ status: 'deployed', release: deployed.result.release, previous_release: null, health_check: { matches: true } });
    // Another run with the same content: a no-op, though that staging folder is gone too.
    const other = await deploy.execute(ctx.deploy(generated, { runId: 'run_clean0000002', idempotencyKey: 'run_clean0000002.step_dep' }));
    expect(other.result).toMatchObject({ status: 'unchanged' });
    expect(readlinkSync(join(dataDir, 'sites', domain, 'current'))).toBe(`releases/${deployed.result.release}`);
    // The generate rollback tolerates the folder the deploy already removed.
    expect((await generate.rollback(ctx.generate)).result.undone).toMatch(/^nothing: the staging folder .* was already gone$/);

    // With the release rolled back as well, nothing is left to publish from.
    await deploy.rollback(ctx.deploy(generated), deployed);
    await expect(deploy.execute(ctx.deploy(generated, { attempt: 3 }))).rejects.toMatchObject({ name: 'PermanentStepError', message: expect.stringMatching(/is gone .*generate it again/) });
  });
});

describe('website.generate dry run: HTML preview of the home page', () => {
  it('returns the rendered index.html as preview/index.html with its hash and size, and writes nothing', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'bf-preview-')), 'data');
    const step = new GenerateWebsiteStep(loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR }));
    const outcome = await step.dryRun({ ...contexts('run_prev00000001', ACME_PARAMETERS).generate, dryRun: true });
    const preview = artifact(outcome, 'preview/index.html')!;
    expect(preview.mediaType).toBe('text/html');
    const html = Buffer.from(preview.content);
    expect(html.toString()).toContain('Acme Consulting GmbH');
    const listed = (outcome.result.files as { output_path: string; sha256: string; size_bytes: number }[]).find((f) => f.output_path === 'index.html')!;
    expect(outcome.result.preview).toEqual({ output_path: 'index.html', sha256: sha256(html), size_bytes: html.length });
    expect(listed).toEqual(outcome.result.preview);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('previews the served index of a template with a public_root (nextjs_business: the static export)', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'bf-preview-')), 'data');
    const step = new GenerateWebsiteStep(loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR }));
    const outcome = await step.dryRun({ ...contexts('run_prev00000002', ACME_PARAMETERS).generate, dryRun: true, templateId: 'nextjs_business' });
    const exported = (outcome.result.files as { output_path: string; sha256: string }[]).find((f) => f.output_path === 'out/index.html')!;
    expect(outcome.result.preview).toMatchObject({ output_path: 'index.html', sha256: exported.sha256 });
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('website.generate: logo_url', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
  let images: Awaited<ReturnType<typeof listen>>;
  const requests: string[] = [];

  beforeAll(async () => {
    images = await listen((req, res) => {
      requests.push(req.url!);
      if (req.url === '/logo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (req.url === '/page.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>no</h1>');
      if (req.url === '/logo.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg/>');
      // Chunked, so only counting the bytes finds it too large.
      if (req.url === '/huge.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(4096));
      if (req.url === '/huge-declared.png') return res.writeHead(200, { 'content-type': 'image/png', 'content-length': '4096' }).end(Buffer.alloc(4096));
      if (req.url === '/moved.png') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      res.writeHead(404).end();
    });
  });
  afterAll(() => new Promise((resolve) => images.server.close(resolve)));
  beforeEach(() => {
    requests.length = 0;
  });

  const generateWith = async (env: Record<string, string>, logoUrl: string, runId: string) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bf-logo-'));
    const step = new GenerateWebsiteStep(loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR, ...env }));
    const outcome = await step.execute(contexts(runId, { ...ACME_PARAMETERS, logo_url: logoUrl }).generate);
    return { outcome, index: readFileSync(join(String(outcome.outputs!.site_staging_dir), 'index.html'), 'utf8') };
  };

  it('never fetches it by default: the page keeps the remote URL and the result says why', async () => {
    const url = `${images.url}/logo.png`;
    const { outcome, index } = await generateWith({}, url, 'run_logo00000001');
    expect(requests).toEqual([]);
    expect(outcome.result.logo).toEqual({ url, fetched: false, reason: 'LOGO_FETCH is off: logos are never fetched unless configured', kept: 'remote url' });
    expect(index).toContain(`src="${url}"`);
  });

  it('with LOGO_FETCH=true refuses hosts that resolve to loopback, without sending a request', async () => {
    for (const [url, reason] of [
      [`${images.url}/logo.png`, /127\.0\.0\.1, which is loopback/],
      [`http://localhost:${images.port}/logo.png`, /resolves to (127\.0\.0\.1|::1), which is loopback/],
      [`http://[::ffff:127.0.0.1]:${images.port}/logo.png`, /IPv4-mapped loopback/],
    ] as const) {
      const { outcome, index } = await generateWith({ LOGO_FETCH: 'true' }, url, 'run_logo00000002');
      expect(outcome.result.logo).toMatchObject({ url, fetched: false, reason: expect.stringMatching(reason), kept: 'remote url' });
      expect(index).toContain('class="logo" src="http');
    }
    expect(requests).toEqual([]);
  });

  it('fetches an image within the limits once the address policy lets it through, and refuses the rest', async () => {
    // Only the address check is widened, so the rest of the fetch can be exercised against a local server.
    const fetcher = new LogoFetcher({ maxBytes: 1024, timeoutMs: 2000, refuseAddress: () => null });
    expect(await fetcher.fetch(`${images.url}/logo.png`)).toMatchObject({ fetched: true, ext: 'png', content_type: 'image/png', size_bytes: png.length, address: '127.0.0.1', content: png });
    expect(await fetcher.fetch(`${images.url}/page.html`)).toMatchObject({ fetched: false, reason: expect.stringMatching(/content type "text\/html" is not an accepted image type/) });
    expect(await fetcher.fetch(`${images.url}/logo.svg`)).toMatchObject({ fetched: false, reason: expect.stringMatching(/"image\/svg\+xml" is not an accepted/) });
    expect(await fetcher.fetch(`${images.url}/huge.png`)).toMatchObject({ fetched: false, reason: 'more than 1024 bytes: over the limit' });
    expect(await fetcher.fetch(`${images.url}/huge-declared.png`)).toMatchObject({ fetched: false, reason: '4096 bytes is over the 1024-byte limit' });
    expect(await fetcher.fetch(`${images.url}/moved.png`)).toMatchObject({ fetched: false, reason: expect.stringMatching(/HTTP 302 \(redirects are not followed/) });
    expect(await fetcher.fetch('ftp://example.com/logo.png')).toMatchObject({ fetched: false, reason: 'scheme ftp: is not fetched' });
    expect(requests).not.toContain('/latest/meta-data/');
  });

  it('renders a fetched logo as a file of the site (template pointed at /assets/logo.<ext>)', async () => {
    const registry = new TemplateRegistry(TEMPLATES_DIR);
    const manifest = (await registry.find('modern_landing_v1'))!;
    const files = await registry.render(manifest, { ...ACME_PARAMETERS, logo_url: 'https://cdn.example/logo.png' }, { logo_url: '/assets/logo.png' });
    const index = files.find((f) => f.output_path === 'index.html')!.content.toString();
    expect(index).toContain('src="/assets/logo.png"');
    expect(index).not.toContain('cdn.example');
    await expect(registry.render(manifest, ACME_PARAMETERS, { logo_url: '/../etc/passwd' })).rejects.toThrow(/not a site-local asset path/);
  });
});
