import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

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

  withTool('promtool')('deploy/prometheus/prometheus.yml passes promtool', () => {
    const out = execFileSync('promtool', ['check', 'config', join(root, 'deploy/prometheus/prometheus.yml')]).toString();
    expect(out).toMatch(/SUCCESS/);
  });
});
