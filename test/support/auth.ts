import { ROLES, type Role } from '@bf/contracts';
import { apiKeysFor, tenantsFor } from '@bf/tenancy';
import { DEFAULT_TENANT_ID } from '@bf/persistence';
import type { RunningSystem } from '../../apps/gateway/src/start-all';

/** The keys a test system was provisioned with: one per role in the default tenant, and an admin of a second tenant. */
export interface TestKeys {
  byRole: Record<Role, string>;
  /** Key ids, for checking what an approval or audit event recorded. */
  idsByRole: Record<Role, string>;
  otherTenant: { tenantId: string; adminKey: string; viewerKey: string };
}

const provisioned = new WeakMap<RunningSystem, TestKeys>();

/**
 * Issues one key per role in the default tenant and a second tenant with an
 * admin and a viewer key, straight through @bf/tenancy (as the `factory` command
 * line would), and remembers them for `authHeaders`. `startTestSystem` calls it.
 */
export async function provisionTestKeys(system: RunningSystem, label: string): Promise<TestKeys> {
  const { dataSource, config } = system.runtime;
  const keys = apiKeysFor(dataSource, config);
  const byRole = {} as Record<Role, string>;
  const idsByRole = {} as Record<Role, string>;
  for (const role of ROLES) {
    const issued = await keys.issue({ tenantId: DEFAULT_TENANT_ID, name: `test ${label} ${role}`, role });
    byRole[role] = issued.key;
    idsByRole[role] = issued.api_key.id;
  }
  const other = await tenantsFor(dataSource, config).create({ name: `Other tenant of ${label}` });
  const otherViewer = await keys.issue({ tenantId: other.tenant.tenant_id, name: `test ${label} other viewer`, role: 'viewer' });
  const provisionedKeys: TestKeys = { byRole, idsByRole, otherTenant: { tenantId: other.tenant.tenant_id, adminKey: other.admin_key.key, viewerKey: otherViewer.key } };
  provisioned.set(system, provisionedKeys);
  return provisionedKeys;
}

export function testKeys(system: RunningSystem): TestKeys {
  const keys = provisioned.get(system);
  if (!keys) throw new Error('this system has no test keys: start it with startTestSystem (or call provisionTestKeys)');
  return keys;
}

/**
 * Headers that authenticate a test's request to the gateway as a key of the
 * given role in the default tenant.
 */
export function authHeaders(system: RunningSystem, role: Role = 'admin'): Record<string, string> {
  return { authorization: `Bearer ${testKeys(system).byRole[role]}` };
}

/** Headers of an admin key of a second tenant: for checking that another tenant's resources answer 404. */
export function otherTenantHeaders(system: RunningSystem, role: 'admin' | 'viewer' = 'admin'): Record<string, string> {
  const other = testKeys(system).otherTenant;
  return { authorization: `Bearer ${role === 'admin' ? other.adminKey : other.viewerKey}` };
}

/**
 * The role an existing test's request acts with, by route: approvals as an
 * approver (never the key that planned), key, tenant and queue administration
 * as an admin, everything else as an operator (the role that plans, executes and
 * reads). The role matrix test checks each route's exact minimum separately.
 */
export function roleFor(path: string): Role {
  if (/\/api\/v1\/plans\/[^/]+\/approve/.test(path)) return 'approver';
  if (/^\/(api\/v1\/(keys\/|api-keys|tenants)|admin\/)/.test(path.replace(/^https?:\/\/[^/]+/, ''))) return 'admin';
  return 'operator';
}
