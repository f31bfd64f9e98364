import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { LIVE_CAPABLE_ACTIONS, PlanSource, StepAction } from '@bf/contracts';
import { planDryRunReason } from '@bf/persistence';

/** How one step of a run runs, and why it changes nothing when it is a dry run. */
export interface StepMode {
  dryRun: boolean;
  /** Null for a live step. */
  reason: string | null;
}

export interface ModeRequest {
  planDryRun: boolean;
  source: PlanSource;
  /** `dry_run_unavailable=true`: run live what can run live here, and the rest as dry runs. */
  dryRunUnavailable: boolean;
}

const ODOO_SETTINGS = ['ODOO_URL', 'ODOO_DB', 'ODOO_USER', 'ODOO_PASSWORD'] as const;

/**
 * Decides each step's mode when a run is recorded. A live run is all-live unless
 * the caller opted in to dry-running the steps that cannot run live here (no live
 * mode yet, or their external system is not configured): that is never implied,
 * because a run that silently skips the ERP would look like a finished business.
 */
@Injectable()
export class StepModePolicy {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  modesOf(request: ModeRequest, steps: readonly { stepId: string; action: StepAction }[]): Map<string, StepMode> {
    return new Map(steps.map((step) => [step.stepId, this.modeOf(request, step.action)]));
  }

  modeOf(request: ModeRequest, action: StepAction): StepMode {
    if (request.planDryRun) return { dryRun: true, reason: planDryRunReason(request.source) };
    if (!request.dryRunUnavailable) return { dryRun: false, reason: null };
    const blockers = this.liveBlockers(action);
    return blockers.length ? { dryRun: true, reason: `${blockers.join('; ')} (dry_run_unavailable=true)` } : { dryRun: false, reason: null };
  }

  /** Why the step cannot run live on this system; empty when it can. */
  liveBlockers(action: StepAction): string[] {
    const blockers: string[] = [];
    if (needsOdoo(action)) {
      const missing = ODOO_SETTINGS.filter((name) => !this.odooSetting(name));
      if (missing.length) blockers.push(`Odoo is not configured (${missing.join(', ')} not set)`);
    }
    if (!LIVE_CAPABLE_ACTIONS.includes(action)) blockers.push(`${action} has no live mode in this version`);
    return blockers;
  }

  private odooSetting(name: (typeof ODOO_SETTINGS)[number]): string | null {
    const { url, db, user, password } = this.config.odoo;
    return { ODOO_URL: url, ODOO_DB: db, ODOO_USER: user, ODOO_PASSWORD: password }[name];
  }
}

/** ERP and integration steps act on the user's Odoo. */
export function needsOdoo(action: StepAction): boolean {
  return action.startsWith('odoo.') || action.startsWith('integration.');
}
