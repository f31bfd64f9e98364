import { IN_TOTO_PAYLOAD_TYPE, InTotoStatement, InTotoStatementSchema } from '@bf/contracts';
import { CheckList } from './check-list';
import { sha256 } from './checksums';
import { isContentFile, STATEMENT_FILE } from './pack-layout';
import { SignatureOutcome } from './signature';
import { PackFiles } from './zip-entries';

/**
 * Only a verified payload is interpreted: its type, then its parse, then what it
 * says about the files. statement.json is the human-readable copy and must be
 * byte-for-byte the signed payload, or an auditor would read something unsigned.
 */
export function verifyStatement(pack: PackFiles, signature: SignatureOutcome, checks: CheckList): void {
  if (!signature.verified || !signature.envelope || !signature.payload) {
    return checks.fail('statement', 'not read: the signature did not verify', STATEMENT_FILE);
  }
  if (signature.envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return checks.fail('payload type', `"${signature.envelope.payloadType}" is not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  checks.pass('payload type', IN_TOTO_PAYLOAD_TYPE);
  const statement = parseStatement(signature.payload, checks);
  compareStatementFile(pack, signature.payload, checks);
  if (statement) verifySubjects(pack, statement, checks);
}

function parseStatement(payload: Buffer, checks: CheckList): InTotoStatement | null {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    checks.fail('statement', `the signed payload is not JSON: ${(error as Error).message}`);
    return null;
  }
  const parsed = InTotoStatementSchema.safeParse(json);
  if (!parsed.success) {
    checks.fail('statement', `not an in-toto Statement v1 with SLSA provenance v1: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
    return null;
  }
  checks.pass('statement', `in-toto Statement v1, ${parsed.data.subject.length} subject(s), builder ${parsed.data.predicate.runDetails.builder.id}`);
  return parsed.data;
}

function compareStatementFile(pack: PackFiles, payload: Buffer, checks: CheckList): void {
  const file = pack.files.get(STATEMENT_FILE);
  if (!file) checks.fail('statement file', 'missing', STATEMENT_FILE);
  else if (!file.equals(payload)) checks.fail('statement file', 'differs from the signed envelope payload', STATEMENT_FILE);
  else checks.pass('statement file', 'identical to the signed envelope payload', STATEMENT_FILE);
}

/** Every content file is a subject with its digest, and every subject is a file of the pack: the signature then covers them all. */
function verifySubjects(pack: PackFiles, statement: InTotoStatement, checks: CheckList): void {
  let failures = 0;
  const fail = (detail: string, file: string) => {
    failures++;
    checks.fail('subjects', detail, file);
  };
  const seen = new Set<string>();
  for (const subject of statement.subject) {
    if (seen.has(subject.name)) fail('named twice in the statement', subject.name);
    seen.add(subject.name);
    const content = pack.files.get(subject.name);
    if (!content) fail('a signed subject is missing from the pack', subject.name);
    else if (!isContentFile(subject.name)) fail('the attestation and checksum files cannot be subjects', subject.name);
    else if (sha256(content) !== subject.digest.sha256) fail('sha256 differs from the signed statement: the file was changed after signing', subject.name);
  }
  for (const path of pack.order) {
    if (isContentFile(path) && !seen.has(path)) fail('in the pack but not covered by the signed statement', path);
  }
  if (!failures) checks.pass('subjects', `all ${statement.subject.length} content file(s) match the signed statement`);
}
