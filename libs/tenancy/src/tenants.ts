import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditLog } from '@bf/persistence';
import { ApiKeys, IssuedApiKey } from './api-keys';

export interface TenantView {
  tenant_id: string;
  name: string;
  created_at: string;
}

export interface CreateTenantRequest {
  name: string;
  /** A chosen id (`tenant_<slug>`); generated when absent. */
  id?: string;
  /** Name of the first admin key. */
  adminKeyName?: string;
  /** The key id that creates the tenant (a platform admin), or null for a command line. */
  createdBy?: string | null;
}

export const TENANT_ID_PATTERN = /^tenant_[a-z0-9_]{3,48}$/;

/** The outcome of creating a tenant: the tenant and its first admin key, shown once. */
export interface CreatedTenant {
  tenant: TenantView;
  admin_key: IssuedApiKey;
}

export class TenantExistsError extends Error {}

/**
 * Tenants: every plan, run, site and key belongs to one. Creating a tenant also
 * issues its first admin key in the same transaction, so no tenant exists that
 * nobody can administer. A plain class for the gateway and command lines alike.
 */
export class Tenants {
  private readonly audit = new AuditLog();

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeys,
  ) {}

  async create(request: CreateTenantRequest): Promise<CreatedTenant> {
    const name = request.name.trim();
    if (!name || name.length > 200) throw new RangeError('a tenant needs a name of 1 to 200 characters');
    const id = request.id ?? `tenant_${randomBytes(6).toString('hex')}`;
    if (!TENANT_ID_PATTERN.test(id)) throw new RangeError(`tenant id must match ${TENANT_ID_PATTERN.source}`);
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id, name, created_at', [id, name])) as TenantRow[];
      if (!inserted.length) throw new TenantExistsError(`tenant ${id} already exists`);
      await this.audit.append(manager, {
        tenantId: id,
        eventType: 'tenancy.tenant_created',
        severity: 'info',
        reason: `Tenant '${name}' created`,
        success: true,
        metadata: { tenant_id: id, name, created_by: request.createdBy ?? null },
      });
      const adminKey = await this.keys.withManager(manager).issue({ tenantId: id, name: request.adminKeyName ?? 'first admin', role: 'admin', createdBy: request.createdBy ?? null });
      return { tenant: view(inserted[0]), admin_key: adminKey };
    });
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<TenantView | null> {
    const [row] = (await manager.query('SELECT id, name, created_at FROM tenants WHERE id = $1', [id])) as TenantRow[];
    return row ? view(row) : null;
  }
}

interface TenantRow {
  id: string;
  name: string;
  created_at: Date;
}

function view(row: TenantRow): TenantView {
  return { tenant_id: row.id, name: row.name, created_at: row.created_at.toISOString() };
}
