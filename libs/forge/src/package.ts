import { ZipFile } from 'yazl';
import { sha256Hex } from '@bf/contracts';
import { GeneratedFile } from './generator';

/**
 * yazl writes DOS timestamps from a Date's local-time fields, so the fixed date
 * is built from local fields at each call: the bytes say 2000-01-01 00:00:00 in
 * every time zone (same approach as the Odoo module zips).
 */
const fixedMtime = () => new Date(2000, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

export interface PluginArchive {
  /** `<slug>-<version>.zip` */
  fileName: string;
  bytes: Buffer;
  sha256: string;
}

/**
 * The installable ZIP: every file under a `<slug>/` folder (what WordPress
 * expects), entries sorted by byte order, fixed mtime and mode, no extended
 * timestamps, no comment: the same files always give the same bytes.
 */
export function packagePlugin(slug: string, version: string, files: readonly GeneratedFile[]): Promise<PluginArchive> {
  const zip = new ZipFile();
  const entries = files.map((file) => ({ path: `${slug}/${file.path}`, content: file.content })).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const entry of entries) zip.addBuffer(entry.content, entry.path, { mtime: fixedMtime(), mode: FILE_MODE, compress: true, forceDosTimestamp: true } as never);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      const bytes = Buffer.concat(chunks);
      resolve({ fileName: `${slug}-${version}.zip`, bytes, sha256: sha256Hex(bytes) });
    });
  });
}
