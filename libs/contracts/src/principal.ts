import { z } from 'zod';

/**
 * Roles of an API key, weakest first. Each role can do everything the roles
 * before it can: viewer reads; operator plans, dry-runs, executes and rolls
 * back; approver also approves plans and forge packages (never their own);
 * admin also manages keys, tenant settings, secrets and Bull Board actions.
 */
export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Whether `held` includes everything `required` may do. */
export function roleAllows(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

/** Who a request acts as: the tenant and the API key it authenticated with. */
export interface Principal {
  tenantId: string;
  keyId: string;
  /** The key's public prefix (`bfk_xxxxxxxx`), safe to log and show. */
  keyPrefix: string;
  /** The name the admin gave the key; approvals and audit events record it. */
  keyName: string;
  role: Role;
}
