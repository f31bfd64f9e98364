import { benchGenerateDeploy } from '../bench/site-deploy';

/** Keeps the bench's code path working (it only runs under `npm run bench` otherwise). Its figures are the bench's to report: nothing here is timed. */
describe('benchGenerateDeploy', () => {
  it('generates and deploys the Acme site on the built-in host and reports percentiles', async () => {
    const result = await benchGenerateDeploy(3);
    expect(result.iterations).toBe(3);
    expect(result.p50_ms).toBeGreaterThan(0);
    expect(result.p99_ms).toBeGreaterThanOrEqual(result.p50_ms);
  });
});
