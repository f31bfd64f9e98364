import { createPrivateKey, KeyObject } from 'node:crypto';
import { openBytes, SealedBoxError, SealedBytes, sealBytes, SecretBytes } from '@bf/config';

export type SealedPrivateKey = SealedBytes;

export class KeyDecryptionError extends Error {}

/**
 * AES-256-GCM over the PKCS#8 DER private key (the shared sealed box). The key id
 * is the associated data: a ciphertext copied onto another key's row fails
 * authentication instead of silently signing under the wrong id.
 */
export function sealPrivateKey(masterKey: SecretBytes, keyId: string, privateKey: KeyObject): SealedPrivateKey {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    return sealBytes(masterKey, keyId, der);
  } finally {
    der.fill(0);
  }
}

export function openPrivateKey(masterKey: SecretBytes, keyId: string, sealed: SealedPrivateKey): KeyObject {
  let der: Buffer;
  try {
    der = openBytes(masterKey, keyId, sealed);
  } catch (error) {
    if (!(error instanceof SealedBoxError)) throw error;
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
