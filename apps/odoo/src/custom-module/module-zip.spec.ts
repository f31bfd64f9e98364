import { fromBuffer, Entry } from 'yauzl';
import { deterministicZip } from './module-zip';

function entries(zip: Buffer): Promise<Entry[]> {
  return new Promise((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: false }, (error, file) => {
      if (error || !file) return reject(error);
      const found: Entry[] = [];
      file.on('entry', (entry: Entry) => found.push(entry));
      file.on('end', () => resolve(found));
      file.on('error', reject);
    }),
  );
}

describe('deterministicZip', () => {
  const files = [
    { path: 'm/views/b.xml', content: Buffer.from('<odoo/>') },
    { path: 'm/__manifest__.py', content: Buffer.from('{}') },
    { path: 'm/Z.py', content: Buffer.from('') },
  ];

  it('is byte-identical for the same entries in any order and at any time', async () => {
    const first = await deterministicZip(files);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const second = await deterministicZip([...files].reverse());
    expect(second.equals(first)).toBe(true);
  });

  it('writes the fixed DOS date and time themselves, so the time zone cannot change the bytes', async () => {
    const zip = await deterministicZip(files);
    // First local file header: signature, then version, flags, method, time (offset 10), date (offset 12).
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(10)).toBe(0);
    expect(zip.readUInt16LE(12)).toBe(((2000 - 1980) << 9) | (1 << 5) | 1);
  });

  it('sorts entries by byte order and fixes mtime and mode', async () => {
    const found = await entries(await deterministicZip(files));
    expect(found.map((entry) => entry.fileName)).toEqual(['m/Z.py', 'm/__manifest__.py', 'm/views/b.xml']);
    for (const entry of found) {
      expect(entry.getLastModDate().getFullYear()).toBe(2000);
      expect(entry.externalFileAttributes >>> 16).toBe(0o100644);
      expect(entry.extraFields).toEqual([]);
    }
  });
});
