import { StepAction } from './plan.schema';

/**
 * What one live step of each kind costs, in credits (whole numbers, so sums are
 * exact). The one price table: the planner's estimate (risk_assessment
 * `estimated_credits`), the reservation a live execution makes and the charge
 * when it settles all read it. Dry runs and steps that run as dry runs are free.
 * Documented in README.md ("Credits"); keep the two in step.
 */
export const CREDIT_PRICES: Readonly<Record<StepAction, number>> = {
  'website.generate': 5,
  'website.deploy': 10,
  'dns.configure': 5,
  'odoo.install_modules': 20,
  'odoo.create_users': 10,
  'odoo.configure_fiscal': 10,
  'odoo.install_custom_module': 30,
  'integration.configure': 10,
  'validation.run': 2,
};

/** The price of one live step of this kind. */
export function creditPriceOf(action: StepAction): number {
  return CREDIT_PRICES[action];
}

/**
 * What running these steps costs: the sum of the prices of those that run live.
 * A step is `{ action, dryRun }`; a dry-run plan's steps are all dry runs, so it is free.
 */
export function estimateCredits(steps: readonly { action: StepAction; dryRun?: boolean }[]): number {
  return steps.reduce((sum, step) => sum + (step.dryRun ? 0 : creditPriceOf(step.action)), 0);
}
