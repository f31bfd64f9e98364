import { loadConfig } from '@bf/config';
import { StepModePolicy } from './step-modes';

const live = { planDryRun: false, source: 'briefing' as const, dryRunUnavailable: true };
const ODOO = { ODOO_URL: 'http://odoo.invalid:8069', ODOO_DB: 'acme', ODOO_USER: 'admin', ODOO_PASSWORD: 'secret' };
const step = (stepId: string, action: 'odoo.install_modules' | 'integration.configure' | 'website.deploy', secretRef?: string) => ({ stepId, action, parameters: secretRef ? { secret_ref: secretRef } : {} });

/** dry_run_unavailable=true with tenant secrets: an Odoo step naming one is as live-capable as its secret, whatever ODOO_* say. */
describe('StepModePolicy and secret_ref', () => {
  const policy = (env: NodeJS.ProcessEnv = {}) => new StepModePolicy(loadConfig(env));

  it('runs a step whose secret resolves live without ODOO_*, and one whose secret does not as a dry run with ODOO_*', () => {
    const odooSecrets = new Map<string, string | null>([
      ['odoo-tenant', null],
      ['odoo-absent', "secret_ref 'odoo-absent': the tenant has no secret of that name (PUT /api/v1/secrets/odoo-absent)"],
    ]);
    const steps = [step('a', 'odoo.install_modules', 'odoo-tenant'), step('b', 'integration.configure', 'odoo-absent'), step('c', 'odoo.install_modules'), step('d', 'website.deploy', 'odoo-absent')];
    const unconfigured = policy().modesOf({ ...live, odooSecrets }, steps);
    expect(unconfigured.get('a')).toEqual({ dryRun: false, reason: null });
    expect(unconfigured.get('b')).toEqual({ dryRun: true, reason: "secret_ref 'odoo-absent': the tenant has no secret of that name (PUT /api/v1/secrets/odoo-absent) (dry_run_unavailable=true)" });
    expect(unconfigured.get('c')?.reason).toMatch(/^Odoo is not configured \(ODOO_URL/);
    // Only Odoo steps' secret_ref counts here (a DNS or web step's is not an Odoo login).
    expect(unconfigured.get('d')).toEqual({ dryRun: false, reason: null });

    const configured = policy(ODOO).modesOf({ ...live, odooSecrets }, steps);
    expect(configured.get('b')?.dryRun).toBe(true);
    expect(configured.get('c')).toEqual({ dryRun: false, reason: null });
  });

  it('a secret nobody checked is not assumed to resolve; without the opt-in every step is live', () => {
    expect(policy(ODOO).modeOf(live, 'odoo.create_users', 'odoo-unchecked')).toEqual({ dryRun: true, reason: "secret_ref 'odoo-unchecked' was not checked (dry_run_unavailable=true)" });
    expect(policy().modeOf({ ...live, dryRunUnavailable: false }, 'odoo.create_users', 'odoo-unchecked')).toEqual({ dryRun: false, reason: null });
  });
});
