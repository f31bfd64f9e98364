import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { request, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { BuiltinSiteHost } from '../../apps/gateway/src/http/builtin-site-host';
import { loadConfig } from '@bf/config';
import { StepContext } from '@bf/step-sdk';
import { NginxSiteTarget, SiteHealthCheck, siteContentHash, SiteReleaseStore } from '../../apps/webgen/src/deploy';
import { DeployWebsiteStep } from '../../apps/webgen/src/deploy-website.step';
import { GenerateWebsiteStep } from '../../apps/webgen/src/generate-website.step';
import { freePort } from '../support/net';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Writes a site folder and returns it with its content hash. */
function stagedSite(root: string, name: string, files: Record<string, string>): { dir: string; hash: string; indexSha: string } {
  const dir = join(root, 'staging', name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const hash = siteContentHash(Object.entries(files).map(([output_path, content]) => ({ output_path, sha256: sha256(content) })));
  return { dir, hash, indexSha: sha256(files['index.html'] ?? '') };
}

/** A raw GET: the path goes on the wire exactly as given (fetch would normalise `..`). */
function rawGet(port: number, host: string, path: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe(SiteReleaseStore.name, () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bf-releases-'));
  });

  it('publishes into releases/<hash prefix>, points current at it through a relative symlink and leaves no temporary names', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const site = stagedSite(root, 'a', { 'index.html': '<h1>A</h1>', 'css/site.css': 'body{}' });
    const outcome = await store.publish('acme.example', site.dir, site.hash);
    expect(outcome).toMatchObject({ release: site.hash.slice(0, 16), previous: null, unchanged: false, created: true, pruned: [] });
    expect(readlinkSync(join(root, 'sites/acme.example/current'))).toBe(`releases/${site.hash.slice(0, 16)}`);
    expect(readFileSync(join(root, 'sites/acme.example/current/css/site.css'), 'utf8')).toBe('body{}');
    expect(readdirSync(join(root, 'sites/acme.example')).sort()).toEqual(['current', 'releases']);
    expect(readdirSync(join(root, 'sites/acme.example/releases'))).toEqual([site.hash.slice(0, 16)]);
  });

  it('treats a redeploy of identical content as a no-op (unchanged), and a new content as a switch recording the previous release', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const a = stagedSite(root, 'a', { 'index.html': 'A' });
    const b = stagedSite(root, 'b', { 'index.html': 'B' });
    const first = await store.publish('acme.example', a.dir, a.hash);
    const again = await store.publish('acme.example', a.dir, a.hash);
    expect(again).toMatchObject({ release: first.release, previous: first.release, unchanged: true, created: false });
    const second = await store.publish('acme.example', b.dir, b.hash);
    expect(second).toMatchObject({ previous: first.release, unchanged: false, created: true });
    expect(await store.current('acme.example')).toBe(second.release);
    // Going back to content already released reuses its folder.
    const back = await store.publish('acme.example', a.dir, a.hash);
    expect(back).toMatchObject({ release: first.release, previous: second.release, unchanged: false, created: false });
  });

  it('reports the same previous release when a deploy is retried after its first attempt already switched current', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const a = stagedSite(root, 'a', { 'index.html': 'A' });
    const b = stagedSite(root, 'b', { 'index.html': 'B' });
    const first = await store.publish('acme.example', a.dir, a.hash, 'run_1.step_deploy');
    const attempt1 = await store.publish('acme.example', b.dir, b.hash, 'run_2.step_deploy');
    const attempt2 = await store.publish('acme.example', b.dir, b.hash, 'run_2.step_deploy');
    expect(attempt2).toMatchObject({ release: attempt1.release, previous: first.release, unchanged: false, created: true });
    // Without the key the same call is an identical redeploy.
    expect(await store.publish('acme.example', b.dir, b.hash)).toMatchObject({ previous: attempt1.release, unchanged: true });
  });

  it('keeps the last N releases and never prunes the current one', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 2);
    const releases: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const site = stagedSite(root, `s${n}`, { 'index.html': `release ${n}` });
      releases.push((await store.publish('acme.example', site.dir, site.hash)).release);
      await new Promise((r) => setTimeout(r, 15));
    }
    expect((await store.releases('acme.example')).sort()).toEqual(releases.slice(2).sort());
    expect(await store.current('acme.example')).toBe(releases[3]);
  });

  it('reverts to the previous release, removing the one the deploy created; without a previous one it removes the site; safe twice', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const a = stagedSite(root, 'a', { 'index.html': 'A' });
    const b = stagedSite(root, 'b', { 'index.html': 'B' });
    const first = await store.publish('acme.example', a.dir, a.hash);
    const second = await store.publish('acme.example', b.dir, b.hash);
    const reverted = await store.revert('acme.example', second);
    expect(reverted).toMatchObject({ current: first.release, removedRelease: second.release });
    expect(await store.releases('acme.example')).toEqual([first.release]);
    expect(await store.revert('acme.example', second)).toMatchObject({ current: first.release, removedRelease: null });
    const gone = await store.revert('acme.example', first);
    expect(gone).toMatchObject({ current: null, removedRelease: first.release });
    expect(existsSync(join(root, 'sites/acme.example'))).toBe(false);
    expect(await store.revert('acme.example', first)).toMatchObject({ current: null, removedRelease: null });
  });

  it('refuses domains and release ids that could leave the sites folder', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const a = stagedSite(root, 'a', { 'index.html': 'A' });
    for (const domain of ['../etc', 'acme.example/../../x', '/abs.example', '.hidden.example', 'ACME..example']) {
      await expect(store.publish(domain, a.dir, a.hash)).rejects.toThrow(/not a domain name/);
    }
    expect(() => store.releaseDir('acme.example', '../../x')).toThrow(/not a release id/);
    await expect(store.publish('acme.example', a.dir, 'not-a-hash')).rejects.toThrow(/not a sha256/);
  });
});

describe(BuiltinSiteHost.name, () => {
  let root: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'bf-host-'));
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const site = stagedSite(root, 'acme', { 'index.html': '<!doctype html><h1>Acme</h1>', 'about/index.html': 'about', 'css/site.css': 'body{}', 'robots.txt': 'User-agent: *', '.secret': 'no' });
    await store.publish('acme.example', site.dir, site.hash);
    writeFileSync(join(root, 'outside.txt'), 'outside');
    // A symlink inside a release that leads out of it must not be followed.
    symlinkSync(join(root, 'outside.txt'), join(root, 'sites/acme.example/current/escape.txt'));
    const app = express();
    app.use(new BuiltinSiteHost(join(root, 'sites')).middleware());
    app.use((req, res) => res.json({ api: true, path: req.path }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('serves index.html for / and directories by Host header, also for www. and with a port, with content types', async () => {
    for (const host of ['acme.example', 'www.acme.example', `ACME.example:${port}`]) {
      const home = await rawGet(port, host, '/');
      expect([home.status, home.type, home.body.toString()]).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><h1>Acme</h1>']);
    }
    expect((await rawGet(port, 'acme.example', '/about/')).body.toString()).toBe('about');
    expect((await rawGet(port, 'acme.example', '/css/site.css')).type).toBe('text/css; charset=utf-8');
    expect((await rawGet(port, 'acme.example', '/robots.txt')).type).toMatch(/^text\/plain/);
  });

  it('answers 404 for missing files, hidden files, traversal attempts and symlinks that lead out of the release', async () => {
    for (const path of ['/missing.html', '/.secret', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/css/..%5c..%5cetc', '/escape.txt', '/%00', '/%zz']) {
      const response = await rawGet(port, 'acme.example', path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body.toString()).not.toContain('root:');
    }
  });

  it('passes other hosts, unknown domains and /api/ paths on to the API', async () => {
    for (const [host, path] of [['127.0.0.1', '/'], ['localhost', '/index.html'], ['other.example', '/'], ['acme.example', '/api/v1/x'], ['../sites', '/']]) {
      const response = await rawGet(port, host, path);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body.toString())).toEqual({ api: true, path });
    }
  });
});

/** Deploy steps hold a lazily started browser: closed once the file is done, like on module shutdown. */
const openDeploySteps: DeployWebsiteStep[] = [];
afterAll(() => Promise.all(openDeploySteps.map((step) => step.onModuleDestroy())));

/** Debian installs nginx into /usr/sbin, which a non-root PATH may lack. */
const nginxBin = [process.env.NGINX_BIN, '/usr/sbin/nginx', 'nginx'].find((bin) => bin && spawnSync(bin, ['-v']).status === 0);
const withNginx = nginxBin ? it : (name: string, fn: () => Promise<void>) => it.skip(`${name} (skipped: nginx is not installed)`, fn);

/** The status a host answers once a reload has settled (or the last one seen after 3 s). */
async function eventuallyStatus(port: number, host: string, expected: number): Promise<number> {
  let status = 0;
  for (const deadline = Date.now() + 3000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    status = (await rawGet(port, host, '/')).status;
    if (status === expected) break;
  }
  return status;
}


describe('nginx web target (Debian nginx with a private prefix on an unprivileged port)', () => {
  let root: string;
  let nginx: ChildProcess | undefined;
  let listenPort: number;
  let settings: { confDir: string; bin: string; prefix: string; conf: string; listenPort: number };

  beforeAll(async () => {
    if (!nginxBin) return;
    root = mkdtempSync(join(tmpdir(), 'bf-nginx-'));
    listenPort = await freePort();
    for (const dir of ['conf.d', 'logs', 'tmp']) mkdirSync(join(root, dir));
    const conf = join(root, 'nginx.conf');
    writeFileSync(
      conf,
      [
        // Workers run as the test's user, so they can read its temp folders.
        ...(process.getuid?.() === 0 ? ['user root;'] : []),
        'worker_processes 1;',
        `pid ${root}/nginx.pid;`,
        `error_log ${root}/logs/error.log;`,
        'events { worker_connections 64; }',
        'http {',
        '  include /etc/nginx/mime.types;',
        `  access_log ${root}/logs/access.log;`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${root}/tmp/${t};`),
        `  server { listen ${listenPort} default_server; return 421; }`,
        `  include ${root}/conf.d/*.conf;`,
        '}',
        '',
      ].join('\n'),
    );
    settings = { confDir: join(root, 'conf.d'), bin: nginxBin, prefix: root, conf, listenPort };
    nginx = spawn(nginxBin, ['-p', root, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
    const health = new SiteHealthCheck(500);
    for (let i = 0; i < 100; i++) {
      if ((await health.check('nothing.example', { host: '127.0.0.1', port: listenPort }, '')).status === 421) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    if (!nginx) return;
    nginx.kill('SIGQUIT');
    await new Promise((r) => (nginx!.exitCode !== null ? r(null) : nginx!.once('exit', r)));
  });

  withNginx('deploys through nginx -t and a reload, serves the site by Host header with the generated index, and rollback removes the block', async () => {
    const store = new SiteReleaseStore(join(root, 'sites'), 5);
    const target = new NginxSiteTarget(settings);
    const health = new SiteHealthCheck();
    const site = stagedSite(root, 'acme', { 'index.html': '<!doctype html><title>Acme</title>', 'about/index.html': 'about' });
    const published = await store.publish('acme.example', site.dir, site.hash);
    const applied = await target.apply('acme.example', published.currentLink);
    expect(applied.server_block).toContain('server_name acme.example www.acme.example;');
    expect(applied.server_block).toContain(`root ${published.currentLink};`);
    expect(applied.test_output).toMatch(/test is successful/);

    for (const host of ['acme.example', 'www.acme.example']) {
      const served = await health.checkUntilMatches(host, { host: '127.0.0.1', port: listenPort }, site.indexSha, 3000);
      expect(served).toMatchObject({ status: 200, sha256: site.indexSha, matches: true });
    }
    expect((await rawGet(listenPort, 'acme.example', '/about/')).body.toString()).toBe('about');
    // The same block again: nothing to reload.
    expect((await target.apply('acme.example', published.currentLink)).changed).toBe(false);

    expect(await store.revert('acme.example', published)).toMatchObject({ current: null });
    expect(await target.remove('acme.example')).toMatchObject({ removed: true });
    expect(existsSync(applied.conf_path)).toBe(false);
    expect(await target.remove('acme.example')).toMatchObject({ removed: false });
    await expect(eventuallyStatus(listenPort, 'acme.example', 421)).resolves.toBe(421);
  });

  withNginx('runs website.generate and website.deploy live with WEB_TARGET=nginx: server block in the result, health check by Host header, rollback of both', async () => {
    const config = loadConfig({
      DATA_DIR: join(root, 'data'),
      TEMPLATES_DIR: join(__dirname, '../../templates'),
      WEB_TARGET: 'nginx',
      NGINX_CONF_DIR: settings.confDir,
      NGINX_BIN: settings.bin,
      NGINX_PREFIX: settings.prefix,
      NGINX_CONF: settings.conf,
      NGINX_LISTEN_PORT: String(listenPort),
    });
    const generate = new GenerateWebsiteStep(config);
    const deploy = new DeployWebsiteStep(config);
    openDeploySteps.push(deploy);
    const base = { tenantId: 't', planId: 'plan_000000000001', runId: 'run_000000000001', attempt: 1, isLastAttempt: true, dryRun: false, templateId: null, runState: {} };
    const genContext: StepContext = { ...base, stepId: 'step_gen', idempotencyKey: 'run_000000000001.step_gen', parameters: { business_name: 'Nginx Works GmbH', domain: 'nginx-works.example', pages: ['home', 'contact'], primary_color: '#1e40af' } };
    const generated = await generate.execute(genContext);
    const again = await generate.execute(genContext);
    expect(again.outputs).toEqual(generated.outputs);
    const depContext: StepContext = { ...base, stepId: 'step_dep', idempotencyKey: 'run_000000000001.step_dep', parameters: { domain: 'nginx-works.example' }, runState: { ...generated.outputs } };
    const deployed = await deploy.execute(depContext);
    expect(deployed.result).toMatchObject({ mode: 'live', target: 'nginx', status: 'deployed', previous_release: null, health_check: { status: 200, sha256: generated.outputs!.site_index_sha256, matches: true } });
    expect(deployed.result.server_block).toContain('server_name nginx-works.example www.nginx-works.example;');
    // The evidence: the server block nginx accepted, and the check's JSON.
    expect(deployed.artifacts?.find((a) => a.name === 'nginx_config.conf')).toEqual({ name: 'nginx_config.conf', content: deployed.result.server_block, mediaType: 'text/plain' });
    expect(JSON.parse(String(deployed.artifacts?.find((a) => a.name === 'health_check_result.json')?.content))).toEqual(deployed.result.health_check);
    // The published staging folder is removed; a retry below still finds its release.
    expect(existsSync(String(generated.outputs!.site_staging_dir))).toBe(false);
    expect(deployed.outputs).toMatchObject({ deployed_url: 'http://nginx-works.example/' });
    if (config.site.chromiumPath) {
      // Photographed through nginx by Host header, no DNS involved.
      expect(deployed.result.screenshot).toMatchObject({ taken: true, width: 1280, height: 800 });
      expect(deployed.artifacts?.find((a) => a.name === '/screenshots/website_homepage.png')?.mediaType).toBe('image/png');
    }
    // A retry of the same step keeps its record; a new run with the same content is a no-op.
    expect((await deploy.execute(depContext)).result).toMatchObject({ status: 'deployed', previous_release: null });
    expect((await deploy.execute({ ...depContext, runId: 'run_000000000002', idempotencyKey: 'run_000000000002.step_dep' })).result).toMatchObject({ status: 'unchanged' });

    const undone = await deploy.rollback(depContext, deployed);
    expect(undone.result.undone).toEqual(expect.arrayContaining([expect.stringMatching(/^removed the nginx server block .* and reloaded nginx$/)]));
    expect(readdirSync(settings.confDir)).toEqual([]);
    expect(existsSync(join(root, 'data/sites/nginx-works.example'))).toBe(false);
    expect((await deploy.rollback(depContext, deployed)).result.undone).toEqual(expect.arrayContaining([expect.stringMatching(/already gone$/)]));
    expect((await generate.rollback(genContext)).result.undone).toMatch(/^nothing: the staging folder .* was already gone$/);
    await expect(eventuallyStatus(listenPort, 'nginx-works.example', 421)).resolves.toBe(421);
  });

  withNginx('fails website.deploy permanently when nginx -t refuses, and leaves neither the block nor the release behind', async () => {
    // A config of its own (never started) whose include folder already holds a broken block, so `nginx -t` fails.
    const brokenRoot = mkdtempSync(join(tmpdir(), 'bf-nginx-broken-'));
    mkdirSync(join(brokenRoot, 'conf.d'));
    writeFileSync(join(brokenRoot, 'conf.d/aa-broken.conf'), 'server { listen 70000; }\n');
    writeFileSync(join(brokenRoot, 'nginx.conf'), `pid ${brokenRoot}/nginx.pid;\nerror_log ${brokenRoot}/error.log;\nevents {}\nhttp { include ${brokenRoot}/conf.d/*.conf; }\n`);
    const config = loadConfig({
      DATA_DIR: join(brokenRoot, 'data'),
      TEMPLATES_DIR: join(__dirname, '../../templates'),
      WEB_TARGET: 'nginx',
      NGINX_CONF_DIR: join(brokenRoot, 'conf.d'),
      NGINX_BIN: settings.bin,
      NGINX_PREFIX: brokenRoot,
      NGINX_CONF: join(brokenRoot, 'nginx.conf'),
      NGINX_LISTEN_PORT: String(listenPort),
    });
    const base = { tenantId: 't', planId: 'plan_000000000003', runId: 'run_000000000003', attempt: 1, isLastAttempt: true, dryRun: false, templateId: null, runState: {} };
    const generated = await new GenerateWebsiteStep(config).execute({ ...base, stepId: 'g', idempotencyKey: 'run_000000000003.g', parameters: { business_name: 'Broken Works', domain: 'broken-works.example', pages: ['home'], primary_color: '#1e40af' } });
    const failure = new DeployWebsiteStep(config).execute({ ...base, stepId: 'd', idempotencyKey: 'run_000000000003.d', parameters: { domain: 'broken-works.example' }, runState: { ...generated.outputs } });
    await expect(failure).rejects.toMatchObject({ name: 'PermanentStepError', message: expect.stringMatching(/^nginx -t rejected the server block for broken-works\.example: .*70000/s) });
    expect(readdirSync(join(brokenRoot, 'conf.d'))).toEqual(['aa-broken.conf']);
    expect(existsSync(join(brokenRoot, 'data/sites/broken-works.example'))).toBe(false);
  });

  withNginx('removes a block nginx -t rejects and fails permanently with nginx\'s message', async () => {
    const broken = new NginxSiteTarget({ ...settings, listenPort: 70000 });
    await expect(broken.apply('broken.example', join(root, 'sites/broken.example/current'))).rejects.toThrow(/nginx -t rejected the server block for broken\.example: .*70000/s);
    expect(readdirSync(settings.confDir).filter((f) => f.includes('broken'))).toEqual([]);
  });
});
