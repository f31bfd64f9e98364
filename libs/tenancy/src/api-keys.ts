import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, Role, RoleSchema } from '@bf/contracts';
import { AuditLog } from '@bf/persistence';
import { hashKey, newKey, newPrefix, prefixOf, sameHash } from './api-key-format';

/** What an admin sees of a key: never the key, never its hash. */
export interface ApiKeyView {
  id: string;
  tenant_id: string;
  name: string;
  role: Role;
  prefix: string;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revocation_reason: string | null;
  status: 'active' | 'expired' | 'revoked';
}

/** A key just issued: the only moment the full key exists outside the caller. */
export interface IssuedApiKey {
  key: string;
  api_key: ApiKeyView;
}

export interface IssueKeyRequest {
  tenantId: string;
  name: string;
  role: Role;
  expiresAt?: Date | null;
  /** The key id that issues this one; null for a command line, onboarding or a test harness. */
  createdBy?: string | null;
}

/** Why a presented key does not authenticate. Kept to the server log; a client just gets 401. */
export type AuthFailure = 'malformed' | 'unknown' | 'revoked' | 'expired';
export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: AuthFailure };

export interface ApiKeysOptions {
  /** API_KEY_PEPPER; null: the documented unpeppered HMAC key. */
  pepper: Buffer | null;
  /** How stale last_used_at may get before a request writes it again (ms). */
  lastUsedResolutionMs?: number;
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  role: Role;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

const COLUMNS = 'id, tenant_id, name, role, prefix, key_hash, created_by, created_at, expires_at, last_used_at, revoked_at, revoked_by, revocation_reason';

/**
 * Issues, authenticates, lists and revokes API keys. A plain class over a
 * TypeORM DataSource (or a transaction's EntityManager), so the gateway, the
 * `factory` command line and onboarding share it without Nest.
 */
export class ApiKeys {
  private readonly audit = new AuditLog();
  private readonly lastUsedResolutionMs: number;

  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly options: ApiKeysOptions,
  ) {
    this.lastUsedResolutionMs = options.lastUsedResolutionMs ?? 60_000;
  }

  /** The same keys inside a transaction (for issuing a tenant's first key with the tenant). */
  withManager(manager: EntityManager): ApiKeys {
    return new ApiKeys(manager, this.options);
  }

  async issue(request: IssueKeyRequest): Promise<IssuedApiKey> {
    const role = RoleSchema.parse(request.role);
    const name = request.name.trim();
    if (!name || name.length > 120) throw new RangeError('a key needs a name of 1 to 120 characters');
    if (request.expiresAt && request.expiresAt.getTime() <= Date.now()) throw new RangeError('expires_at must be in the future');
    return this.inTransaction(async (manager) => {
      const prefix = newPrefix();
      const key = newKey(prefix);
      const id = `key_${randomBytes(6).toString('hex')}`;
      const [row] = (await manager.query(
        `INSERT INTO api_keys (id, tenant_id, name, role, prefix, key_hash, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [id, request.tenantId, name, role, prefix, hashKey(key, this.options.pepper), request.createdBy ?? null, request.expiresAt ?? null],
      )) as ApiKeyRow[];
      await this.audit.append(manager, {
        tenantId: request.tenantId,
        eventType: 'tenancy.api_key_created',
        severity: role === 'admin' ? 'warning' : 'info',
        reason: `API key ${prefix} ('${name}', ${role}) issued`,
        success: true,
        metadata: { key_id: id, prefix, name, role, expires_at: request.expiresAt?.toISOString() ?? null, created_by: request.createdBy ?? null },
      });
      return { key, api_key: view(row) };
    });
  }

  /** The principal a presented key acts as, or why it does not authenticate. */
  async authenticate(token: string): Promise<AuthOutcome> {
    const prefix = prefixOf(token);
    if (!prefix) return { ok: false, reason: 'malformed' };
    const [row] = (await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE prefix = $1`, [prefix])) as ApiKeyRow[];
    if (!row || !sameHash(row.key_hash, hashKey(token, this.options.pepper))) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() >= this.lastUsedResolutionMs) {
      // At most one write a minute per key (conditional, so concurrent requests don't all write).
      await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - $2::interval)`, [
        row.id,
        `${this.lastUsedResolutionMs} milliseconds`,
      ]);
    }
    return { ok: true, principal: { tenantId: row.tenant_id, keyId: row.id, keyPrefix: row.prefix, keyName: row.name, role: row.role } };
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId])) as ApiKeyRow[];
    return rows.map(view);
  }

  async get(tenantId: string, keyId: string): Promise<ApiKeyView | null> {
    const [row] = (await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, keyId])) as ApiKeyRow[];
    return row ? view(row) : null;
  }

  /**
   * Revokes a key of the tenant. Null when the tenant has no such key; a key
   * already revoked keeps its first revocation (and is returned as it is).
   */
  async revoke(tenantId: string, keyId: string, reason: string, revokedBy: string | null): Promise<ApiKeyView | null> {
    const why = reason.trim();
    if (!why) throw new RangeError('a revocation needs a reason');
    return this.inTransaction(async (manager) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
      const [rows] = (await manager.query(
        `UPDATE api_keys SET revoked_at = now(), revoked_by = $3, revocation_reason = $4
          WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
        [tenantId, keyId, revokedBy, why],
      )) as [ApiKeyRow[], number];
      const row = rows[0];
      if (!row) return this.withManager(manager).get(tenantId, keyId);
      await this.audit.append(manager, {
        tenantId,
        eventType: 'tenancy.api_key_revoked',
        severity: 'warning',
        reason: `API key ${row.prefix} ('${row.name}') revoked: ${why}`,
        success: true,
        metadata: { key_id: row.id, prefix: row.prefix, name: row.name, role: row.role, revoked_by: revokedBy, reason: why },
      });
      return view(row);
    });
  }

  private inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.db instanceof DataSource) return this.db.transaction(work);
    // Already a transaction's manager (or one the caller manages).
    return work(this.db);
  }
}

function view(row: ApiKeyRow): ApiKeyView {
  const now = Date.now();
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    revoked_by: row.revoked_by,
    revocation_reason: row.revocation_reason,
    status: row.revoked_at ? 'revoked' : row.expires_at && row.expires_at.getTime() <= now ? 'expired' : 'active',
  };
}
