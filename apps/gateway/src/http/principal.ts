import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import type { Principal } from '@bf/contracts';

/** Where the auth guard leaves the authenticated principal on the request. */
export const PRINCIPAL_KEY = 'bfPrincipal';

const principals = new AsyncLocalStorage<Principal>();

/** The principal the auth guard attached to a request, if any (public routes have none). */
export function principalOf(request: Request): Principal | undefined {
  return (request as unknown as Record<string, Principal | undefined>)[PRINCIPAL_KEY];
}

export function attachPrincipal(request: Request, principal: Principal): void {
  (request as unknown as Record<string, Principal>)[PRINCIPAL_KEY] = principal;
}

/**
 * Who the current request acts as: the tenant and API key it authenticated
 * with. Available anywhere below a route handler (services included), because
 * the handler runs inside `PrincipalContextInterceptor`'s async context. Throws
 * on a public route or outside a request: asking there is a programming error.
 */
export function requestPrincipal(): Principal {
  const principal = principals.getStore();
  if (!principal) throw new Error('no authenticated principal in this context (a public route, or code outside a request)');
  return principal;
}

/** The principal of the current request, or undefined on a public route. */
export function currentPrincipal(): Principal | undefined {
  return principals.getStore();
}

/**
 * Runs each HTTP handler inside an async context holding the request's
 * principal, so `requestPrincipal()` and `requestTenant()` need no parameter
 * threaded through every service. (A guard cannot do this: it returns before
 * the handler runs; an interceptor wraps the handler's execution.)
 */
@Injectable()
export class PrincipalContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (!principal) return next.handle();
    return new Observable((subscriber) => principals.run(principal, () => next.handle().subscribe(subscriber)));
  }
}
