import { verify } from 'node:crypto';
import { decodeBase64Either, DsseEnvelope, DsseEnvelopeSchema, pae } from '@bf/contracts';
import { CandidateKey, ed25519Key, trustedCandidates } from './candidate-keys';
import { CheckList } from './check-list';
import { ENVELOPE_FILE, PAE_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE } from './pack-layout';
import { TrustedKey } from './types';
import { PackFiles } from './zip-entries';

export const NO_TRUSTED_KEYS = 'not established (no trusted keys given)';

/** What the signature step established; the payload is only trusted further when `verified`. */
export interface SignatureOutcome {
  verified: boolean;
  envelope: DsseEnvelope | null;
  payload: Buffer | null;
  keyId: string | null;
  keyidHint: string | null;
  keyTrust: string;
}

interface Match {
  candidate: CandidateKey;
  sig: Buffer;
}

/**
 * DSSE verification as the protocol orders it: the signature over PAE(type, body)
 * first, with keys chosen by the caller; the envelope's keyid only labels the
 * report. Nothing in the payload is looked at here.
 */
export class SignatureVerifier {
  constructor(
    private readonly pack: PackFiles,
    private readonly checks: CheckList,
    private readonly trustedKeys: TrustedKey[] | undefined,
  ) {}

  verify(): SignatureOutcome {
    const outcome: SignatureOutcome = { verified: false, envelope: null, payload: null, keyId: null, keyidHint: null, keyTrust: 'not established' };
    const envelope = this.envelope();
    if (!envelope) return outcome;
    outcome.envelope = envelope;
    outcome.keyidHint = envelope.signatures[0]?.keyid || null;
    const payload = decodeBase64Either(envelope.payload);
    if (!payload) return this.fail(outcome, 'the envelope payload is not base64', ENVELOPE_FILE);
    outcome.payload = payload;
    const packKey = this.packKey();
    const candidates = this.candidates(packKey);
    if (!candidates.length) return this.fail(outcome, this.trustedKeys ? 'no usable trusted key was given' : `no usable public key in ${PUBLIC_KEY_FILE}`, PUBLIC_KEY_FILE);
    const signed = pae(envelope.payloadType, payload);
    const matches = this.matches(envelope, signed, candidates);
    const revoked = matches.find((match) => match.candidate.status === 'revoked');
    if (revoked) return this.fail(outcome, `signed by key ${revoked.candidate.keyId}, which is revoked`, ENVELOPE_FILE);
    const match = matches[0];
    if (!match) return this.fail(outcome, this.noMatchReason(candidates), ENVELOPE_FILE);
    outcome.verified = true;
    outcome.keyId = match.candidate.keyId;
    outcome.keyTrust = this.trustedKeys ? `trusted (key ${match.candidate.keyId}, ${match.candidate.status})` : NO_TRUSTED_KEYS;
    this.checks.pass('signature', `Ed25519 signature over the DSSE PAE verifies with ${this.trustedKeys ? `trusted key ${match.candidate.keyId} (${match.candidate.status})` : `the pack's own key; ${NO_TRUSTED_KEYS}`}`, ENVELOPE_FILE);
    this.checkPackKey(packKey, match);
    this.checkRawFiles(match.sig, signed);
    return outcome;
  }

  private envelope(): DsseEnvelope | null {
    const raw = this.pack.files.get(ENVELOPE_FILE);
    if (!raw) return this.rejectEnvelope('the pack has no DSSE envelope');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return this.rejectEnvelope(`the envelope is not JSON: ${(error as Error).message}`);
    }
    const parsed = DsseEnvelopeSchema.safeParse(json);
    if (!parsed.success) return this.rejectEnvelope(`the envelope is not DSSE: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  private rejectEnvelope(detail: string): null {
    this.checks.fail('signature', detail, ENVELOPE_FILE);
    return null;
  }

  private packKey(): CandidateKey | null {
    const pem = this.pack.files.get(PUBLIC_KEY_FILE);
    if (!pem) return null;
    const parsed = ed25519Key(pem.toString('utf8'));
    return 'error' in parsed ? null : { keyId: null, status: 'untrusted', ...parsed };
  }

  /** Trusted keys when the caller gave any list; only offline does the pack's own key stand in. */
  private candidates(packKey: CandidateKey | null): CandidateKey[] {
    if (!this.trustedKeys) return packKey ? [packKey] : [];
    const { candidates, unusable } = trustedCandidates(this.trustedKeys);
    if (unusable.length) this.checks.pass('trusted keys', `skipped unusable key(s): ${unusable.join('; ')}`);
    return candidates;
  }

  private matches(envelope: DsseEnvelope, signed: Buffer, candidates: CandidateKey[]): Match[] {
    const found: Match[] = [];
    for (const signature of envelope.signatures) {
      const sig = decodeBase64Either(signature.sig);
      if (!sig || sig.length !== 64) continue;
      for (const candidate of candidates) {
        if (safeVerify(signed, candidate, sig)) found.push({ candidate, sig });
      }
    }
    return found;
  }

  private noMatchReason(candidates: CandidateKey[]): string {
    if (!this.trustedKeys) return `no signature verifies with the pack's key (${PUBLIC_KEY_FILE}): the envelope or the key was changed`;
    return `no signature verifies with a trusted key (tried ${candidates.map((c) => c.keyId).join(', ')}): signed by an unknown key, or the envelope was changed`;
  }

  /** VERIFY.md has auditors check with the pack's PEM, so it must be the key that actually signed. */
  private checkPackKey(packKey: CandidateKey | null, match: Match): void {
    if (!this.trustedKeys) return;
    if (packKey?.spki.equals(match.candidate.spki)) this.checks.pass('signing key file', `the pack's public key is trusted key ${match.candidate.keyId}`, PUBLIC_KEY_FILE);
    else this.checks.fail('signing key file', `the pack's public key is ${packKey ? 'not' : 'missing or unreadable, not'} the trusted key ${match.candidate.keyId} that signed`, PUBLIC_KEY_FILE);
  }

  /** The openssl route in VERIFY.md reads these two files: they must be exactly what was verified here. */
  private checkRawFiles(sig: Buffer, signed: Buffer): void {
    for (const [file, expected] of [
      [SIGNATURE_FILE, sig],
      [PAE_FILE, signed],
    ] as const) {
      const actual = this.pack.files.get(file);
      if (!actual) this.checks.fail('signature files', 'missing', file);
      else if (!actual.equals(expected)) this.checks.fail('signature files', `differs from the envelope's ${file === PAE_FILE ? 'PAE' : 'signature'}`, file);
      else this.checks.pass('signature files', `matches the envelope's ${file === PAE_FILE ? 'PAE' : 'signature'}`, file);
    }
  }

  private fail(outcome: SignatureOutcome, detail: string, file: string): SignatureOutcome {
    this.checks.fail('signature', detail, file);
    return outcome;
  }
}

function safeVerify(data: Buffer, candidate: CandidateKey, sig: Buffer): boolean {
  try {
    return verify(null, data, candidate.key, sig);
  } catch {
    return false;
  }
}
