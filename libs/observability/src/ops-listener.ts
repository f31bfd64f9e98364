import { createServer, Server } from 'node:http';
import { metricsRegistry } from './metrics';

export type HealthCheck = () => Promise<Record<string, 'up' | 'down'>>;

/**
 * The small HTTP listener a worker runs beside its queue consumer: /metrics for
 * Prometheus, and /health (= /health/ready: its dependencies answer) and
 * /health/live (the process answers) for orchestrators. Workers have no other HTTP surface.
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
      const checks = await health().catch(() => ({ self: 'down' as const }));
      const up = Object.values(checks).every((state) => state === 'up');
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: up ? 'ok' : 'error', checks }));
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

/** 'up' if the check settles successfully within the time limit, else 'down' (a dead Redis must not hang /health). */
export function probe(check: () => Promise<unknown>, timeoutMs = 1000): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), timeoutMs)));
  return Promise.race([check().then(() => 'up' as const, () => 'down' as const), timeout]).finally(() => clearTimeout(timer));
}
