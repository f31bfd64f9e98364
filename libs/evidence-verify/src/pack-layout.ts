/** Where the evidence pack (seed 000 layout, issue 8) keeps its verification material. */
export const CHECKSUMS_FILE = 'verification_checksums.txt';
export const STATEMENT_FILE = 'attestation/statement.json';
export const ENVELOPE_FILE = 'attestation/envelope.dsse.json';
export const PUBLIC_KEY_FILE = 'attestation/signing-key.pub.pem';
export const SIGNATURE_FILE = 'attestation/signature.bin';
export const PAE_FILE = 'attestation/pae.bin';
export const PIPELINE_EVIDENCE_FILE = 'pipeline_evidence.json';

/** Files the statement's subjects must cover: the attestation cannot be its own subject, nor can the checksums written after it. */
export function isContentFile(path: string): boolean {
  return path !== CHECKSUMS_FILE && !path.startsWith('attestation/');
}
