import { AddressInfo } from 'node:net';
import { startOpsListener } from './ops-listener';

describe('worker ops listener', () => {
  it('answers liveness without asking the dependencies, and readiness (= /health) with them', async () => {
    let redis: 'up' | 'down' = 'up';
    const server = await startOpsListener(0, async () => ({ postgres: 'up', redis }));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'alive' });
      for (const path of ['/health', '/health/ready']) expect((await fetch(`${base}${path}`)).status).toBe(200);
      redis = 'down';
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'error', checks: { postgres: 'up', redis: 'down' } });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
