import { sha256Hex } from '@bf/contracts';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GeneratedModule } from './custom-module.generator';

/**
 * Left in every module folder we write. Odoo only loads the files a manifest
 * lists, so the marker is inert for it; for us it is the proof of ownership
 * and the content hash that makes a redelivery a no-op.
 */
export const OWNERSHIP_MARKER = '.business-factory.json';

export interface OwnershipMarker {
  module_name: string;
  content_sha256: string;
  /** Idempotency key (run + step) of the step that wrote this content. */
  written_by: string;
  /** Set once that step's install succeeded: a redelivery then knows the install was its own. */
  installed_by?: string;
}

export type FolderState = { kind: 'absent' } | { kind: 'foreign' } | { kind: 'ours'; marker: OwnershipMarker };
export type WriteAction = 'written' | 'replaced' | 'unchanged';

/** Refusal to touch a module folder that someone else put in the addons path. */
export class ForeignAddonError extends Error {
  override readonly name = 'ForeignAddonError';
  constructor(readonly folder: string) {
    super(`${folder} exists and was not written by Business Factory (no ${OWNERSHIP_MARKER}); rename the module in the spec or remove that folder`);
  }
}

/** One hash for the module's files, independent of how they are packed. */
export function moduleContentHash(module: GeneratedModule): string {
  return sha256Hex(module.files.map((file) => `${file.path}\0${file.sha256}\n`).join(''));
}

/**
 * The Odoo server's addons folder, writable by this worker. Writes are atomic
 * per module (assembled in a temp folder, renamed into place) because Odoo may
 * scan the folder (update_list) at any moment, and a half-written module would
 * be listed or fail to load.
 */
export class AddonsFolder {
  constructor(readonly root: string) {}

  folderOf(moduleName: string): string {
    return join(this.root, moduleName);
  }

  async inspect(moduleName: string): Promise<FolderState> {
    const folder = this.folderOf(moduleName);
    const raw = await readFile(join(folder, OWNERSHIP_MARKER), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (raw === null) return (await exists(folder)) ? { kind: 'foreign' } : { kind: 'absent' };
    const marker = parseMarker(raw, moduleName);
    return marker ? { kind: 'ours', marker } : { kind: 'foreign' };
  }

  /** Puts the module in place unless identical content of ours is already there. */
  async write(module: GeneratedModule, writtenBy: string): Promise<{ action: WriteAction; marker: OwnershipMarker }> {
    const contentSha = moduleContentHash(module);
    const before = await this.inspect(module.module_name);
    if (before.kind === 'foreign') throw new ForeignAddonError(this.folderOf(module.module_name));
    if (before.kind === 'ours' && before.marker.content_sha256 === contentSha) return { action: 'unchanged', marker: before.marker };

    const marker: OwnershipMarker = { module_name: module.module_name, content_sha256: contentSha, written_by: writtenBy };
    await mkdir(this.root, { recursive: true });
    // The module sits one level down in the staging folder, so a scan of the addons path never sees a manifest there.
    const staging = await mkdtemp(join(this.root, `.bf-staging-${module.module_name}-`));
    try {
      for (const file of module.files) {
        const target = join(staging, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content, { mode: 0o644 });
      }
      await writeMarker(join(staging, module.module_name), marker);
      await this.swapIn(join(staging, module.module_name), module.module_name, before.kind === 'ours');
      return { action: before.kind === 'ours' ? 'replaced' : 'written', marker };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Records that the step holding `installedBy` installed the module (rollback and redelivery read it). */
  async markInstalled(moduleName: string, installedBy: string): Promise<void> {
    const state = await this.inspect(moduleName);
    if (state.kind !== 'ours') return;
    await writeMarker(this.folderOf(moduleName), { ...state.marker, installed_by: installedBy });
  }

  /** Removes the module folder only if it is ours; says what it found. */
  async remove(moduleName: string): Promise<'removed' | 'absent' | 'foreign'> {
    const state = await this.inspect(moduleName);
    if (state.kind !== 'ours') return state.kind;
    // Renamed aside first so Odoo never scans a half-deleted module.
    const trash = await mkdtemp(join(this.root, `.bf-removing-${moduleName}-`));
    try {
      await rename(this.folderOf(moduleName), join(trash, moduleName));
    } finally {
      await rm(trash, { recursive: true, force: true });
    }
    return 'removed';
  }

  private async swapIn(prepared: string, moduleName: string, replacing: boolean): Promise<void> {
    const folder = this.folderOf(moduleName);
    if (!replacing) {
      try {
        await rename(prepared, folder);
        return;
      } catch (error) {
        // Another writer got there first between our inspect and rename: judge its folder like any other.
        if (!isNotEmpty(error)) throw error;
        throw new ForeignAddonError(folder);
      }
    }
    const trash = await mkdtemp(join(this.root, `.bf-replaced-${moduleName}-`));
    try {
      await rename(folder, join(trash, moduleName));
      await rename(prepared, folder);
    } finally {
      await rm(trash, { recursive: true, force: true });
    }
  }
}

function parseMarker(raw: string, moduleName: string): OwnershipMarker | null {
  try {
    const value = JSON.parse(raw) as Partial<OwnershipMarker>;
    if (value.module_name !== moduleName || typeof value.content_sha256 !== 'string' || typeof value.written_by !== 'string') return null;
    return value as OwnershipMarker;
  } catch {
    return null;
  }
}

async function writeMarker(folder: string, marker: OwnershipMarker): Promise<void> {
  // Written then renamed so a reader never sees a half-written marker (it would take the folder for foreign).
  const temp = join(folder, `${OWNERSHIP_MARKER}.tmp`);
  await writeFile(temp, `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o644 });
  await rename(temp, join(folder, OWNERSHIP_MARKER));
}

async function exists(path: string): Promise<boolean> {
  return stat(path)
    .then(() => true)
    .catch((error: NodeJS.ErrnoException) => error.code !== 'ENOENT');
}

function isNotEmpty(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}
