import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { LIVE_CAPABLE_ACTIONS, PlanSource, StepAction } from '@bf/contracts';
import { planDryRunReason } from '@bf/persistence';
import { odooCredentialsOf, SecretNotFoundError, SecretShapeError, SecretsKeyringError, SecretUnreadableError, TenantSecrets } from '@bf/tenancy';

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
  /**
   * The Odoo secrets (`secret_ref`) of the plan's steps and whether each resolves
   * to a usable login for the tenant (see `odooSecretsOf`); a step naming one signs
   * in with it, not with ODOO_*.
   */
  odooSecrets?: ReadonlyMap<string, string | null>;
}

/** What the policy needs of a step: its action and, for Odoo steps, the secret it names. */
export interface ModeStep {
  stepId: string;
  action: StepAction;
  parameters?: Record<string, unknown>;
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
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Optional so the policy built by hand (unit tests) still decides on ODOO_* alone.
    @Optional() private readonly secrets?: TenantSecrets,
  ) {}

  modesOf(request: ModeRequest, steps: readonly ModeStep[]): Map<string, StepMode> {
    return new Map(steps.map((step) => [step.stepId, this.modeOf(request, step.action, odooSecretRefOf(step))]));
  }

  modeOf(request: ModeRequest, action: StepAction, secretRef: string | null = null): StepMode {
    if (request.planDryRun) return { dryRun: true, reason: planDryRunReason(request.source) };
    if (!request.dryRunUnavailable) return { dryRun: false, reason: null };
    const blockers = this.liveBlockers(action, secretRef, request.odooSecrets);
    return blockers.length ? { dryRun: true, reason: `${blockers.join('; ')} (dry_run_unavailable=true)` } : { dryRun: false, reason: null };
  }

  /**
   * Whether each Odoo secret the steps name resolves for the tenant: null when it
   * does, else why not (never the value). Read before the modes are decided, since
   * deciding must stay synchronous inside the execute transaction.
   */
  async odooSecretsOf(tenantId: string, steps: readonly ModeStep[]): Promise<Map<string, string | null>> {
    const refs = [...new Set(steps.map(odooSecretRefOf).filter((ref): ref is string => ref !== null))];
    const resolved = new Map<string, string | null>();
    for (const ref of refs) {
      if (!this.secrets) {
        resolved.set(ref, `secret_ref '${ref}' cannot be read here (no secret store)`);
        continue;
      }
      try {
        odooCredentialsOf(ref, await this.secrets.reveal(tenantId, ref));
        resolved.set(ref, null);
      } catch (error) {
        // These messages name the secret, never its content; anything else (the database) is not a reason to run dry.
        if (!(error instanceof SecretNotFoundError || error instanceof SecretShapeError || error instanceof SecretUnreadableError || error instanceof SecretsKeyringError)) throw error;
        resolved.set(ref, error.message);
      }
    }
    return resolved;
  }

  /**
   * Why the step cannot run live on this system; empty when it can. An Odoo step
   * naming a tenant secret signs in with that secret's login, so ODOO_* does not
   * matter for it: only whether the secret resolves.
   */
  liveBlockers(action: StepAction, secretRef: string | null = null, odooSecrets?: ReadonlyMap<string, string | null>): string[] {
    const blockers: string[] = [];
    if (needsOdoo(action) && secretRef !== null) {
      const problem = odooSecrets?.has(secretRef) ? odooSecrets.get(secretRef)! : `secret_ref '${secretRef}' was not checked`;
      if (problem) blockers.push(problem);
    } else if (needsOdoo(action)) {
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

/** The tenant secret an Odoo step signs in with, if it names one (steps of other systems: null). */
export function odooSecretRefOf(step: ModeStep): string | null {
  const ref = step.parameters?.secret_ref;
  return needsOdoo(step.action) && typeof ref === 'string' ? ref : null;
}

/** ERP and integration steps act on the user's Odoo. */
export function needsOdoo(action: StepAction): boolean {
  return action.startsWith('odoo.') || action.startsWith('integration.');
}
