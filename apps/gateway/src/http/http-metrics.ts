import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration, httpRequests } from '@bf/observability';

/**
 * Counts and times every answer by route template, never by raw path: plan
 * ids and domains in URLs would make the label set unbounded. Requests that
 * matched no route (and deployed sites served by Host) get a fixed label.
 */
export function httpMetrics(request: Request, response: Response, next: NextFunction): void {
  const stop = httpRequestDuration.startTimer();
  response.on('finish', () => {
    const route = (request.route?.path as string | undefined) ?? (response.locals.siteHost ? 'site' : 'unmatched');
    const labels = { method: request.method, route: `${request.baseUrl ?? ''}${route}`, status: String(response.statusCode) };
    stop(labels);
    httpRequests.inc(labels);
  });
  next();
}
