import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * forge-sign's Ed25519 keys. The private key is stored only as AES-256-GCM
 * ciphertext under the master key (never the PEM), with the key id as associated
 * data so a ciphertext moved to another row does not decrypt. Rows are never
 * deleted: a retired or revoked key must stay listed for verifiers.
 */
export class CreateSigningKeyTable1795831200020 implements MigrationInterface {
  name = 'CreateSigningKeyTable1795831200020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE signing_keys (
      -- sha256 (hex) of the DER SubjectPublicKeyInfo: recomputable from the public key alone
      key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{64}$'),
      algorithm text NOT NULL DEFAULT 'ed25519' CHECK (algorithm = 'ed25519'),
      public_key_pem text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
      private_key_iv bytea NOT NULL CHECK (length(private_key_iv) = 12),
      private_key_tag bytea NOT NULL CHECK (length(private_key_tag) = 16),
      private_key_ciphertext bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      revoked_at timestamptz,
      revocation_reason text,
      CHECK ((status = 'revoked') = (revoked_at IS NOT NULL AND revocation_reason IS NOT NULL))
    )`);
    // The last line of defence if two forge-sign processes ever bypass the advisory lock: at most one signing key.
    await q.query(`CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE status = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signing_keys');
  }
}
