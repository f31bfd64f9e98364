import type { StepAction } from '@bf/contracts';

/** One line of a preflight report, as the execute response and the 422 body show it. */
export interface PreflightResult {
  /** What was checked, e.g. `disk_space`, `template:modern_landing_v1`, `live:dns.configure`. */
  check: string;
  passed: boolean;
  /** Why it passed or failed, for an operator. Never holds a secret's value. */
  detail: string;
}

/** A plan step as the checks see it: read once, before the run is recorded. */
export interface PreflightStep {
  stepId: string;
  name: string;
  action: StepAction;
  templateId: string | null;
  parameters: Record<string, unknown>;
  /** Set when the step will run as a dry run in a live run (`dry_run_unavailable=true`): it changes nothing, so needs no target. */
  dryRunReason?: string | null;
}

/** What a preflight looks at: the plan about to run and its steps. */
export interface PreflightSubject {
  planId: string;
  /** Whose secrets the steps' secret_refs name; unset: no secret_ref can be resolved (reported as missing). */
  tenantId?: string;
  dryRun: boolean;
  steps: readonly PreflightStep[];
}

/**
 * One kind of check. Returns no result when it does not apply to the plan (a
 * plan without DNS steps needs no DNS provider), one result per thing checked
 * otherwise. A check that throws is reported as failed with the error's message.
 */
export interface PreflightCheck {
  readonly name: string;
  run(subject: PreflightSubject): Promise<PreflightResult[]>;
}

/** Nest token for the list of checks the PreflightService runs. */
export const PREFLIGHT_CHECKS = Symbol('PREFLIGHT_CHECKS');

/** Whether a step that will run live does such an action: only those need the external system reachable. */
export const usesAction = (subject: PreflightSubject, test: (action: StepAction) => boolean): boolean => subject.steps.some((step) => !step.dryRunReason && test(step.action));
