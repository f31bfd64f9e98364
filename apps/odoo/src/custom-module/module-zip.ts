import { ZipFile } from 'yazl';

export interface ZipEntry {
  path: string;
  content: Buffer;
}

/**
 * yazl writes DOS timestamps from a Date's local-time fields, so the fixed
 * date is built from local fields, at each call (the process's zone can
 * change): the bytes then say 2000-01-01 00:00:00 in every time zone. Not the
 * DOS epoch itself, which yazl's clamp (computed once at its load) could move.
 */
const fixedMtime = () => new Date(2000, 0, 1, 0, 0, 0);
/** Regular file, rw-r--r--: no executable bits, whatever the generating host's umask. */
const FILE_MODE = 0o100644;

/** forceDosTimestamp (yazl 3, not in @types/yazl) drops the extra field that would carry the UTC mtime. */
const entryOptions = () => ({ mtime: fixedMtime(), mode: FILE_MODE, compress: true, forceDosTimestamp: true });

/**
 * A zip that depends only on its entries: sorted by path (byte order, not
 * locale), fixed mtime and mode, no extended-timestamp field, no comment.
 */
export function deterministicZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const options = entryOptions();
  for (const entry of sorted) {
    zip.addBuffer(entry.content, entry.path, options);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
