import type { Role } from '@bf/contracts';
import { requestPrincipal } from '../http/principal';

/** Who performs a forge action: the requester of a job or approval, an approver, a revoker, a publisher. */
export interface ForgeActor {
  tenantId: string;
  /** The calling API key's id: what rows record and approvals compare. */
  id: string;
  /** What people read in messages and audit events: the key's name and prefix. */
  name: string;
  role: Role;
  keyName: string;
  keyPrefix: string;
  /** The body's requested_by/approver/revoked_by/published_by: display text for the audit event, never identity. */
  displayName: string | null;
}

/**
 * The one place the forge learns identity: always the calling API key
 * (requestPrincipal(); every forge route requires a role, so there is one).
 * A name in the body is kept as display text only: nobody can act, approve or
 * revoke as someone else, and approvals count distinct keys.
 */
export function forgeActor(displayName?: string): ForgeActor {
  const principal = requestPrincipal();
  return {
    tenantId: principal.tenantId,
    id: principal.keyId,
    name: `${principal.keyName} (${principal.keyPrefix})`,
    role: principal.role,
    keyName: principal.keyName,
    keyPrefix: principal.keyPrefix,
    displayName: displayName?.trim() || null,
  };
}

/** The tenant whose forge records a request may see: the calling key's. */
export function forgeTenant(): string {
  return requestPrincipal().tenantId;
}

/** Audit metadata naming the actor by key (id, prefix, name) and the unverified display text, if any. */
export function actorMetadata(actor: ForgeActor): Record<string, unknown> {
  return { actor_key_id: actor.id, actor_key_prefix: actor.keyPrefix, actor_key_name: actor.keyName, actor_role: actor.role, ...(actor.displayName ? { display_name: actor.displayName } : {}) };
}
