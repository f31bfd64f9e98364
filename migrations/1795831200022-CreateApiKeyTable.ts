import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys, per tenant. Only a keyed hash of the whole key is stored (HMAC-SHA-256
 * under API_KEY_PEPPER), with its public prefix for lookup and display; the key
 * itself is shown once, when it is issued. Rows are never deleted: a revoked key
 * stays listed with who revoked it and why.
 */
export class CreateApiKeyTable1795831200022 implements MigrationInterface {
  name = 'CreateApiKeyTable1795831200022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_keys (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id),
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'admin')),
      -- bfk_ plus 8 lower-case characters: unique, so a presented key finds its row by index
      prefix text NOT NULL UNIQUE CHECK (prefix ~ '^bfk_[a-z0-9]{8}$'),
      key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
      -- the key that issued this one, or null when a command line or the first boot did
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_by text,
      revocation_reason text,
      CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
    )`);
    await q.query('CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
