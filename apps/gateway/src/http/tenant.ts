import { requestPrincipal } from './principal';

/**
 * The tenant a request acts for: the tenant of the API key it authenticated
 * with. Every query of a tenant's data is scoped by this id, so a key only ever
 * sees its own tenant's plans, runs, evidence, audit events and sites, and
 * another tenant's resource is simply not found (404, never 403).
 */
export function requestTenant(): string {
  return requestPrincipal().tenantId;
}
