import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppConfig } from '@bf/config';
import { PermanentStepError } from '@bf/step-sdk';
import { DeployOperation, measureDeploy } from './deploy-metrics';
import { assertSiteDomain } from './site-content';

const run = promisify(execFile);

export interface NginxApplyOutcome {
  conf_path: string;
  server_block: string;
  /** False when an identical block was already in place (nothing reloaded). */
  changed: boolean;
  test_output: string;
}

/**
 * The nginx web host: one server block per domain (and www) in NGINX_CONF_DIR,
 * its root the site's `current` symlink, checked with `nginx -t` before a reload.
 */
export class NginxSiteTarget {
  constructor(private readonly nginx: AppConfig['web']['nginx']) {}

  confPath(domain: string): string {
    if (!this.nginx.confDir) throw new PermanentStepError('WEB_TARGET=nginx but NGINX_CONF_DIR is not set');
    return join(this.nginx.confDir, `bf-site-${assertSiteDomain(domain)}.conf`);
  }

  serverBlock(domain: string, currentLink: string): string {
    assertSiteDomain(domain);
    return [
      `# Business Factory site ${domain}: generated, replaced on every deploy.`,
      'server {',
      `    listen ${this.nginx.listenPort};`,
      `    server_name ${domain} www.${domain};`,
      `    root ${currentLink};`,
      '    index index.html;',
      '    disable_symlinks off;',
      '    location / {',
      '        try_files $uri $uri/ =404;',
      '    }',
      '}',
      '',
    ].join('\n');
  }

  /** Writes the block, runs `nginx -t` (removing the block again and failing permanently if it fails), then reloads. */
  async apply(domain: string, currentLink: string): Promise<NginxApplyOutcome> {
    const path = this.confPath(domain);
    const block = this.serverBlock(domain, currentLink);
    const before = await readFile(path, 'utf8').catch(() => null);
    await mkdir(this.nginx.confDir!, { recursive: true });
    const temp = `${path}.tmp`;
    await writeFile(temp, block);
    await rename(temp, path);
    const test = await this.exec('nginx_test', ['-t']);
    if (!test.ok) {
      if (before === null) await rm(path, { force: true });
      else await writeFile(path, before);
      throw new PermanentStepError(`nginx -t rejected the server block for ${domain}: ${test.output.trim()}`);
    }
    if (before !== block) await this.reload();
    return { conf_path: path, server_block: block, changed: before !== block, test_output: test.output.trim() };
  }

  /** Removes the domain's block and reloads. Safe to run twice. */
  async remove(domain: string): Promise<{ conf_path: string; removed: boolean }> {
    const path = this.confPath(domain);
    const present = (await readFile(path, 'utf8').catch(() => null)) !== null;
    if (present) {
      await rm(path, { force: true });
      await this.reload();
    }
    return { conf_path: path, removed: present };
  }

  private async reload(): Promise<void> {
    const reload = await this.exec('nginx_reload', ['-s', 'reload']);
    // A failed reload (nginx not running, signal refused) may pass on retry: transient.
    if (!reload.ok) throw new Error(`nginx -s reload failed: ${reload.output.trim()}`);
  }

  /** Every nginx command goes through here, so each is measured (deploy/nginx, nginx_test or nginx_reload); a refusal counts as a fault. */
  private exec(operation: DeployOperation, args: string[]): Promise<{ ok: boolean; output: string; timedOut?: boolean }> {
    return measureDeploy('nginx', operation, () => this.run(args), { judge: (result) => (result.ok ? null : result.timedOut ? 'timeout' : 'fault') });
  }

  private async run(args: string[]): Promise<{ ok: boolean; output: string; timedOut?: boolean }> {
    const base = [...(this.nginx.prefix ? ['-p', this.nginx.prefix] : []), ...(this.nginx.conf ? ['-c', this.nginx.conf] : [])];
    try {
      const { stdout, stderr } = await run(this.nginx.bin, [...base, ...args], { timeout: 15_000 });
      return { ok: true, output: `${stdout}${stderr}` };
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string; killed?: boolean };
      if (failure.code === 'ENOENT') throw new PermanentStepError(`nginx binary ${this.nginx.bin} not found (NGINX_BIN)`);
      return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message, timedOut: failure.killed === true };
    }
  }
}
