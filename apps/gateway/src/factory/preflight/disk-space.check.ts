import { Inject, Injectable } from '@nestjs/common';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { describeFsError } from './probe-errors';
import { PreflightCheck, PreflightResult } from './preflight-check';

const MB = 1024 * 1024;

/**
 * The filesystem of DATA_DIR has at least PREFLIGHT_MIN_FREE_MB free for an
 * unprivileged writer. Every run writes there (evidence pack, deployed site), a
 * dry run included.
 */
@Injectable()
export class DiskSpaceCheck implements PreflightCheck {
  readonly name = 'disk_space';
  private readonly dataDir: string;
  private readonly minFreeMb: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.dataDir = config.storage.dataDir;
    this.minFreeMb = config.preflight.minFreeMb;
  }

  async run(): Promise<PreflightResult[]> {
    try {
      const stats = await statfsOfNearest(this.dataDir);
      const freeMb = Math.floor((stats.bavail * stats.bsize) / MB);
      const passed = freeMb >= this.minFreeMb;
      const detail = passed
        ? `${freeMb} MB free on the filesystem of ${this.dataDir} (minimum ${this.minFreeMb} MB)`
        : `only ${freeMb} MB free on the filesystem of ${this.dataDir}; PREFLIGHT_MIN_FREE_MB requires ${this.minFreeMb} MB`;
      return [{ check: this.name, passed, detail }];
    } catch (error) {
      return [{ check: this.name, passed: false, detail: `cannot read the free space of ${this.dataDir}: ${describeFsError(error)}` }];
    }
  }
}

/** DATA_DIR may not exist yet (it is made on first write): measure the filesystem of its nearest existing ancestor. */
async function statfsOfNearest(path: string) {
  for (;;) {
    try {
      return await statfs(path);
    } catch (error) {
      const parent = dirname(path);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
      path = parent;
    }
  }
}
