import type { NextFunction, Request, Response } from 'express';
import { isSafeCorrelationId, newCorrelationId, runWithCorrelationId } from '@bf/observability';

export const CORRELATION_HEADER = 'x-correlation-id';
/** Also accepted from clients and proxies that name it so (nginx `$request_id`, many load balancers). */
const REQUEST_ID_HEADER = 'x-request-id';

type CorrelatedRequest = Request & { correlationId?: string };

/**
 * Gives every request a correlation id: the caller's `X-Correlation-Id` (or
 * `X-Request-Id`) when it is a short plain token, else a fresh one. It is sent
 * back as `X-Correlation-Id` (set first, so error answers carry it too) and the
 * rest of the request runs in a context carrying it: log lines, the jobs it
 * enqueues, the run it starts and its audit events all get it.
 *
 * Mounted twice: first thing, and again after the body parser, because a body
 * read from the socket resumes the middleware chain outside the context; the
 * second pass reuses the id chosen by the first.
 */
export function correlationContext(request: Request, response: Response, next: NextFunction): void {
  const correlated = request as CorrelatedRequest;
  correlated.correlationId ??= chooseCorrelationId(request);
  if (!response.headersSent) response.setHeader(CORRELATION_HEADER, correlated.correlationId);
  runWithCorrelationId(correlated.correlationId, next);
}

function chooseCorrelationId(request: Request): string {
  for (const name of [CORRELATION_HEADER, REQUEST_ID_HEADER]) {
    const value = request.headers[name];
    if (isSafeCorrelationId(value)) return value;
  }
  return newCorrelationId();
}
