import { DoubleHandler, sendJson, sendText } from './http-double';

/**
 * The part of the PowerDNS Authoritative 4.7 HTTP API a preflight reads:
 * `GET /api/v1/servers/{id}` with `X-API-Key`. Like the real server, a wrong key
 * and an unknown server answer in plain text.
 */
export function powerDnsDouble(options: { apiKey: string; serverId?: string; version?: string }): DoubleHandler {
  const serverId = options.serverId ?? 'localhost';
  return (request, response) => {
    if (request.headers['x-api-key'] !== options.apiKey) return sendText(response, 401, 'Unauthorized');
    const match = /^\/api\/v1\/servers\/([^/?]+)$/.exec(request.path);
    if (request.method !== 'GET' || !match) return sendText(response, 404, 'Not Found');
    if (decodeURIComponent(match[1]) !== serverId) return sendText(response, 404, 'Not Found');
    sendJson(response, 200, {
      type: 'Server',
      id: serverId,
      daemon_type: 'authoritative',
      version: options.version ?? '4.7.3',
      url: `/api/v1/servers/${serverId}`,
      config_url: `/api/v1/servers/${serverId}/config{/config_setting}`,
      zones_url: `/api/v1/servers/${serverId}/zones{/zone}`,
    });
  };
}
