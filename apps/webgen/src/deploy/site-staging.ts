import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';

/**
 * Where `website.generate` writes a run's rendered site before the deploy step
 * publishes it: `<dataDir>/staging/<run>.<step>`, so a retried or redelivered
 * step writes the same folder again.
 */
export class SiteStaging {
  constructor(private readonly root: string) {}

  folderFor(idempotencyKey: string): string {
    const name = idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_');
    if (!name || name.startsWith('.')) throw new Error(`unusable idempotency key for a staging folder: ${idempotencyKey}`);
    return join(this.root, name);
  }

  /**
   * Writes the files into a temporary folder and renames it over the staging
   * folder: the folder holds exactly one complete rendering.
   */
  async write(idempotencyKey: string, files: readonly { output_path: string; content: Buffer }[]): Promise<string> {
    const folder = this.folderFor(idempotencyKey);
    const temp = `${folder}.tmp-${randomBytes(4).toString('hex')}`;
    await mkdir(temp, { recursive: true });
    try {
      for (const file of files) {
        const target = insideFolder(temp, file.output_path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
      }
      await rm(folder, { recursive: true, force: true });
      await rename(temp, folder);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return folder;
  }

  async remove(idempotencyKey: string): Promise<boolean> {
    const folder = this.folderFor(idempotencyKey);
    const existed = await stat(folder).then(() => true, () => false);
    await rm(folder, { recursive: true, force: true });
    return existed;
  }
}

/** A rendered file whose output path would land outside the site folder: a broken template, never retried. */
export class OutputPathError extends Error {}

/** Resolves a manifest's output path under `folder`, refusing anything that would leave it. */
export function insideFolder(folder: string, outputPath: string): string {
  if (isAbsolute(outputPath)) throw new OutputPathError(`output path ${JSON.stringify(outputPath)} is absolute`);
  const target = resolve(folder, outputPath);
  const rel = relative(folder, target);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new OutputPathError(`output path ${JSON.stringify(outputPath)} leaves the site folder`);
  return target;
}
