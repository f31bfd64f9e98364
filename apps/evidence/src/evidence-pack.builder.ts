import { canonicalJson, sha256Hex } from '@bf/contracts';
import { ZipFile } from 'yazl';

export interface PackEntry {
  path: string;
  content: Buffer;
}

/** Pretty JSON with sorted keys: readable for auditors, byte-stable for checksums. */
export function stableJson(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`);
}

/**
 * Assembles an evidence ZIP. The checksum file is in `sha256sum` format, so
 * `unzip pack.zip && sha256sum -c verification_checksums.txt` verifies it with
 * standard tools. Entries are sorted and stamped with one fixed time, so the same
 * run always produces the same bytes.
 */
export class EvidencePackBuilder {
  private readonly entries: PackEntry[] = [];

  add(path: string, content: Buffer): this {
    if (path.startsWith('/') || path.includes('..')) throw new Error(`unsafe path in evidence pack: ${path}`);
    this.entries.push({ path, content });
    return this;
  }

  checksums(): string {
    return [...this.entries]
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((entry) => `${sha256Hex(entry.content)}  ${entry.path}\n`)
      .join('');
  }

  async toZip(stampedAt: Date): Promise<Buffer> {
    const zip = new ZipFile();
    const all = [...this.entries, { path: 'verification_checksums.txt', content: Buffer.from(this.checksums()) }];
    for (const entry of all.sort((a, b) => a.path.localeCompare(b.path))) {
      zip.addBuffer(entry.content, entry.path, { mtime: stampedAt, mode: 0o100644, compress: true });
    }
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
