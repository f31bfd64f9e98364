import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { Principal, Role, roleAllows } from '@bf/contracts';
import { rootLogger } from '@bf/observability';
import { ApiKeys, prefixOf } from '@bf/tenancy';
import { DEFAULT_REQUIRED_ROLE, PLATFORM_ONLY, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { attachPrincipal } from './principal';
import { chargeAuthenticatedKeyOrThrow } from './rate-limit';

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

const FAILURE_MESSAGES = {
  missing: 'an API key is required: send Authorization: Bearer <key>',
  malformed: 'invalid API key',
  unknown: 'invalid API key',
  revoked: 'this API key has been revoked',
  expired: 'this API key has expired',
} as const;

/**
 * The gateway's one authentication and authorisation check, applied to every
 * route (global guard). Public routes pass; every other route needs a valid,
 * unrevoked, unexpired key (401 otherwise, with `WWW-Authenticate: Bearer`)
 * whose role includes the route's (403 otherwise). The principal is attached to
 * the request and scopes every query to its tenant (see `requestTenant`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = rootLogger().child({ component: 'AuthGuard' });

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // The orchestrator's step-status consumer shares this app; queue messages carry no keys.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const principal = await this.authenticate(request, response);
    // The key's own rate budget, charged only now that the token is known to be the key (README "Hardening").
    await chargeAuthenticatedKeyOrThrow(request, response, principal.keyPrefix);
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? DEFAULT_REQUIRED_ROLE;
    if (!roleAllows(principal.role, required)) {
      throw new ForbiddenException(`this route needs the ${required} role; key ${principal.keyPrefix} has ${principal.role}`);
    }
    if (this.reflector.getAllAndOverride<boolean>(PLATFORM_ONLY, targets) && principal.tenantId !== this.config.tenancy.platformTenantId) {
      throw new ForbiddenException('this route is for admins of the platform tenant');
    }
    attachPrincipal(request, principal);
    return true;
  }

  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const token = bearerToken(request.headers.authorization);
    const outcome = token ? await this.keys.authenticate(token) : ({ ok: false, reason: 'missing' } as const);
    if (outcome.ok) return outcome.principal;
    // The prefix only: a key is never logged, even a wrong one.
    if (outcome.reason !== 'missing') this.log.info({ reason: outcome.reason, prefix: token ? prefixOf(token) : null }, 'API key refused');
    response.setHeader('WWW-Authenticate', outcome.reason === 'missing' ? 'Bearer realm="business-factory"' : 'Bearer realm="business-factory", error="invalid_token"');
    throw new UnauthorizedException(FAILURE_MESSAGES[outcome.reason]);
  }
}
