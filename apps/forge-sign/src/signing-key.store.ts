import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SecretBytes } from '@bf/config';
import { openPrivateKey, sealPrivateKey } from './key-cipher';
import { signingKeyId } from './key-id';

export interface ActiveSigningKey {
  keyId: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

interface KeyRow {
  key_id: string;
  public_key_pem: string;
  private_key_iv: Buffer;
  private_key_tag: Buffer;
  private_key_ciphertext: Buffer;
}

/** Serialises every change of which key is active, across all forge-sign processes sharing the database. */
const KEY_CHANGE_LOCK = 0x5349_474e; // 'SIGN'

/**
 * forge-sign's keys in PostgreSQL. Key changes (first key, rotation, a new key
 * after the active one was revoked) happen under one advisory lock, so processes
 * starting or rotating together agree on a single active key; the partial unique
 * index on status='active' backs that up. Decrypted keys are cached per id, but
 * which key is active is re-read on every use, so a revocation made by the
 * gateway takes effect at the next signature.
 */
export class SigningKeyStore {
  private readonly decrypted = new Map<string, KeyObject>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly masterKey: SecretBytes,
  ) {}

  /** The key that signs now; generated when there is none (first start, or the active key was revoked). */
  async active(): Promise<ActiveSigningKey> {
    const row = (await this.readActive(this.dataSource.manager)) ?? (await this.underLock((tx) => this.activeOrNew(tx)));
    return this.unsealed(row);
  }

  /**
   * Retires `fromKeyId` and activates a fresh key, only while `fromKeyId` is still
   * active; otherwise someone rotated (or revoked) first and their outcome stands.
   */
  async rotate(fromKeyId: string | null): Promise<{ keyId: string; rotated: boolean }> {
    return this.underLock(async (tx) => {
      const current = await this.readActive(tx);
      if ((current?.key_id ?? null) !== fromKeyId) return { keyId: (await this.activeOrNew(tx)).key_id, rotated: false };
      if (current) await tx.query(`UPDATE signing_keys SET status = 'retired', retired_at = now() WHERE key_id = $1`, [current.key_id]);
      return { keyId: (await this.insertNew(tx)).key_id, rotated: true };
    });
  }

  private async activeOrNew(tx: EntityManager): Promise<KeyRow> {
    return (await this.readActive(tx)) ?? this.insertNew(tx);
  }

  private async readActive(manager: EntityManager): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await manager.query(
      `SELECT key_id, public_key_pem, private_key_iv, private_key_tag, private_key_ciphertext FROM signing_keys WHERE status = 'active'`,
    );
    return rows[0];
  }

  private async insertNew(tx: EntityManager): Promise<KeyRow> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const keyId = signingKeyId(publicKey);
    const sealed = sealPrivateKey(this.masterKey, keyId, privateKey);
    const row: KeyRow = {
      key_id: keyId,
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      private_key_iv: sealed.iv,
      private_key_tag: sealed.tag,
      private_key_ciphertext: sealed.ciphertext,
    };
    await tx.query(
      `INSERT INTO signing_keys (key_id, public_key_pem, status, private_key_iv, private_key_tag, private_key_ciphertext) VALUES ($1, $2, 'active', $3, $4, $5)`,
      [row.key_id, row.public_key_pem, row.private_key_iv, row.private_key_tag, row.private_key_ciphertext],
    );
    this.decrypted.set(keyId, privateKey);
    return row;
  }

  private underLock<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_CHANGE_LOCK]);
      return work(tx);
    });
  }

  private unsealed(row: KeyRow): ActiveSigningKey {
    let privateKey = this.decrypted.get(row.key_id);
    if (!privateKey) {
      privateKey = openPrivateKey(this.masterKey, row.key_id, { iv: row.private_key_iv, tag: row.private_key_tag, ciphertext: row.private_key_ciphertext });
      // A row whose private key does not match its public key and id would sign packs nobody can verify.
      if (signingKeyId(createPublicKey(privateKey)) !== row.key_id) throw new Error(`signing key ${row.key_id}: the decrypted private key does not belong to this key id`);
      this.decrypted.set(row.key_id, privateKey);
    }
    return { keyId: row.key_id, publicKeyPem: row.public_key_pem, privateKey };
  }
}
