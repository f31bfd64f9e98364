import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-tenant secrets (DNS tokens, Odoo credentials), referenced by name from
 * briefings (`secret_ref`). Only AES-256-GCM ciphertext is stored, with the id of
 * the master key that sealed it (so rotation knows what to re-encrypt and an old
 * key can be dropped once no row names it) and "tenant_id/name" as associated
 * data, so a ciphertext moved to another row or tenant does not decrypt.
 */
export class CreateTenantSecretTable1795831200026 implements MigrationInterface {
  name = 'CreateTenantSecretTable1795831200026';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenant_secrets (
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      kind text NOT NULL CHECK (kind IN ('string', 'json')),
      description text,
      ciphertext bytea NOT NULL,
      iv bytea NOT NULL CHECK (length(iv) = 12),
      tag bytea NOT NULL CHECK (length(tag) = 16),
      key_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- the API key (prefix) or tool that wrote the current value
      updated_by text NOT NULL,
      PRIMARY KEY (tenant_id, name)
    )`);
    // Rotation and "may this old master key be dropped?" both ask by key id.
    await q.query('CREATE INDEX tenant_secrets_key_id_idx ON tenant_secrets (key_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_secrets');
  }
}
