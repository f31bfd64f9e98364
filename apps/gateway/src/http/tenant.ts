import { DEFAULT_TENANT_ID } from '@bf/persistence';

/**
 * The tenant a request acts for. Until API keys exist every request belongs to
 * the default tenant; every query is already scoped by tenant id.
 */
export function requestTenant(): string {
  return DEFAULT_TENANT_ID;
}
