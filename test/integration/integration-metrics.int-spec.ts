import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, RequestListener, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { DataSource } from 'typeorm';
import { loadConfig } from '@bf/config';
import { BriefingSchema } from '@bf/contracts';
import { createDnsProvider, DNS_PROVIDER_FACTORY, queryDns } from '@bf/dns';
import { INTEGRATION_ERROR_KINDS, integrationCallDuration, integrationCallErrors, metricsRegistry } from '@bf/observability';
import { OdooApi, OdooClient } from '@bf/odoo';
import { StepContext, StepOutcome } from '@bf/step-sdk';
import { websiteVariables } from '@bf/templates';
import { BuiltinSiteHost } from '../../apps/gateway/src/http/builtin-site-host';
import { NginxSiteTarget } from '../../apps/webgen/src/deploy';
import { DeployWebsiteStep } from '../../apps/webgen/src/deploy-website.step';
import { GenerateWebsiteStep } from '../../apps/webgen/src/generate-website.step';
import { closedPortUrl } from '../doubles/http-double';
import { OdooDouble } from '../doubles/odoo-xmlrpc.double';
import { PowerDnsServer, startPowerDns } from '../support/pdns-server';

type Labels = Record<string, string>;

/** Calls recorded so far with these labels (the histogram's _count), read from the registry Prometheus scrapes. */
async function calls(labels: Labels): Promise<number> {
  const { values } = await integrationCallDuration.get();
  return values.filter((v) => v.metricName === 'bf_integration_call_duration_seconds_count' && matches(v.labels, labels)).reduce((sum, v) => sum + v.value, 0);
}

async function errors(labels: Labels): Promise<number> {
  const { values } = await integrationCallErrors.get();
  return values.filter((v) => matches(v.labels, labels)).reduce((sum, v) => sum + v.value, 0);
}

function matches(actual: Record<string, unknown>, wanted: Labels): boolean {
  return Object.entries(wanted).every(([name, value]) => actual[name] === value);
}

/** How much each labelled count moved while `work` ran. */
async function moved(work: () => Promise<unknown>, watch: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const before = Object.fromEntries(await Promise.all(Object.entries(watch).map(async ([name, read]) => [name, await read()] as const)));
  await work();
  return Object.fromEntries(await Promise.all(Object.entries(watch).map(async ([name, read]) => [name, (await read()) - before[name]] as const)));
}

async function rejects(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(Error);
}

describe('integration call metrics (bf_integration_call_duration_seconds, bf_integration_call_errors_total)', () => {
  describe('dns: every provider built by the factory, against a real pdns_server, and the verification queries', () => {
    let server: PowerDnsServer;
    const noDatabase = {} as DataSource; // PowerDNS keeps its own records
    const powerDns = (env: Record<string, string> = {}) =>
      createDnsProvider(loadConfig({ DNS_PROVIDER: 'powerdns', PDNS_API_URL: server.apiUrl, PDNS_API_KEY: server.apiKey, PDNS_DNS_ADDRESS: `${server.dnsHost}:${server.dnsPort}`, ...env }), noDatabase);

    beforeAll(async () => {
      server = await startPowerDns();
    });
    afterAll(() => server?.stop());

    it('times each provider operation by name, with the provider and outcome, and never the zone', async () => {
      const provider = powerDns();
      const ok = (operation: string) => () => calls({ integration: 'dns', provider: 'powerdns', operation, outcome: 'ok' });
      const delta = await moved(
        async () => {
          const zone = await provider.createZone('metrics-zone.example');
          await provider.upsertRecordSet(zone, { name: 'www.metrics-zone.example', type: 'A', ttl: 60, values: ['192.0.2.7'] });
          expect(await provider.getRecordSet(zone, 'www.metrics-zone.example', 'A')).toMatchObject({ values: ['192.0.2.7'] });
          await provider.listRecordSets(zone);
          await provider.deleteRecordSet(zone, 'www.metrics-zone.example', 'A');
        },
        { create: ok('create_zone'), upsert: ok('upsert_record_set'), get: ok('get_record_set'), list: ok('list_record_sets'), remove: ok('delete_record_set'), failed: () => errors({ integration: 'dns' }) },
      );
      expect(delta).toEqual({ create: 1, upsert: 1, get: 1, list: 1, remove: 1, failed: 0 });
    });

    it('counts a refused API key as auth, an unreachable API as network and a missing configuration as config', async () => {
      const kind = (provider: string, kind: string) => () => errors({ integration: 'dns', provider, operation: 'find_zone', kind });
      const delta = await moved(
        async () => {
          await rejects(powerDns({ PDNS_API_KEY: 'not-the-key' }).findZone('metrics-zone.example'));
          await rejects(powerDns({ PDNS_API_URL: await closedPortUrl() }).findZone('metrics-zone.example'));
          await rejects(DNS_PROVIDER_FACTORY.useFactory(loadConfig({ DNS_PROVIDER: 'hetzner' }), noDatabase).findZone('metrics-zone.example'));
        },
        { auth: kind('powerdns', 'auth'), network: kind('powerdns', 'network'), config: kind('hetzner', 'config'), failedCalls: () => calls({ integration: 'dns', operation: 'find_zone', outcome: 'error' }) },
      );
      expect(delta).toEqual({ auth: 1, network: 1, config: 1, failedCalls: 3 });
    });

    it('times the DNS queries that verify a change, and counts one nobody answers as a timeout', async () => {
      const query = { host: server.dnsHost, port: server.dnsPort, name: 'metrics-zone.example', type: 'SOA', timeoutMs: 2000 };
      const delta = await moved(
        async () => {
          expect((await queryDns(query)).rcode).toBe('NOERROR');
          await expect(queryDns({ ...query, host: '127.0.0.1', port: await unansweredUdpPort(), timeoutMs: 300 })).rejects.toMatchObject({ code: 'ETIMEOUT' });
        },
        {
          ok: () => calls({ integration: 'dns', provider: 'wire', operation: 'query', outcome: 'ok' }),
          timeout: () => errors({ integration: 'dns', provider: 'wire', operation: 'query', kind: 'timeout' }),
        },
      );
      expect(delta).toEqual({ ok: 1, timeout: 1 });
    });
  });

  describe('odoo: every XML-RPC call of the client, against the Odoo double', () => {
    let double: OdooDouble;
    const client = (settings: Partial<{ url: string; password: string }> = {}, timeoutMs?: number) =>
      new OdooClient({ url: double.url, db: 'acme', login: 'admin', password: 'admin-pw', ...settings }, { retry: { attempts: 1 }, ...(timeoutMs ? { timeouts: { defaultMs: timeoutMs } } : {}) });

    beforeAll(async () => {
      double = await OdooDouble.start({ db: 'acme', login: 'admin', password: 'admin-pw' });
    });
    afterAll(() => double?.close());

    it('names the service and execute_kw method (never the model), and counts faults, refused logins, timeouts and unreachable servers by kind', async () => {
      const odoo = (labels: Labels) => () => calls({ integration: 'odoo', provider: 'xmlrpc', ...labels });
      const failed = (operation: string, kind: string) => () => errors({ integration: 'odoo', provider: 'xmlrpc', operation, kind });
      const delta = await moved(
        async () => {
          const api = new OdooApi(client());
          await api.client.version();
          await api.search('res.users', [['login', '=', 'admin']]);
          // a custom method of a model: a fault from Odoo, labelled `other` so no module's own names reach the labels
          await rejects(api.client.executeKw('res.partner', 'frobnicate_metrics', [[1]]));
          await rejects(client({ password: 'wrong' }).executeKw('res.users', 'search', [[]]));
          await rejects(client({ url: await closedPortUrl() }).version());
          double.latencyMs = 400;
          await rejects(client({}, 100).version()).finally(() => (double.latencyMs = 0));
        },
        {
          version: odoo({ operation: 'common.version', outcome: 'ok' }),
          authenticate: odoo({ operation: 'common.authenticate', outcome: 'ok' }),
          search: odoo({ operation: 'object.execute_kw:search', outcome: 'ok' }),
          fault: failed('object.execute_kw:other', 'fault'),
          refusedLogin: failed('common.authenticate', 'auth'),
          network: failed('common.version', 'network'),
          timeout: failed('common.version', 'timeout'),
        },
      );
      expect(delta).toEqual({ version: 1, authenticate: 1, search: 1, fault: 1, refusedLogin: 1, network: 1, timeout: 1 });
    });
  });

  describe('deploy: the website.deploy step on the built-in host, and nginx -t', () => {
    const TEMPLATES_DIR = join(__dirname, '../../templates');
    const parameters = websiteVariables(BriefingSchema.parse(JSON.parse(readFileSync(join(TEMPLATES_DIR, 'briefings/acme-consulting.json'), 'utf8'))));
    let dataDir: string;
    let host: { server: Server; url: string };
    let liar: { server: Server; url: string };
    const steps: DeployWebsiteStep[] = [];
    // CHROMIUM_PATH names no browser, so the screenshot is deterministically not taken: a configuration error.
    const config = (hostUrl: string) => loadConfig({ DATA_DIR: dataDir, TEMPLATES_DIR, BUILTIN_HOST_URL: hostUrl, CHROMIUM_PATH: join(dataDir, 'no-chromium'), LOGO_FETCH: 'false' });

    async function deploy(hostUrl: string, runId: string, domain: string): Promise<StepOutcome> {
      const base = { tenantId: 't', planId: 'plan_000000000042', runId, attempt: 1, isLastAttempt: true, dryRun: false, templateId: null, runState: {} };
      const generated = await new GenerateWebsiteStep(config(hostUrl)).execute({ ...base, stepId: 'step_gen', idempotencyKey: `${runId}.step_gen`, parameters: { ...parameters, domain } } as StepContext);
      const step = new DeployWebsiteStep(config(hostUrl));
      steps.push(step);
      return step.execute({ ...base, stepId: 'step_dep', idempotencyKey: `${runId}.step_dep`, parameters: { domain }, runState: { ...generated.outputs } } as StepContext);
    }

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'bf-int-metrics-'));
      const app = express();
      app.use(new BuiltinSiteHost(join(dataDir, 'sites')).middleware());
      host = await listen(app);
      liar = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>not your site</h1>'));
    });
    afterAll(async () => {
      for (const step of steps) await step.onModuleDestroy();
      await new Promise((resolve) => host.server.close(resolve));
      await new Promise((resolve) => liar.server.close(resolve));
    });

    it('times the release switch, health check and screenshot of a deploy, and counts a host serving other content as mismatch', async () => {
      const deployCalls = (operation: string, outcome: string) => () => calls({ integration: 'deploy', provider: 'builtin', operation, outcome });
      const failed = (operation: string, kind: string) => () => errors({ integration: 'deploy', provider: 'builtin', operation, kind });
      const delta = await moved(
        async () => {
          expect((await deploy(host.url, 'run_metricsdep01', 'metrics-deploy.example')).result).toMatchObject({ status: 'deployed', health_check: { matches: true } });
          await expect(deploy(liar.url, 'run_metricsdep02', 'metrics-liar.example')).rejects.toThrow(/does not serve what was generated/);
        },
        {
          switched: deployCalls('release_switch', 'ok'),
          healthy: deployCalls('health_check', 'ok'),
          mismatch: failed('health_check', 'mismatch'),
          reverted: deployCalls('release_revert', 'ok'),
          noBrowser: failed('screenshot', 'config'),
        },
      );
      expect(delta).toEqual({ switched: 2, healthy: 1, mismatch: 1, reverted: 1, noBrowser: 1 });
    });

    const nginxBin = [process.env.NGINX_BIN, '/usr/sbin/nginx', 'nginx'].find((bin) => bin && spawnSync(bin, ['-v']).status === 0);
    (nginxBin ? it : it.skip)('counts a server block nginx -t refuses as a fault of nginx_test', async () => {
      const root = mkdtempSync(join(tmpdir(), 'bf-int-metrics-nginx-'));
      mkdirSync(join(root, 'conf.d'));
      writeFileSync(join(root, 'nginx.conf'), `pid ${root}/nginx.pid;\nerror_log ${root}/error.log;\nevents {}\nhttp { include ${root}/conf.d/*.conf; }\n`);
      const target = new NginxSiteTarget({ confDir: join(root, 'conf.d'), bin: nginxBin!, prefix: root, conf: join(root, 'nginx.conf'), listenPort: 70000 });
      const delta = await moved(() => rejects(target.apply('metrics-nginx.example', join(root, 'current'))), {
        fault: () => errors({ integration: 'deploy', provider: 'nginx', operation: 'nginx_test', kind: 'fault' }),
        failedCalls: () => calls({ integration: 'deploy', provider: 'nginx', operation: 'nginx_test', outcome: 'error' }),
      });
      expect(delta).toEqual({ fault: 1, failedCalls: 1 });
    });
  });

  it('exposes both families with bounded label values only: no domain, zone, model, URL or id', async () => {
    const exposition = await metricsRegistry.metrics();
    expect(exposition).toContain('# TYPE bf_integration_call_duration_seconds histogram');
    expect(exposition).toContain('# TYPE bf_integration_call_errors_total counter');
    const samples = [...(await integrationCallDuration.get()).values, ...(await integrationCallErrors.get()).values];
    expect(samples.length).toBeGreaterThan(10);
    for (const { labels } of samples as Array<{ labels: Record<string, string | number | undefined> }>) {
      expect(['dns', 'odoo', 'deploy']).toContain(labels.integration);
      expect(['embedded', 'powerdns', 'hetzner', 'wire', 'xmlrpc', 'builtin', 'nginx']).toContain(labels.provider);
      expect(String(labels.operation)).toMatch(/^[a-z_]+(\.[a-z_]+(:[a-z_]+)?)?$/);
      if (labels.outcome !== undefined) expect(['ok', 'error']).toContain(labels.outcome);
      if (labels.kind !== undefined) expect(INTEGRATION_ERROR_KINDS).toContain(labels.kind);
    }
    expect(exposition).not.toMatch(/metrics-zone|metrics-deploy|metrics-liar|metrics-nginx|res\.users|res\.partner|frobnicate|127\.0\.0\.1|run_metrics/);
    // Debian's promtool (CI installs it) lints the families with real samples in them; the e2e metrics test lints a whole system.
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
    if (lint.error && (lint.error as NodeJS.ErrnoException).code === 'ENOENT') return;
    expect({ status: lint.status, problems: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({ status: 0, problems: '' });
  });
});

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A UDP port with a bound socket that never answers, so a query to it times out rather than failing fast. */
async function unansweredUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  setTimeout(() => socket.close(), 2000).unref();
  return socket.address().port;
}
