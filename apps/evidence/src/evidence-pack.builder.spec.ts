import { createHash } from 'node:crypto';
import { EvidencePackBuilder, stableJson } from './evidence-pack.builder';

describe(EvidencePackBuilder.name, () => {
  const build = () => new EvidencePackBuilder().add('plan.json', stableJson({ b: 1, a: 2 })).add('audit_events.jsonl', Buffer.from('{"x":1}\n'));

  it('writes checksums in sha256sum format, sorted by path', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(build().checksums()).toBe(`${sha('{"x":1}\n')}  audit_events.jsonl\n${sha('{\n  "a": 2,\n  "b": 1\n}\n')}  plan.json\n`);
  });

  it('produces byte-identical ZIPs for the same content and time', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect((await build().toZip(at)).equals(await build().toZip(at))).toBe(true);
  });

  it('refuses paths that could escape the unpack directory', () => {
    expect(() => new EvidencePackBuilder().add('../etc/passwd', Buffer.from(''))).toThrow(/unsafe path/);
  });
});

describe('EvidencePackBuilder paths', () => {
  it('refuses a path twice and the checksum file as a member, and sorts by bytes, not locale', () => {
    expect(() => new EvidencePackBuilder().add('a.json', Buffer.from('')).add('a.json', Buffer.from(''))).toThrow(/duplicate/);
    expect(() => new EvidencePackBuilder().add('verification_checksums.txt', Buffer.from(''))).toThrow(/unsafe/);
    const names = new EvidencePackBuilder().add('b.json', Buffer.from('')).add('VERIFY.md', Buffer.from('')).add('a.json', Buffer.from('')).digests().map((file) => file.name);
    expect(names).toEqual(['VERIFY.md', 'a.json', 'b.json']);
  });
});
