import { DoubleHandler, sendJson } from './http-double';

/**
 * The part of the Hetzner Cloud API (DNS zones) a preflight reads: `GET /v1/zones`
 * with `Authorization: Bearer`, answering `{zones, meta}` or the documented
 * error object `{error: {code, message, details}}`.
 */
export function hetznerDnsDouble(options: { token: string }): DoubleHandler {
  return (request, response) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return sendJson(response, 401, { error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } });
    }
    if (request.method !== 'GET' || !/^\/v1\/zones(\?|$)/.test(request.path)) return sendJson(response, 404, { error: { code: 'not_found', message: 'not found', details: {} } });
    sendJson(response, 200, {
      zones: [{ id: 4711, name: 'example.com', ttl: 3600, mode: 'primary', status: 'ok' }],
      meta: { pagination: { page: 1, per_page: 1, previous_page: null, next_page: null, last_page: 1, total_entries: 1 } },
    });
  };
}
