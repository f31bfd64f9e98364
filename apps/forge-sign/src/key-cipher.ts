import { createCipheriv, createDecipheriv, createPrivateKey, KeyObject, randomBytes } from 'node:crypto';
import { SecretBytes } from '@bf/config';

export interface SealedPrivateKey {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export class KeyDecryptionError extends Error {}

/**
 * AES-256-GCM over the PKCS#8 DER private key. The key id is the associated data:
 * a ciphertext copied onto another key's row fails authentication instead of
 * silently signing under the wrong id.
 */
export function sealPrivateKey(masterKey: SecretBytes, keyId: string, privateKey: KeyObject): SealedPrivateKey {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey.reveal(), iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  der.fill(0);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

export function openPrivateKey(masterKey: SecretBytes, keyId: string, sealed: SealedPrivateKey): KeyObject {
  let der: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey.reveal(), sealed.iv);
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    der = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from altered data; both mean this master key cannot be used.
    throw new KeyDecryptionError(
      `signing key ${keyId} cannot be decrypted: EVIDENCE_MASTER_KEY is not the master key it was encrypted under, or its stored ciphertext was altered`,
    );
  }
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}
