import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBytes } from './app-config';

/** AES-256-GCM output, stored as three columns (iv 12 bytes, tag 16 bytes). */
export interface SealedBytes {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** The master key was not the one that sealed the data, or the data (or its associated data) was altered. */
export class SealedBoxError extends Error {}

/**
 * The one envelope cipher of the system: AES-256-GCM under a master key, with a
 * fresh 96-bit IV per message and `aad` (the row's identity) authenticated, so a
 * ciphertext copied onto another row fails instead of decrypting there. Used by
 * forge-sign's signing keys (EVIDENCE_MASTER_KEY) and tenant secrets (SECRETS_MASTER_KEYS).
 */
export function sealBytes(masterKey: SecretBytes, aad: string, plaintext: Buffer): SealedBytes {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey.reveal(), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts what sealBytes sealed; throws SealedBoxError (never a partial plaintext) when authentication fails. */
export function openBytes(masterKey: SecretBytes, aad: string, sealed: SealedBytes): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey.reveal(), sealed.iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from altered data; both mean this key cannot open it.
    throw new SealedBoxError('authentication failed: wrong master key or altered ciphertext');
  }
}
