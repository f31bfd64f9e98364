import { Inject, Injectable } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { PreflightCheck, PreflightResult, PreflightSubject, usesAction } from './preflight-check';

const run = promisify(execFile);

/**
 * A live deploy needs its web host: the built-in host is the gateway itself;
 * nginx needs NGINX_CONF_DIR and must accept its configuration (`nginx -t`, with
 * `-p`/`-c` when set), so a deploy never starts against an nginx that cannot load.
 */
@Injectable()
export class WebTargetCheck implements PreflightCheck {
  readonly name = 'web_target';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun || !usesAction(subject, (action) => action === 'website.deploy')) return [];
    const { target, nginx } = this.config.web;
    if (target === 'builtin') {
      return [{ check: this.name, passed: true, detail: `WEB_TARGET=builtin: the gateway serves deployed sites by Host header on PORT ${this.config.http.port}` }];
    }
    if (!nginx.confDir) return [{ check: this.name, passed: false, detail: 'WEB_TARGET=nginx needs NGINX_CONF_DIR, which is not set' }];
    const args = [...(nginx.prefix ? ['-p', nginx.prefix] : []), ...(nginx.conf ? ['-c', nginx.conf] : []), '-t'];
    try {
      await run(nginx.bin, args, { timeout: this.config.preflight.timeoutMs });
      return [{ check: this.name, passed: true, detail: `WEB_TARGET=nginx: ${nginx.bin} ${args.join(' ')} accepts the configuration; server blocks go to ${nginx.confDir}` }];
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
      const why =
        failure.code === 'ENOENT' ? `NGINX_BIN ${nginx.bin} is not installed or not on PATH`
        : failure.killed ? `no answer within PREFLIGHT_TIMEOUT_MS=${this.config.preflight.timeoutMs}`
        : (failure.stderr ?? failure.message).trim();
      return [{ check: this.name, passed: false, detail: `WEB_TARGET=nginx: ${nginx.bin} ${args.join(' ')} failed: ${why}` }];
    }
  }
}
