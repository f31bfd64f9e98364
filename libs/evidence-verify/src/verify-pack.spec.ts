import { checksumLines, contentFiles, signedFiles, signedPack, testKey, TestKey, withChecksums, zipOf } from '../../../test/support/signed-pack';
import { NO_TRUSTED_KEYS, TrustedKey, verifyEvidencePack, VerifyResult } from '.';

const failed = (result: VerifyResult) => result.checks.filter((check) => !check.passed);
const failedFiles = (result: VerifyResult) => [...new Set(failed(result).map((check) => check.file))];
const trusted = (key: TestKey, status = 'active'): TrustedKey => ({ key_id: key.keyId, public_key_pem: key.pem, status });

/** Applies a change to the files of a freshly signed pack, then zips them as they are. */
async function tampered(key: TestKey, change: (files: Map<string, Buffer>) => Map<string, Buffer> | void): Promise<Buffer> {
  const files = signedFiles(contentFiles(), key);
  return zipOf(change(files) ?? files);
}

function flipByte(bytes: Buffer, at = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}

describe('verifyEvidencePack', () => {
  const key = testKey();
  const other = testKey();

  it('accepts an intact pack offline, saying the signer is not established', async () => {
    const result = await verifyEvidencePack(await signedPack(key));
    expect(failed(result)).toEqual([]);
    expect(result).toMatchObject({ valid: true, key_id: null, keyid_hint: key.keyId, key_trust: NO_TRUSTED_KEYS });
    expect(result.expected_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.computed_hash).toBe(result.expected_hash);
    expect(result.checks.map((check) => check.check)).toEqual(
      expect.arrayContaining(['zip', 'checksums', 'signature', 'signature files', 'payload type', 'statement', 'statement file', 'subjects', 'content hash']),
    );
  });

  it('names the trusted key that signed; a retired key still verifies', async () => {
    const zip = await signedPack(key);
    expect(await verifyEvidencePack(zip, { trustedKeys: [trusted(other), trusted(key)] })).toMatchObject({ valid: true, key_id: key.keyId, key_trust: expect.stringContaining('trusted') });
    expect((await verifyEvidencePack(zip, { trustedKeys: [trusted(key, 'retired')] })).valid).toBe(true);
  });

  it('a changed byte in a content file fails and names the file', async () => {
    const result = await verifyEvidencePack(await tampered(key, (files) => void files.set('screenshots/website_homepage.png', flipByte(files.get('screenshots/website_homepage.png')!, 9))));
    expect(result.valid).toBe(false);
    expect(failed(result).map((check) => [check.check, check.file])).toEqual([
      ['checksums', 'screenshots/website_homepage.png'],
      ['subjects', 'screenshots/website_homepage.png'],
    ]);
  });

  it('a changed file with rewritten checksums is still caught by the signed subjects', async () => {
    const result = await verifyEvidencePack(await tampered(key, (files) => withChecksums(new Map(files).set('plan.json', Buffer.from('{"plan_id":"forged"}')))));
    expect(failed(result).map((check) => [check.check, check.file])).toEqual([['subjects', 'plan.json']]);
  });

  it('a changed checksum line names the file it is about', async () => {
    const result = await verifyEvidencePack(
      await tampered(key, (files) => {
        const lines = checksumLines(files).map((line) => (line.endsWith('  run.json\n') ? `${'0'.repeat(64)}  run.json\n` : line));
        files.set('verification_checksums.txt', Buffer.from(lines.join('')));
      }),
    );
    expect(failedFiles(result)).toEqual(['run.json']);
    expect(failed(result)[0].detail).toMatch(/sha256 differs from line \d+/);
  });

  it('reordered, duplicated or malformed checksum lines fail', async () => {
    const rewrite = (edit: (lines: string[]) => string[]) => tampered(key, (files) => void files.set('verification_checksums.txt', Buffer.from(edit(checksumLines(files)).join(''))));
    const reordered = await verifyEvidencePack(await rewrite((lines) => [lines[1], lines[0], ...lines.slice(2)]));
    expect(failed(reordered)).toEqual([expect.objectContaining({ check: 'checksums', file: 'verification_checksums.txt', detail: expect.stringMatching(/out of order from line 1/) })]);
    const duplicated = await verifyEvidencePack(await rewrite((lines) => [...lines, lines[2]]));
    expect(failed(duplicated)[0]).toMatchObject({ check: 'checksums', detail: expect.stringMatching(/a second time/) });
    const malformed = await verifyEvidencePack(await rewrite((lines) => lines.map((line, i) => (i === 3 ? line.replace('  ', ' ') : line))));
    expect(failed(malformed)[0]).toMatchObject({ check: 'checksums', detail: expect.stringMatching(/line 4 is not/) });
    const crlf = await verifyEvidencePack(await rewrite((lines) => lines.map((line) => line.replace('\n', '\r\n'))));
    expect(crlf.valid).toBe(false);
  });

  it('an added, unlisted file fails and is named', async () => {
    const result = await verifyEvidencePack(await tampered(key, (files) => void files.set('steps/step_9_extra/payload.sh', Buffer.from('echo hi\n'))));
    expect(failed(result).map((check) => [check.check, check.file])).toEqual([
      ['checksums', 'steps/step_9_extra/payload.sh'],
      ['subjects', 'steps/step_9_extra/payload.sh'],
    ]);
  });

  it('a removed file fails and is named', async () => {
    const result = await verifyEvidencePack(await tampered(key, (files) => void files.delete('audit_events.jsonl')));
    expect(failedFiles(result)).toEqual(['audit_events.jsonl']);
    expect(failed(result).map((check) => check.detail)).toEqual([expect.stringMatching(/not in the pack/), expect.stringMatching(/missing from the pack/)]);
  });

  it("a signature swapped for another key's fails, offline and against trusted keys", async () => {
    const forged = signedFiles(contentFiles(), other);
    const zip = await tampered(key, (files) => withChecksums(new Map(files).set('attestation/envelope.dsse.json', forged.get('attestation/envelope.dsse.json')!)));
    for (const result of [await verifyEvidencePack(zip), await verifyEvidencePack(zip, { trustedKeys: [trusted(key)] })]) {
      expect(result.valid).toBe(false);
      expect(failed(result)[0]).toMatchObject({ check: 'signature', file: 'attestation/envelope.dsse.json', detail: expect.stringMatching(/no signature verifies/) });
    }
  });

  it('a pack signed by a key the registry does not know fails, even though its own key verifies', async () => {
    const result = await verifyEvidencePack(await signedPack(other), { trustedKeys: [trusted(key)] });
    expect(result).toMatchObject({ valid: false, key_id: null });
    expect(failed(result)[0].detail).toMatch(/no signature verifies with a trusted key/);
  });

  it('a revoked key fails and is named', async () => {
    const result = await verifyEvidencePack(await signedPack(key), { trustedKeys: [trusted(key, 'revoked')] });
    expect(result.valid).toBe(false);
    expect(failed(result)[0]).toMatchObject({ check: 'signature', detail: `signed by key ${key.keyId}, which is revoked` });
  });

  it('a truncated ZIP fails with a clear reason', async () => {
    const zip = await signedPack(key);
    const result = await verifyEvidencePack(zip.subarray(0, zip.length - 40));
    expect(result.valid).toBe(false);
    expect(result.checks).toEqual([expect.objectContaining({ check: 'zip', passed: false, detail: expect.stringMatching(/truncated or corrupt/) })]);
    expect((await verifyEvidencePack(Buffer.from('not a zip'))).checks[0].detail).toMatch(/truncated or corrupt/);
  });

  it('an entry that escapes the pack is refused by name', async () => {
    const zip = await zipOf(new Map([['aa/evil.txt', Buffer.from('x')]]));
    const escaping = Buffer.from(zip.toString('latin1').split('aa/evil.txt').join('../evil.txt'), 'latin1');
    const result = await verifyEvidencePack(escaping);
    expect(result.checks).toEqual([expect.objectContaining({ check: 'zip', passed: false, file: '../evil.txt', detail: expect.stringMatching(/escapes/) })]);
  });

  it('statement.json that is not the signed payload fails', async () => {
    const result = await verifyEvidencePack(await tampered(key, (files) => withChecksums(new Map(files).set('attestation/statement.json', Buffer.from(`${files.get('attestation/statement.json')}\n`)))));
    expect(failed(result)).toEqual([expect.objectContaining({ check: 'statement file', file: 'attestation/statement.json' })]);
    expect(result.expected_hash).not.toBe(result.computed_hash);
  });

  it('a correctly signed payload of another type is not interpreted', async () => {
    const result = await verifyEvidencePack(await zipOf(signedFiles(contentFiles(), key, { payloadType: 'application/json' })));
    expect(failed(result)).toEqual([expect.objectContaining({ check: 'payload type', detail: expect.stringMatching(/"application\/json" is not application\/vnd.in-toto\+json/) })]);
    expect(result.checks.some((check) => check.check === 'subjects')).toBe(false);
  });

  it("the pack's public key must be the trusted key that signed", async () => {
    const result = await verifyEvidencePack(await zipOf(signedFiles(contentFiles(), key, { packKey: other })), { trustedKeys: [trusted(key)] });
    expect(failed(result)).toEqual([expect.objectContaining({ check: 'signing key file', file: 'attestation/signing-key.pub.pem' })]);
  });

  it('signature.bin and pae.bin must be what the envelope verified', async () => {
    const result = await verifyEvidencePack(await tampered(key, (files) => withChecksums(new Map(files).set('attestation/signature.bin', flipByte(files.get('attestation/signature.bin')!)))));
    expect(failed(result)).toEqual([expect.objectContaining({ check: 'signature files', file: 'attestation/signature.bin' })]);
  });

  it("recomputes seed 001's content hash of pipeline_evidence.json", async () => {
    const content = contentFiles();
    const pack = JSON.parse(content.get('pipeline_evidence.json')!.toString());
    content.set('pipeline_evidence.json', Buffer.from(JSON.stringify({ ...pack, graph_id: 'graph-other' })));
    const result = await verifyEvidencePack(await zipOf(signedFiles(content, key)));
    expect(failed(result)).toEqual([expect.objectContaining({ check: 'content hash', file: 'pipeline_evidence.json', detail: expect.stringContaining(pack.content_hash) })]);
  });
});
