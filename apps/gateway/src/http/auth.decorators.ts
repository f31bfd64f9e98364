import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Role } from '@bf/contracts';

export const PUBLIC_ROUTE = 'bf:public-route';
export const REQUIRED_ROLE = 'bf:required-role';
export const PLATFORM_ONLY = 'bf:platform-only';

/**
 * A route anyone may call without a key: health, metrics and the public
 * contact form. Everything else needs `Authorization: Bearer <key>`.
 */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The weakest role that may call a route (or every route of a controller; a
 * method's own decorator wins). A route with neither this nor `@Public()`
 * needs an admin key: a forgotten decorator fails closed.
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/**
 * Platform-wide operations (creating tenants, rotating and revoking evidence
 * signing keys): an admin key of the platform tenant (`PLATFORM_TENANT_ID`).
 * An admin of any other tenant gets 403: these are not a tenant's resources.
 */
export const RequirePlatformAdmin = () => applyDecorators(SetMetadata(REQUIRED_ROLE, 'admin'), SetMetadata(PLATFORM_ONLY, true));

/** The role a route requires when it declares none. */
export const DEFAULT_REQUIRED_ROLE: Role = 'admin';
