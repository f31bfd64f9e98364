import { Entry, fromBuffer, ZipFile } from 'yauzl';

/** The files of a pack: path → bytes, and the order the ZIP lists them in. */
export interface PackFiles {
  files: Map<string, Buffer>;
  order: string[];
}

export type ZipOutcome = { ok: true; pack: PackFiles } | { ok: false; reason: string; file?: string };

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** Why an entry name could write outside the folder it is unpacked into, or null if it cannot. */
export function unsafePathReason(name: string): string | null {
  if (name.length === 0) return 'empty entry name';
  if (name.includes('\\')) return 'backslash in entry name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').some((part) => part === '..')) return 'path escapes the pack (..)';
  if (name.includes('\0')) return 'NUL in entry name';
  return null;
}

/**
 * Reads every file of a ZIP into memory. Names are checked here rather than by
 * yauzl so the report can name the offending entry; duplicates are refused
 * because `unzip` and this reader could then disagree on which copy counts.
 */
export function readZip(zip: Buffer, maxUncompressedBytes = DEFAULT_MAX_BYTES): Promise<ZipOutcome> {
  return new Promise((resolve) => {
    fromBuffer(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (error, zipFile) => {
      if (error || !zipFile) return resolve({ ok: false, reason: `not a readable ZIP (truncated or corrupt): ${error?.message ?? 'no archive'}` });
      new ZipWalk(zipFile, maxUncompressedBytes, resolve).start();
    });
  });
}

class ZipWalk {
  private readonly pack: PackFiles = { files: new Map(), order: [] };
  private total = 0;
  private settled = false;

  constructor(
    private readonly zipFile: ZipFile,
    private readonly maxBytes: number,
    private readonly resolve: (outcome: ZipOutcome) => void,
  ) {}

  start(): void {
    this.zipFile.on('entry', (entry: Entry) => this.onEntry(entry));
    this.zipFile.on('end', () => this.finish({ ok: true, pack: this.pack }));
    this.zipFile.on('error', (error: Error) => this.finish({ ok: false, reason: `not a readable ZIP (truncated or corrupt): ${error.message}` }));
    this.zipFile.readEntry();
  }

  private onEntry(entry: Entry): void {
    const name = (entry.fileName as unknown as Buffer).toString('utf8');
    const unsafe = unsafePathReason(name);
    if (unsafe) return this.finish({ ok: false, reason: `unsafe entry name: ${unsafe}`, file: name });
    if (name.endsWith('/')) return this.zipFile.readEntry();
    if (this.pack.files.has(name)) return this.finish({ ok: false, reason: 'the ZIP holds this path twice', file: name });
    this.total += entry.uncompressedSize;
    if (this.total > this.maxBytes) return this.finish({ ok: false, reason: `uncompressed content exceeds ${this.maxBytes} bytes`, file: name });
    this.zipFile.openReadStream(entry, (error, stream) => {
      if (error || !stream) return this.finish({ ok: false, reason: `entry unreadable: ${error?.message ?? 'no stream'}`, file: name });
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (streamError: Error) => this.finish({ ok: false, reason: `entry unreadable: ${streamError.message}`, file: name }));
      stream.on('end', () => {
        this.pack.files.set(name, Buffer.concat(chunks));
        this.pack.order.push(name);
        this.zipFile.readEntry();
      });
    });
  }

  private finish(outcome: ZipOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.zipFile.close();
    this.resolve(outcome);
  }
}
