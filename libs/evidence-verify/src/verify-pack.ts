import { CheckList } from './check-list';
import { sha256, verifyChecksums } from './checksums';
import { verifyContentHash } from './content-hash';
import { STATEMENT_FILE } from './pack-layout';
import { SignatureVerifier } from './signature';
import { verifyStatement } from './statement';
import { VerifyOptions, VerifyResult } from './types';
import { readZip } from './zip-entries';

/**
 * Verifies an evidence pack ZIP on its own: checksums, the DSSE signature, the
 * signed statement's subjects and seed 001's content hash. Every check runs so
 * the report names every changed file, and `valid` needs all of them to pass.
 *
 * Without `trustedKeys` the pack's own public key verifies the signature: that
 * proves the pack is intact and self-consistent, not who signed it, and
 * `key_trust` says so. Give the registry's keys to establish the signer.
 */
export async function verifyEvidencePack(zip: Buffer, options: VerifyOptions = {}): Promise<VerifyResult> {
  const checks = new CheckList();
  const read = await readZip(zip, options.maxUncompressedBytes);
  if (!read.ok) {
    checks.fail('zip', read.reason, read.file);
    return { valid: false, checks: checks.all, key_id: null, keyid_hint: null, key_trust: 'not established', expected_hash: null, computed_hash: null };
  }
  checks.pass('zip', `${read.pack.order.length} file(s), no entry escapes the pack`);
  verifyChecksums(read.pack, checks);
  const signature = new SignatureVerifier(read.pack, checks, options.trustedKeys).verify();
  verifyStatement(read.pack, signature, checks);
  verifyContentHash(read.pack, checks);
  const statementFile = read.pack.files.get(STATEMENT_FILE);
  return {
    valid: checks.passed,
    checks: checks.all,
    key_id: signature.keyId,
    keyid_hint: signature.keyidHint,
    key_trust: signature.keyTrust,
    expected_hash: signature.payload ? sha256(signature.payload) : null,
    computed_hash: statementFile ? sha256(statementFile) : null,
  };
}
