import { AddressInfo } from 'node:net';
import { HealthReport, startOpsListener } from './ops-listener';

describe('worker ops listener', () => {
  it('answers liveness without asking the dependencies, and readiness (= /health) with them: 503 only when unhealthy', async () => {
    let report: HealthReport = { status: 'healthy', checks: { postgres: { status: 'up', responseTime: 1 } } };
    let asked = 0;
    const server = await startOpsListener(0, async () => {
      asked++;
      return report;
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'alive' });
      expect(asked).toBe(0);
      for (const path of ['/health', '/health/ready']) expect((await fetch(`${base}${path}`)).status).toBe(200);
      report = { status: 'degraded', checks: { queue: { status: 'up', responseTime: 1, degraded: 'queue dns is paused' } } };
      const degraded = await fetch(`${base}/health/ready`);
      expect({ status: degraded.status, body: await degraded.json() }).toEqual({ status: 200, body: report });
      report = { status: 'unhealthy', checks: { redis: { status: 'down', responseTime: 1000, message: 'redis: no answer within 1000 ms' } } };
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual(report);
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect(asked).toBe(4);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 503 unhealthy when the check itself fails', async () => {
    const server = await startOpsListener(0, () => Promise.reject(new Error('boom')));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ready = await fetch(`${base}/health/ready`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'unhealthy', checks: { self: { status: 'down', message: 'boom' } } } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
