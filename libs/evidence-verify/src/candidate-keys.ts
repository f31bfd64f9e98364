import { createPublicKey, KeyObject } from 'node:crypto';
import { TrustedKey } from './types';

/** A public key a signature may be checked against, and where it came from. */
export interface CandidateKey {
  keyId: string | null;
  status: string;
  key: KeyObject;
  spki: Buffer;
}

/** Ed25519 public key from PEM, or why it is not one. */
export function ed25519Key(pem: string): { key: KeyObject; spki: Buffer } | { error: string } {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') return { error: `not an Ed25519 key (${key.asymmetricKeyType})` };
    return { key, spki: key.export({ type: 'spki', format: 'der' }) };
  } catch (error) {
    return { error: `unreadable public key: ${(error as Error).message}` };
  }
}

/** The registry's keys usable for checking; unreadable ones are skipped and reported by id. */
export function trustedCandidates(keys: TrustedKey[]): { candidates: CandidateKey[]; unusable: string[] } {
  const candidates: CandidateKey[] = [];
  const unusable: string[] = [];
  for (const trusted of keys) {
    const parsed = ed25519Key(trusted.public_key_pem);
    if ('error' in parsed) unusable.push(`${trusted.key_id}: ${parsed.error}`);
    else candidates.push({ keyId: trusted.key_id, status: trusted.status, ...parsed });
  }
  return { candidates, unusable };
}
