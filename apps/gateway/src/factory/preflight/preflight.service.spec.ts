import { loadConfig } from '@bf/config';
import { planOf } from '../../../../../test/support/preflight-subject';
import { PreflightCheck, PreflightResult } from './preflight-check';
import { failedReasons, PreflightService } from './preflight.service';

const fixed = (name: string, results: PreflightResult[]): PreflightCheck => ({ name, run: async () => results });

describe(PreflightService.name, () => {
  const config = loadConfig({ ODOO_PASSWORD: 'hunter2-secret', PDNS_API_KEY: 'pdns-key-secret' });

  it('runs every check and passes when all pass, starting with the run mode', async () => {
    const service = new PreflightService([fixed('a', [{ check: 'a', passed: true, detail: 'fine' }]), fixed('b', [])], config);
    expect(await service.run(planOf(true, ['website.generate']))).toEqual({
      passed: true,
      checks: [
        { check: 'mode', passed: true, detail: 'dry run: no external system is changed' },
        { check: 'a', passed: true, detail: 'fine' },
      ],
    });
  });

  it('fails when any check fails, keeping every result, and lists every failed reason', async () => {
    const service = new PreflightService(
      [
        fixed('a', [{ check: 'a', passed: false, detail: 'a is broken' }]),
        fixed('b', [{ check: 'b', passed: true, detail: 'fine' }]),
        fixed('c', [{ check: 'c', passed: false, detail: 'c is broken' }]),
      ],
      config,
    );
    const report = await service.run(planOf(false, ['dns.configure']));
    expect(report.passed).toBe(false);
    expect(report.checks.map((check) => check.check)).toEqual(['mode', 'a', 'b', 'c']);
    expect(failedReasons(report)).toEqual(['a is broken', 'c is broken']);
  });

  it('reports a check that throws as failed, and still runs the others', async () => {
    const broken: PreflightCheck = { name: 'broken', run: async () => Promise.reject(new Error('boom')) };
    const report = await new PreflightService([broken, fixed('b', [{ check: 'b', passed: true, detail: 'fine' }])], config).run(planOf(false, []));
    expect(report.checks).toEqual([
      expect.objectContaining({ check: 'mode' }),
      { check: 'broken', passed: false, detail: 'the broken check could not run: boom' },
      { check: 'b', passed: true, detail: 'fine' },
    ]);
  });

  it('never returns a configured secret, whatever a system echoed back', async () => {
    const echo = fixed('odoo', [{ check: 'odoo', passed: false, detail: 'server said: bad password hunter2-secret for key pdns-key-secret' }]);
    const report = await new PreflightService([echo], config).run(planOf(false, []));
    expect(report.checks[1].detail).toBe('server said: bad password *** for key ***');
  });
});
