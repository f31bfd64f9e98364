import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { freePort } from '../support/net';

const root = join(__dirname, '../..');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const withCompose = has('docker-compose') ? it : (name: string, fn: () => void) => it.skip(`${name} (skipped: docker-compose is not installed)`, fn);
/** Debian installs nginx into /usr/sbin, which a non-root PATH may lack. */
const nginxBin = [process.env.NGINX_BIN, '/usr/sbin/nginx', 'nginx'].find((bin) => bin && spawnSync(bin, ['-v']).status === 0);
const withNginx = nginxBin ? it : (name: string, fn: () => Promise<void>) => it.skip(`${name} (skipped: nginx is not installed)`, fn);

const WORKERS = ['intent', 'planner', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence'];
const APPS = ['gateway', ...WORKERS];
/** The full stack of issue 9 (Odoo itself is `odoo-server`: `odoo` is the worker). */
const FULL_STACK = ['redis', 'postgres', ...APPS, 'nginx', 'powerdns', 'prometheus', 'grafana', 'odoo-server', 'odoo-db'];

type Service = { image?: string; ports?: unknown[]; expose?: unknown[]; profiles?: string[]; healthcheck?: { test: string[] }; environment?: Record<string, string>; volumes?: string[]; stop_grace_period?: string };
const composeConfig = (args: string[]) => {
  const env = { ...process.env, POSTGRES_PASSWORD: 'x', PDNS_API_KEY: 'compose-check-key' };
  return load(execFileSync('docker-compose', [...args, 'config'], { cwd: root, env }).toString()) as { services: Record<string, Service> };
};
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? NaN);

/**
 * docker-compose.yml as the full stack: every service there with a healthcheck,
 * volumes where it keeps state, and its environment; the apps get the time to
 * shut down gracefully before Docker kills them. Checked through Debian's
 * docker-compose itself (it parses, interpolates and normalises the file).
 */
describe('docker-compose stack', () => {
  withCompose('runs the full stack (profile full) with a healthcheck on every service', () => {
    const { services } = composeConfig(['--profile', 'full']);
    expect(Object.keys(services)).toEqual(expect.arrayContaining(FULL_STACK));
    for (const name of FULL_STACK) {
      const test = services[name].healthcheck?.test ?? [];
      expect({ name, healthcheck: test.length > 1 }).toEqual({ name, healthcheck: true });
    }
  });

  withCompose('keeps state in named volumes and gives every app its environment and a stop grace period beyond SHUTDOWN_TIMEOUT_MS', () => {
    const { services } = composeConfig(['--profile', 'full']);
    const volume = (name: string, target: string) => (services[name].volumes ?? []).some((v) => new RegExp(`^[a-z-]+:${target}(:|$)`).test(v));
    const stateful: [string, string][] = [
      ['redis', '/data'],
      ['postgres', '/var/lib/postgresql/data'],
      ['gateway', '/app/var'],
      ['webgen', '/app/var'],
      ['forge-sign', '/app/var'],
      ['evidence', '/app/var'],
      ['nginx', '/app/var'],
      ['powerdns', '/var/lib/powerdns'],
      ['prometheus', '/prometheus'],
      ['grafana', '/var/lib/grafana'],
      ['odoo-server', '/var/lib/odoo'],
      ['odoo-db', '/var/lib/postgresql/data'],
    ];
    for (const [name, target] of stateful) expect({ name, target, volume: volume(name, target) }).toEqual({ name, target, volume: true });
    for (const name of APPS) {
      const env = services[name].environment ?? {};
      expect({ name, keys: ['REDIS_URL', 'DATABASE_URL', 'QUEUE_PREFIX', 'SHUTDOWN_TIMEOUT_MS', 'DB_POOL_MAX'].filter((key) => !(key in env)) }).toEqual({ name, keys: [] });
      expect(seconds(services[name].stop_grace_period ?? '') * 1000).toBeGreaterThan(Number(env.SHUTDOWN_TIMEOUT_MS));
    }
    // nginx reads the deployed sites, never writes them.
    expect(services.nginx.volumes).toEqual(expect.arrayContaining(['var:/app/var:ro', `${join(root, 'deploy/nginx')}:/etc/nginx/conf.d:ro`]));
    expect(services.postgres.environment).toMatchObject({ POSTGRES_DB: 'business_factory', POSTGRES_PASSWORD: 'x' });
  });

  withCompose('starts nginx, Prometheus and Grafana by default; PowerDNS and Odoo only with their profiles (or `full`)', () => {
    // docker-compose 1.29's `config` lists every service whatever the profiles: what starts by default is what has none.
    const { services } = composeConfig([]);
    const byDefault = Object.keys(services).filter((name) => !services[name].profiles?.length);
    expect(byDefault.sort()).toEqual(['redis', 'postgres', ...APPS, 'nginx', 'prometheus', 'grafana'].sort());
    expect(services.powerdns.profiles?.sort()).toEqual(['full', 'powerdns']);
    for (const name of ['odoo-server', 'odoo-db', 'odoo-addons-init']) expect({ name, profiles: services[name].profiles?.sort() }).toEqual({ name, profiles: ['full', 'odoo'] });
  });

  withCompose('puts the gateway behind nginx only: port 8000 not published, TRUST_PROXY one hop (nginx)', () => {
    const { services } = composeConfig(['--profile', 'full']);
    // Published, a client could reach the gateway past nginx and pick its own X-Forwarded-For.
    expect(services.gateway.ports ?? []).toEqual([]);
    expect(services.gateway.environment).toMatchObject({ TRUST_PROXY: '1' });
    expect(services.nginx.ports?.length).toBe(1);
  });

  describe('deploy/nginx/default.conf (Debian nginx, private prefix)', () => {
    let dir: string;
    let nginx: ChildProcess | undefined;
    let gateway: Server;
    let port = 0;
    const seen: { host?: string; url?: string }[] = [];
    const forwarded: { xff?: string | string[]; realIp?: string | string[] }[] = [];
    const get = async (host: string, path: string, extraHeaders: Record<string, string> = {}) => {
      const { request } = await import('node:http');
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers: { ...extraHeaders, host } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    };

    beforeAll(async () => {
      if (!nginxBin) return;
      dir = mkdtempSync(join(tmpdir(), 'bf-compose-nginx-'));
      for (const sub of ['conf.d', 'logs', 'tmp', 'var/sites/acme-site.example/releases/r1']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'var/sites/acme-site.example/releases/r1/index.html'), '<h1>acme</h1>\n');
      // As website.deploy leaves it: a relative `current` symlink.
      symlinkSync(join('releases', 'r1'), join(dir, 'var/sites/acme-site.example/current'));
      // Stands in for the gateway upstream: records what nginx forwards.
      gateway = createServer((req, res) => {
        seen.push({ host: req.headers.host, url: req.url });
        forwarded.push({ xff: req.headers['x-forwarded-for'], realIp: req.headers['x-real-ip'] });
        res.end('gateway');
      });
      await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
      port = await freePort();
      // The file as compose mounts it, with only its addresses moved onto this machine.
      const conf = readFileSync(join(root, 'deploy/nginx/default.conf'), 'utf8')
        .replace('server gateway:8000;', `server 127.0.0.1:${(gateway.address() as AddressInfo).port};`)
        .replace('listen 80 default_server;', `listen ${port} default_server;`)
        .replaceAll('/etc/nginx/conf.d/', `${dir}/conf.d/`)
        .replace('root /app/var/', `root ${dir}/var/`);
      writeFileSync(join(dir, 'conf.d/default.conf'), conf);
      writeFileSync(join(dir, 'conf.d/bf-proxy.inc'), readFileSync(join(root, 'deploy/nginx/bf-proxy.inc')));
      writeFileSync(
        join(dir, 'nginx.conf'),
        [
          ...(process.getuid?.() === 0 ? ['user root;'] : []),
          'worker_processes 1;',
          `pid ${dir}/nginx.pid;`,
          `error_log ${dir}/logs/error.log;`,
          'events { worker_connections 64; }',
          'http {',
          '  include /etc/nginx/mime.types;',
          `  access_log ${dir}/logs/access.log;`,
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
          `  include ${dir}/conf.d/default.conf;`,
          '}',
          '',
        ].join('\n'),
      );
      execFileSync(nginxBin, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
      nginx = spawn(nginxBin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (await get('localhost', '/nginx-health').then((r) => r.status === 200, () => false)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    afterAll(async () => {
      if (nginx) {
        nginx.kill('SIGQUIT');
        await new Promise((resolve) => (nginx!.exitCode !== null ? resolve(null) : nginx!.once('exit', resolve)));
      }
      gateway?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    withNginx('serves a deployed site by Host (and www.) from DATA_DIR/sites/<domain>/current, and everything else from the gateway', async () => {
      expect(await get('localhost', '/nginx-health')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get('acme-site.example', '/')).toEqual({ status: 200, body: '<h1>acme</h1>\n' });
      expect(await get('www.acme-site.example', '/index.html')).toEqual({ status: 200, body: '<h1>acme</h1>\n' });
      seen.length = 0;
      // The API on a site's host, a file the site lacks, an unknown host, and a host that is no domain: the gateway's.
      for (const [host, path] of [['acme-site.example', '/api/health'], ['acme-site.example', '/missing.html'], ['other.example', '/'], ['localhost', '/health/ready']]) {
        expect(await get(host, path)).toEqual({ status: 200, body: 'gateway' });
      }
      expect(seen).toEqual([
        { host: 'acme-site.example', url: '/api/health' },
        { host: 'acme-site.example', url: '/missing.html' },
        { host: 'other.example', url: '/' },
        { host: 'localhost', url: '/health/ready' },
      ]);
      // No path can be smuggled through the Host header.
      expect((await get('..', '/')).status).toBe(400);
    });

    withNginx("tells the gateway the client's address, never one the client wrote itself (X-Forwarded-For replaced, X-Real-IP)", async () => {
      forwarded.length = 0;
      expect((await get('localhost', '/api/v1/runs', { 'x-forwarded-for': '203.0.113.66', 'x-real-ip': '203.0.113.67' })).body).toBe('gateway');
      expect((await get('acme-site.example', '/missing.html', { 'x-forwarded-for': '203.0.113.66, 198.51.100.1' })).body).toBe('gateway');
      expect((await get('localhost', '/health/ready')).body).toBe('gateway');
      expect(forwarded).toEqual([
        { xff: '127.0.0.1', realIp: '127.0.0.1' },
        { xff: '127.0.0.1', realIp: '127.0.0.1' },
        { xff: '127.0.0.1', realIp: '127.0.0.1' },
      ]);
    });
  });
});
