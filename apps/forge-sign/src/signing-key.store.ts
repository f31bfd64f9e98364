import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** sha256 of the DER public key, hex: how evidence names the key without carrying it. */
  fingerprint: string;
}

/**
 * The Ed25519 key that signs evidence packs. Generated on first use into the keys
 * directory (private key mode 0600, never logged, never in evidence); the public
 * key is written beside it so anyone can verify with openssl.
 */
export class SigningKeyStore {
  private cached?: Promise<SigningKey>;

  constructor(private readonly keysDir: string) {}

  get publicKeyPath(): string {
    return join(this.keysDir, 'evidence-signing.pub.pem');
  }

  load(): Promise<SigningKey> {
    this.cached ??= this.loadOrCreate();
    return this.cached;
  }

  private async loadOrCreate(): Promise<SigningKey> {
    const privatePath = join(this.keysDir, 'evidence-signing.key.pem');
    await mkdir(this.keysDir, { recursive: true, mode: 0o700 });
    let pem = await readFile(privatePath, 'utf8').catch(() => undefined);
    if (!pem) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const fresh = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      // 'wx': if another process created the key first, keep theirs.
      await writeFile(privatePath, fresh, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      pem = await readFile(privatePath, 'utf8');
    }
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await writeFile(this.publicKeyPath, publicKeyPem);
    const fingerprint = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    return { privateKey, publicKeyPem, fingerprint };
  }
}
