import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsRegistry } from '@bf/observability';

const root = join(__dirname, '../..');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/**
 * The deploy files are checked with the tools that consume them. `.ci/run`
 * installs both (Debian: docker-compose, prometheus); on a machine without
 * them these checks are skipped and say so.
 */
const withTool = (tool: string) => (has(tool) ? it : (name: string, fn: () => void) => it.skip(`${name} (skipped: ${tool} is not installed)`, fn));

describe('deploy files', () => {
  withTool('docker-compose')('docker-compose.yml is valid and runs redis, postgres, the gateway and the seven workers', () => {
    const config = execFileSync('docker-compose', ['config'], { cwd: root, env: { ...process.env, POSTGRES_PASSWORD: 'x' } }).toString();
    for (const service of ['redis', 'postgres', 'gateway', 'intent', 'planner', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence']) {
      expect(config).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
    expect(config).toMatch(/healthcheck:/);
    const services = execFileSync('docker-compose', ['--profile', 'observability', 'config', '--services'], { cwd: root }).toString().split('\n');
    expect(services).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
    // The embedded DNS server is reachable from outside the dns container; PowerDNS is an opt-in profile.
    expect(config).toMatch(/DNS_SERVER_HOST: 0\.0\.0\.0/);
    const withPowerDns = execFileSync('docker-compose', ['--profile', 'powerdns', 'config'], { cwd: root, env: { ...process.env, PDNS_API_KEY: 'compose-check-key' } }).toString();
    expect(withPowerDns).toMatch(/^  powerdns:\n(    .*\n)*    profiles:\n    - powerdns$/m);
    expect(withPowerDns).toMatch(/--api-key=compose-check-key/);
  });

  withTool('docker-compose')('the odoo profile adds Odoo 17 and its database, sharing the generated-addons volume with the odoo worker', () => {
    const env = { ...process.env, ODOO_URL: 'http://odoo-server:8069', ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: 'compose-check-pw', ODOO_ADDONS_PATH: '/mnt/generated-addons' };
    execFileSync('docker-compose', ['--profile', 'odoo', 'config', '-q'], { cwd: root, env });
    const config = execFileSync('docker-compose', ['--profile', 'odoo', 'config'], { cwd: root, env }).toString();
    const service = (name: string) => new RegExp(`^  ${name}:\\n((?:    .*\\n|\\s*\\n)*)`, 'm').exec(config)?.[1] ?? '';
    const server = service('odoo-server');
    expect(server).toMatch(/^    image: odoo:17$/m);
    expect(server).toMatch(/^    profiles:\n    - odoo$/m);
    expect(server).toMatch(/HOST: odoo-db/);
    expect(server).toMatch(/- odoo-generated-addons:\/mnt\/generated-addons:ro/);
    expect(server).toMatch(/--addons-path=\/mnt\/extra-addons,\/mnt\/generated-addons/);
    expect(service('odoo-db')).toMatch(/^    profiles:\n    - odoo$/m);
    const worker = service('odoo');
    expect(worker).toMatch(/ODOO_URL: http:\/\/odoo-server:8069/);
    expect(worker).toMatch(/ODOO_ADDONS_PATH: \/mnt\/generated-addons/);
    expect(worker).toMatch(/- odoo-generated-addons:\/mnt\/generated-addons:rw/);
    // the password reaches the worker from the environment only
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/compose-check-pw/);
    expect(worker).toMatch(/ODOO_PASSWORD: compose-check-pw/);
    // the default stack neither starts Odoo nor points the worker at it
    const defaults = execFileSync('docker-compose', ['config'], { cwd: root, env: { ...process.env, POSTGRES_PASSWORD: 'x' } }).toString();
    expect(/^  odoo:\n((?:    .*\n)*)/m.exec(defaults)?.[1]).toMatch(/ODOO_URL: ''/);
  });

  it("the runtime image installs php-cli and prlimit for the plugin forge's build and sandbox steps", () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));
    expect(runtime).toMatch(/^FROM /);
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends [^\n]*\bphp-cli\b/);
    expect(runtime).toMatch(/apt-get install [^\n]*\butil-linux\b/);
    expect(runtime).toMatch(/^ENV FORGE_PHP_BIN=\/usr\/bin\/php$/m);
  });

  withTool('promtool')('deploy/prometheus/prometheus.yml passes promtool', () => {
    const out = execFileSync('promtool', ['check', 'config', join(root, 'deploy/prometheus/prometheus.yml')]).toString();
    expect(out).toMatch(/SUCCESS/);
  });

  withTool('promtool')('the alerting and recording rules pass promtool and only use metrics the services expose', () => {
    const out = execFileSync('promtool', ['check', 'rules', join(root, 'deploy/prometheus/rules.yml')]).toString();
    expect(out).toMatch(/SUCCESS: 15 rules found/);
    const rules = readFileSync(join(root, 'deploy/prometheus/rules.yml'), 'utf8');
    for (const alert of ['RunSuccessRatioBelowSLO', 'StepTooSlow', 'QueueBacklogGrowing', 'JobsFailing', 'FailedJobsPiling', 'ServiceDown', 'IntegrationErrorRatioHigh', 'ForgeJobSuccessRatioBelowSLO', 'ForgeSigningFailed']) expect(rules).toContain(`alert: ${alert}`);
    expect(rules).toContain('record: bf:forge_job_success_ratio:1h');
    const exposed = new Set(metricsRegistry.getMetricsAsArray().map((metric) => metric.name));
    const used = [...new Set(rules.match(/\bbf_[a-z_]+/g) ?? [])].map((name) => name.replace(/_(bucket|count|sum)$/, ''));
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('provisions Grafana with five dashboards whose every query uses metrics the services expose or the rules record', () => {
    const datasource = readFileSync(join(root, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8');
    expect(datasource).toMatch(/uid: bf-prometheus/);
    const recorded = new Set([...readFileSync(join(root, 'deploy/prometheus/rules.yml'), 'utf8').matchAll(/record: (bf:[a-z0-9_:]+)/g)].map((match) => match[1]));
    const exposed = new Set(metricsRegistry.getMetricsAsArray().map((metric) => metric.name));
    const folder = join(root, 'deploy/grafana/dashboards');
    const files = readdirSync(folder).sort();
    expect(files).toEqual(['api.json', 'forge.json', 'integrations.json', 'pipeline-overview.json', 'queues.json']);
    const uids = new Set<string>();
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(folder, file), 'utf8'));
      uids.add(dashboard.uid);
      expect(dashboard.panels.length).toBeGreaterThanOrEqual(4);
      expect(new Set(dashboard.panels.map((panel: any) => panel.id)).size).toBe(dashboard.panels.length);
      for (const panel of dashboard.panels) {
        expect(panel.datasource).toEqual({ type: 'prometheus', uid: 'bf-prometheus' });
        for (const target of panel.targets) {
          const metrics = [...new Set(target.expr.match(/\bbf_[a-z_]+/g) ?? [])].map((name: any) => String(name).replace(/_(bucket|count|sum)$/, ''));
          const rules = target.expr.match(/\bbf:[a-z0-9_:]+/g) ?? [];
          expect({ file, panel: panel.title, unknown: [...metrics.filter((name) => !exposed.has(name)), ...rules.filter((name: string) => !recorded.has(name))] }).toEqual({ file, panel: panel.title, unknown: [] });
          // Every query reads a metric, except a constant line such as the SLO's vector(0.95).
          if (!/^vector\(/.test(target.expr)) expect(metrics.length + rules.length).toBeGreaterThan(0);
        }
      }
    }
    expect(uids.size).toBe(files.length);
  });
});
