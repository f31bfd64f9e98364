import { KeyObject } from 'node:crypto';
import { sha256Hex } from '@bf/contracts';

/**
 * The full sha256 (hex) of the DER SubjectPublicKeyInfo. Anyone can recompute it
 * from the published PEM (`openssl pkey -pubin -in key.pem -outform DER | sha256sum`),
 * so a key id in an envelope names exactly one public key, with no truncation to
 * argue about.
 */
export function signingKeyId(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}
