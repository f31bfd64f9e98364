import { createServer, Server } from 'node:http';
import { metricsRegistry } from './metrics';

/** A readiness report: `status` healthy, degraded or unhealthy, and the checks behind it. */
export type HealthReport = { status: 'healthy' | 'degraded' | 'unhealthy'; checks: Record<string, unknown> };
export type HealthCheck = () => Promise<HealthReport>;

/**
 * The small HTTP listener a worker runs beside its queue consumer: /metrics for
 * Prometheus, and /health (= /health/ready: its dependencies answer; the worker's
 * terminus checks) and /health/live (the process answers) for orchestrators.
 * Readiness is 503 only when unhealthy: a degraded worker still takes traffic.
 * Plain node:http, not Nest's HTTP platform: workers have no other HTTP surface.
 */
export function startOpsListener(port: number, health: HealthCheck): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': metricsRegistry.contentType });
      res.end(await metricsRegistry.metrics());
      return;
    }
    if (req.url === '/health/live') {
      // Liveness: the process answers. Dependencies are readiness's business; restarting a worker because Redis is down would not help.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'alive' }));
      return;
    }
    if (req.url === '/health' || req.url === '/health/ready') {
      const report = await health().catch((error: Error): HealthReport => ({ status: 'unhealthy', checks: { self: { status: 'down', message: error.message } } }));
      res.writeHead(report.status === 'unhealthy' ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: `no route ${req.url}` }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
