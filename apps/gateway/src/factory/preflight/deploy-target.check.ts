import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { describeFsError } from './probe-errors';
import { PreflightCheck, PreflightResult, PreflightSubject, usesAction } from './preflight-check';

/**
 * A live deploy writes the site under DATA_DIR/sites: the directory must exist
 * (it is created when missing) and take a file. Permission bits alone don't
 * answer that (root ignores them, a read-only mount doesn't show in them), so
 * the check really writes a probe file and removes it.
 */
@Injectable()
export class DeployTargetCheck implements PreflightCheck {
  readonly name = 'deploy_target';
  private readonly sitesDir: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.sitesDir = config.storage.sitesDir;
  }

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    // A dry-run deploy writes nothing, so only a live one needs the target.
    if (subject.dryRun || !usesAction(subject, (action) => action === 'website.deploy')) return [];
    const probe = join(this.sitesDir, `.preflight-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(this.sitesDir, { recursive: true });
      await writeFile(probe, 'preflight\n', { flag: 'wx' });
      await rm(probe, { force: true });
      return [{ check: this.name, passed: true, detail: `${this.sitesDir} is writable` }];
    } catch (error) {
      await rm(probe, { force: true }).catch(() => undefined);
      return [{ check: this.name, passed: false, detail: `the deploy target ${this.sitesDir} is not writable: ${describeFsError(error)}` }];
    }
  }
}
