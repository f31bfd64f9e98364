import { createHash, KeyObject } from 'node:crypto';

/**
 * The full sha256 (hex) of the DER SubjectPublicKeyInfo. Anyone can recompute it
 * from the published PEM (`openssl pkey -pubin -in key.pem -outform DER | sha256sum`),
 * so a key id in an envelope names exactly one public key, with no truncation to
 * argue about.
 */
export function signingKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}
