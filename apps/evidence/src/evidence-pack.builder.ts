import { compareCodePoints, prettyCanonicalJson, sha256Hex } from '@bf/contracts';
import { ZipFile } from 'yazl';

export interface PackEntry {
  path: string;
  content: Buffer;
  /** Hashed once when added: the checksum file, the statement and the PDF's content hash all need it. */
  sha256: string;
}

export const CHECKSUMS_FILE = 'verification_checksums.txt';

/** Pretty JSON with sorted keys: readable for auditors, byte-stable for checksums. */
export function stableJson(value: unknown): Buffer {
  return Buffer.from(prettyCanonicalJson(value));
}

/**
 * Code point (= UTF-8 byte) order, not localeCompare: `sort` in VERIFY.md, the
 * in-toto subjects, the checksum file and the verifier must all agree on one
 * order whatever the machine's locale.
 */
export function byPath(a: { path: string }, b: { path: string }): number {
  return compareCodePoints(a.path, b.path);
}

/**
 * Assembles an evidence ZIP. The checksum file is in `sha256sum` format, so
 * `unzip pack.zip && sha256sum -c verification_checksums.txt` verifies it with
 * standard tools. Entries are sorted and stamped with one fixed time, so the same
 * run always produces the same bytes.
 */
export class EvidencePackBuilder {
  private readonly entries = new Map<string, PackEntry>();

  add(path: string, content: Buffer): this {
    if (path.startsWith('/') || path.split('/').includes('..') || path === CHECKSUMS_FILE) throw new Error(`unsafe path in evidence pack: ${path}`);
    // A duplicate would make the ZIP ambiguous (two entries, one name) and the subjects wrong.
    if (this.entries.has(path)) throw new Error(`duplicate path in evidence pack: ${path}`);
    this.entries.set(path, { path, content, sha256: sha256Hex(content) });
    return this;
  }

  files(): PackEntry[] {
    return [...this.entries.values()].sort(byPath);
  }

  /** Every file with its sha256, sorted: the in-toto subjects when taken before the attestation is added. */
  digests(): Array<{ name: string; sha256: string }> {
    return this.files().map((entry) => ({ name: entry.path, sha256: entry.sha256 }));
  }

  checksums(): string {
    return this.digests()
      .map((file) => `${file.sha256}  ${file.name}\n`)
      .join('');
  }

  async toZip(stampedAt: Date): Promise<Buffer> {
    const zip = new ZipFile();
    const checksums = Buffer.from(this.checksums());
    const all = [...this.files(), { path: CHECKSUMS_FILE, content: checksums }].sort(byPath);
    for (const entry of all) zip.addBuffer(entry.content, entry.path, { mtime: stampedAt, mode: 0o100644, compress: true });
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
