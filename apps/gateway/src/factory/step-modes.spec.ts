import { loadConfig } from '@bf/config';
import { planOf } from '../../../../test/support/preflight-subject';
import { LiveCapabilityCheck } from './preflight/live-capability.check';
import { OdooCheck } from './preflight/odoo.check';
import { StepModePolicy } from './step-modes';

const ODOO = { ODOO_URL: 'http://odoo.invalid:8069', ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: 'secret' };
const live = { planDryRun: false, source: 'briefing' as const, dryRunUnavailable: true };

describe(StepModePolicy.name, () => {
  const policy = (env: NodeJS.ProcessEnv = {}) => new StepModePolicy(loadConfig(env));

  it('runs every step live unless the caller opted in, and every step dry in a dry run', () => {
    expect(policy().modeOf({ ...live, dryRunUnavailable: false }, 'odoo.install_modules')).toEqual({ dryRun: false, reason: null });
    expect(policy().modeOf({ ...live, planDryRun: true }, 'website.deploy')).toEqual({ dryRun: true, reason: 'the briefing asked for a dry run (dry_run: true)' });
  });

  it('with the opt-in, dry-runs only what cannot run live here, saying why', () => {
    expect(policy().modeOf(live, 'website.deploy')).toEqual({ dryRun: false, reason: null });
    expect(policy().modeOf(live, 'odoo.create_users').reason).toBe('Odoo is not configured (ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD not set) (dry_run_unavailable=true)');
    expect(policy({ ODOO_URL: ODOO.ODOO_URL }).liveBlockers('integration.configure')).toEqual(['Odoo is not configured (ODOO_DB, ODOO_USER, ODOO_PASSWORD not set)']);
    expect(policy(ODOO).liveBlockers('odoo.create_users')).toEqual([]);
    expect(policy(ODOO).modeOf(live, 'odoo.create_users')).toEqual({ dryRun: false, reason: null });
    // Validation runs live without an Odoo: its Odoo checks skip themselves when the Odoo steps ran dry.
    expect(policy().liveBlockers('validation.run')).toEqual([]);
  });
});

describe('preflight of a run with dry-run steps', () => {
  const subject = planOf(false, ['website.generate', 'odoo.install_modules']);
  const mixed = { ...subject, steps: subject.steps.map((step) => (step.action === 'odoo.install_modules' ? { ...step, dryRunReason: 'Odoo is not configured' } : step)) };

  it('passes the live check for the dry-run steps and says they will run dry', async () => {
    expect(await new LiveCapabilityCheck().run(mixed)).toEqual([
      { check: 'live:website.generate', passed: true, detail: 'Step 1 can run live' },
      { check: 'live:odoo.install_modules', passed: true, detail: 'Step 2 will run as a dry run: Odoo is not configured' },
    ]);
    // Every action has a live mode now: without the opt-in the Odoo step is planned live, and the odoo check (not this one) refuses it.
    expect((await new LiveCapabilityCheck().run(subject))[1]).toEqual({ check: 'live:odoo.install_modules', passed: true, detail: 'Step 2 can run live' });
  });

  it('does not probe Odoo when every Odoo step runs dry', async () => {
    // odoo.invalid never resolves: a probe would fail the check.
    expect(await new OdooCheck(loadConfig({ ...ODOO, PREFLIGHT_TIMEOUT_MS: '300' })).run(mixed)).toEqual([{ check: 'odoo', passed: true, detail: 'not probed: every Odoo step runs as a dry run (dry_run_unavailable=true)' }]);
    expect((await new OdooCheck(loadConfig({})).run(subject))[0].passed).toBe(false);
  });
});
