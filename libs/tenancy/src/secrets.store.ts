import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { AppConfig, openBytes, SealedBoxError, sealBytes } from '@bf/config';
import { AuditLog } from '@bf/persistence';
import { loadSecretsKeyring, SecretsKeyring } from './secrets-keyring';

/** A secret's name: lowercase letters, digits and hyphens, starting with a letter or digit (`odoo-prod`). */
export const SECRET_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SecretNameSchema = z.string().regex(SECRET_NAME, 'must be lowercase letters, digits and hyphens, 1 to 63 characters, starting with a letter or digit (like odoo-prod)');

/** A stored value is at most this long (UTF-8 bytes of the string or of the object's JSON). */
export const SECRET_MAX_BYTES = 16 * 1024;

export const SecretPutSchema = z
  .object({
    value: z.union([z.string().min(1, 'must not be empty'), z.record(z.unknown())]),
    description: z.string().trim().max(500).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const bytes = Buffer.byteLength(typeof body.value === 'string' ? body.value : JSON.stringify(body.value), 'utf8');
    if (bytes > SECRET_MAX_BYTES) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be at most ${SECRET_MAX_BYTES} bytes (is ${bytes})` });
  });
export type SecretPut = z.infer<typeof SecretPutSchema>;

export type SecretValue = string | Record<string, unknown>;

/** What anyone may see of a secret: never its value, never its ciphertext. */
export interface SecretMetadata {
  name: string;
  kind: 'string' | 'json';
  description: string | null;
  /** The master key it is sealed under (rotation moves every secret to the active one). */
  key_id: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

export interface RotationReport {
  active_key_id: string;
  rotated: number;
  /** Secrets per key id after the rotation: an old key id absent here may be removed from SECRETS_MASTER_KEYS. */
  secrets_by_key_id: Record<string, number>;
  /** Secrets that could not be opened with any configured key (name and key id only). */
  unreadable: { tenant_id: string; name: string; key_id: string }[];
}

export class SecretNotFoundError extends Error {}
export class SecretUnreadableError extends Error {}

const METADATA_COLUMNS = `name, kind, description, key_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at, updated_by`;

interface SealedRow {
  tenant_id: string;
  name: string;
  kind: 'string' | 'json';
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  key_id: string;
}

/**
 * Per-tenant secrets, sealed with AES-256-GCM under the active master key
 * ("tenant_id/name" as associated data). Values leave this class only through
 * `reveal`, which the workers call at execution time; every other method deals
 * in names and metadata. Changes are audited in the tenant's chain, by name only.
 */
export class TenantSecrets {
  private keyring?: Promise<SecretsKeyring>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditLog = new AuditLog(),
  ) {}

  /** Creates or replaces a secret; `created` says which. */
  async put(tenantId: string, name: string, input: SecretPut, actor: string): Promise<{ secret: SecretMetadata; created: boolean }> {
    const keyring = await this.keys();
    const kind = typeof input.value === 'string' ? 'string' : 'json';
    const plaintext = Buffer.from(typeof input.value === 'string' ? input.value : JSON.stringify(input.value), 'utf8');
    const sealed = sealBytes(keyring.active.key, aadOf(tenantId, name), plaintext);
    plaintext.fill(0);
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO tenant_secrets (tenant_id, name, kind, description, ciphertext, iv, tag, key_id, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, name) DO UPDATE SET kind = EXCLUDED.kind, description = COALESCE(EXCLUDED.description, tenant_secrets.description),
           ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, tag = EXCLUDED.tag, key_id = EXCLUDED.key_id, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING ${METADATA_COLUMNS}, (xmax = 0) AS created`,
        [tenantId, name, kind, input.description ?? null, sealed.ciphertext, sealed.iv, sealed.tag, keyring.active.id, actor],
      );
      const { created, ...secret } = row as SecretMetadata & { created: boolean };
      await this.audit.append(manager, {
        tenantId,
        eventType: 'tenancy.secret_stored',
        severity: 'info',
        reason: `secret '${name}' ${created ? 'created' : 'replaced'} by ${actor}`,
        success: true,
        metadata: { secret_name: name, kind, key_id: keyring.active.id, created, actor },
      });
      return { secret, created };
    });
  }

  async list(tenantId: string): Promise<SecretMetadata[]> {
    return this.dataSource.query(`SELECT ${METADATA_COLUMNS} FROM tenant_secrets WHERE tenant_id = $1 ORDER BY name`, [tenantId]);
  }

  /** Deletes a secret; false when the tenant has none of that name. */
  async remove(tenantId: string, name: string, actor: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM gives a DELETE's result as [rows, affected count].
      const [, affected]: [unknown[], number] = await manager.query('DELETE FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
      if (!affected) return false;
      await this.audit.append(manager, {
        tenantId,
        eventType: 'tenancy.secret_deleted',
        severity: 'warning',
        reason: `secret '${name}' deleted by ${actor}`,
        success: true,
        metadata: { secret_name: name, actor },
      });
      return true;
    });
  }

  /** Which of `names` the tenant has no secret for (the preflight names them). */
  async missing(tenantId: string, names: string[]): Promise<string[]> {
    const unique = [...new Set(names)];
    if (!unique.length) return [];
    const rows: { name: string }[] = await this.dataSource.query('SELECT name FROM tenant_secrets WHERE tenant_id = $1 AND name = ANY($2)', [tenantId, unique]);
    const present = new Set(rows.map((row) => row.name));
    return unique.filter((name) => !present.has(name));
  }

  /**
   * The value, for a worker about to use it. Never log, return or store what this
   * gives; throws SecretNotFoundError / SecretUnreadableError naming only the secret.
   */
  async reveal(tenantId: string, name: string): Promise<SecretValue> {
    const [row]: SealedRow[] = await this.dataSource.query('SELECT tenant_id, name, kind, ciphertext, iv, tag, key_id FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
    if (!row) throw new SecretNotFoundError(`secret_ref '${name}': the tenant has no secret of that name (PUT /api/v1/secrets/${name})`);
    const text = (await this.open(row)).toString('utf8');
    return row.kind === 'json' ? (JSON.parse(text) as Record<string, unknown>) : text;
  }

  /**
   * Re-seals every secret not under the active master key, one tenant per
   * transaction (rows locked, so a concurrent PUT is not overwritten with an old
   * value), and audits each tenant's rotation. Safe to run again.
   */
  async rotate(actor: string): Promise<RotationReport> {
    const keyring = await this.keys();
    const tenants: { tenant_id: string }[] = await this.dataSource.query('SELECT DISTINCT tenant_id FROM tenant_secrets WHERE key_id <> $1 ORDER BY tenant_id', [keyring.active.id]);
    let rotated = 0;
    const unreadable: RotationReport['unreadable'] = [];
    for (const { tenant_id: tenantId } of tenants) {
      await this.dataSource.transaction(async (manager) => {
        const rows: SealedRow[] = await manager.query(
          'SELECT tenant_id, name, kind, ciphertext, iv, tag, key_id FROM tenant_secrets WHERE tenant_id = $1 AND key_id <> $2 ORDER BY name FOR UPDATE',
          [tenantId, keyring.active.id],
        );
        const moved: { name: string; from: string }[] = [];
        for (const row of rows) {
          const plaintext = await this.open(row).catch((error: Error) => {
            if (error instanceof SecretUnreadableError) return null;
            throw error;
          });
          if (!plaintext) {
            unreadable.push({ tenant_id: tenantId, name: row.name, key_id: row.key_id });
            continue;
          }
          const sealed = sealBytes(keyring.active.key, aadOf(tenantId, row.name), plaintext);
          plaintext.fill(0);
          await manager.query('UPDATE tenant_secrets SET ciphertext = $3, iv = $4, tag = $5, key_id = $6 WHERE tenant_id = $1 AND name = $2', [
            tenantId,
            row.name,
            sealed.ciphertext,
            sealed.iv,
            sealed.tag,
            keyring.active.id,
          ]);
          moved.push({ name: row.name, from: row.key_id });
        }
        if (moved.length) await this.auditRotation(manager, tenantId, moved, keyring.active.id, actor);
        rotated += moved.length;
      });
    }
    return { active_key_id: keyring.active.id, rotated, secrets_by_key_id: await this.countByKeyId(), unreadable };
  }

  /** How many secrets each master key id seals: a configured key id with none may be dropped. */
  async countByKeyId(): Promise<Record<string, number>> {
    const rows: { key_id: string; count: string }[] = await this.dataSource.query('SELECT key_id, count(*) AS count FROM tenant_secrets GROUP BY key_id ORDER BY key_id');
    return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
  }

  private async auditRotation(manager: EntityManager, tenantId: string, moved: { name: string; from: string }[], to: string, actor: string): Promise<void> {
    await this.audit.append(manager, {
      tenantId,
      eventType: 'tenancy.secrets_rotated',
      severity: 'info',
      reason: `${moved.length} secret(s) re-encrypted under master key ${to} by ${actor}`,
      success: true,
      metadata: { secret_names: moved.map((entry) => entry.name), from_key_ids: [...new Set(moved.map((entry) => entry.from))], to_key_id: to, actor },
    });
  }

  private async open(row: SealedRow): Promise<Buffer> {
    const master = (await this.keys()).key(row.key_id);
    if (!master) {
      throw new SecretUnreadableError(`secret '${row.name}' is sealed under master key ${row.key_id}, which is not configured (SECRETS_MASTER_KEYS)`);
    }
    try {
      return openBytes(master.key, aadOf(row.tenant_id, row.name), row);
    } catch (error) {
      if (!(error instanceof SealedBoxError)) throw error;
      throw new SecretUnreadableError(`secret '${row.name}' cannot be decrypted: master key ${row.key_id} is not the key it was sealed under, or its stored ciphertext was altered`);
    }
  }

  private keys(): Promise<SecretsKeyring> {
    this.keyring ??= loadSecretsKeyring(this.config).catch((error: Error) => {
      this.keyring = undefined; // a missing key may be configured later; do not cache the refusal
      throw error;
    });
    return this.keyring;
  }
}

/** The associated data: binds a ciphertext to its tenant and name. */
function aadOf(tenantId: string, name: string): string {
  return `${tenantId}/${name}`;
}
