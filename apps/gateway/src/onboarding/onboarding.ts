import { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '@bf/config';
import { AuditLog } from '@bf/persistence';
import { apiKeysFor, IssuedApiKey, TenantExistsError, tenantsFor, TenantView } from '@bf/tenancy';
import { OnboardingRequest } from './onboarding.schema';

/** What a setup did: the tenant, and its admin key when one was issued (shown this once). */
export interface OnboardingOutcome {
  status: 'created' | 'already_set_up' | 'admin_key_added';
  tenant: TenantView;
  /** Active admin keys of the tenant after the setup. */
  admin_keys: number;
  admin_key: IssuedApiKey | null;
}

export class OnboardingConflictError extends Error {}

/**
 * First-run setup, shared by `npm run factory -- init` and `POST /api/onboarding/setup`.
 * The first organization becomes the platform tenant (PLATFORM_TENANT_ID), so its
 * admin key can then create further tenants. The keyless first run (HTTP) is open
 * only while the platform tenant never had an admin key (active, expired or
 * revoked) and never completed an onboarding: once closed it stays closed, so
 * expiring or revoking every admin key does not hand the platform to whoever
 * calls next. The command line (a shell on the host) may still issue a key when
 * none is active: that is the recovery path. A transaction-scoped advisory lock
 * makes two concurrent setups take turns, so only one of them issues the first key.
 */
export class Onboarding {
  private readonly audit = new AuditLog();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  get platformTenantId(): string {
    return this.config.tenancy.platformTenantId;
  }

  /** Whether the platform was never set up: no admin key ever issued to the platform tenant, no onboarding recorded. */
  async firstRunPending(manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return !(await this.everSetUp(manager, this.platformTenantId));
  }

  /**
   * Sets up the platform tenant: names it after the organization and issues its
   * first admin key. Already set up: says so and changes nothing, unless
   * `addAdminKey` asks for another admin key (the command line's --new-admin-key).
   * `firstRunOnly` (the keyless HTTP setup) changes nothing once the platform was
   * ever set up, even when none of its admin keys is active any more.
   */
  async setUpPlatform(request: OnboardingRequest, options: { addAdminKey?: boolean; firstRunOnly?: boolean; via: string }): Promise<OnboardingOutcome> {
    const tenantId = this.platformTenantId;
    if (request.organization.tenant_id && request.organization.tenant_id !== tenantId) {
      throw new OnboardingConflictError(`the first organization is the platform tenant ${tenantId} (PLATFORM_TENANT_ID); organization.tenant_id ${request.organization.tenant_id} differs`);
    }
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('bf:onboarding', 0))`);
      const existingKeys = await this.activeAdminKeys(manager, tenantId);
      if (options.firstRunOnly && (await this.everSetUp(manager, tenantId))) {
        return { status: 'already_set_up' as const, tenant: (await this.tenant(manager, tenantId))!, admin_keys: existingKeys, admin_key: null };
      }
      if (existingKeys > 0 && !options.addAdminKey) {
        return { status: 'already_set_up' as const, tenant: (await this.tenant(manager, tenantId))!, admin_keys: existingKeys, admin_key: null };
      }
      if (existingKeys === 0) {
        // The platform tenant exists from the first migration when PLATFORM_TENANT_ID is the default; otherwise it is made here.
        await manager.query(`INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, [tenantId, request.organization.name]);
      }
      const adminKey = await apiKeysFor(manager.connection, this.config)
        .withManager(manager)
        .issue({ tenantId, name: request.security.admin_key_name, role: 'admin', expiresAt: expiry(request.security.admin_key_expires_in_days), createdBy: null });
      const status = existingKeys === 0 ? ('created' as const) : ('admin_key_added' as const);
      await this.recordOnboarding(manager, tenantId, request, status, options.via, adminKey);
      return { status, tenant: (await this.tenant(manager, tenantId))!, admin_keys: existingKeys + 1, admin_key: adminKey };
    });
  }

  /** A platform admin onboarding another organization: a new tenant with its first admin key. */
  async createTenant(request: OnboardingRequest, createdBy: string): Promise<OnboardingOutcome> {
    const created = await tenantsFor(this.dataSource, this.config).create({ name: request.organization.name, id: request.organization.tenant_id, adminKeyName: request.security.admin_key_name, createdBy });
    await this.dataSource.transaction((manager) => this.recordOnboarding(manager, created.tenant.tenant_id, request, 'created', `api (${createdBy})`, created.admin_key));
    return { status: 'created', tenant: created.tenant, admin_keys: 1, admin_key: created.admin_key };
  }

  private async recordOnboarding(manager: EntityManager, tenantId: string, request: OnboardingRequest, status: string, via: string, key: IssuedApiKey): Promise<void> {
    await this.audit.append(manager, {
      tenantId,
      eventType: 'tenancy.onboarding_completed',
      severity: 'warning',
      reason: `Onboarding of '${request.organization.name}' (${status}) through ${via}: admin key ${key.api_key.prefix} issued`,
      success: true,
      metadata: { organization: request.organization, defaults: request.defaults, status, via, admin_key_id: key.api_key.id, admin_key_prefix: key.api_key.prefix },
    });
  }

  private async activeAdminKeys(manager: EntityManager, tenantId: string): Promise<number> {
    const [row] = await manager.query(
      `SELECT count(*) AS count FROM api_keys WHERE tenant_id = $1 AND role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [tenantId],
    );
    return Number(row.count);
  }

  /** Any admin key of the tenant, whatever its state (rows are never deleted), or a recorded onboarding. */
  private async everSetUp(manager: EntityManager, tenantId: string): Promise<boolean> {
    const [row] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM api_keys WHERE tenant_id = $1 AND role = 'admin')
           OR EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = $1 AND event_type = 'tenancy.onboarding_completed') AS done`,
      [tenantId],
    );
    return row.done === true;
  }

  private async tenant(manager: EntityManager, id: string): Promise<TenantView | null> {
    return tenantsFor(this.dataSource, this.config).get(id, manager);
  }
}

export { TenantExistsError };

function expiry(days: number | undefined): Date | undefined {
  return days ? new Date(Date.now() + days * 24 * 3600 * 1000) : undefined;
}
