import { liveUnavailableReason, StepAction } from '@bf/contracts';

/** Everything a step executor may read. Built fresh from PostgreSQL for every attempt. */
export interface StepContext {
  tenantId: string;
  planId: string;
  runId: string;
  stepId: string;
  attempt: number;
  /** No retry follows if this attempt fails: an executor that leaves a half-applied effect on failure must undo it now, as no rollback will. */
  isLastAttempt: boolean;
  dryRun: boolean;
  /** run id + step id: executors key their external effects on it so a redelivered job acts once. */
  idempotencyKey: string;
  parameters: Record<string, unknown>;
  templateId: string | null;
  /** State left by earlier steps of the run (their outputs), read-only. */
  runState: Readonly<Record<string, unknown>>;
}

export interface StepOutcome {
  /** What the step did, or in a dry run what it would do: stored as the step's result and shown to the operator. */
  result: Record<string, unknown>;
  /** Values later steps may read from the run state, e.g. `deployed_url`. */
  outputs?: Record<string, unknown>;
  /**
   * Files that prove what the step did (nginx_config.conf, health_check_result.json,
   * a screenshot). The runner stores them under DATA_DIR/artifacts and records them
   * as the step's artifacts; the evidence pack carries them.
   */
  artifacts?: StepArtifact[];
}

export interface StepArtifact {
  /**
   * Where the file goes in the evidence pack, relative to the step's folder
   * (`nginx_config.conf`), or, for the pack's shared folders, from the pack's
   * root when it starts with `/` (`/screenshots/website_homepage.png`).
   * Letters, digits, `._-` and `/` only; no `..`.
   */
  name: string;
  content: Buffer | string;
  mediaType: string;
}

/**
 * Seed 001's ExecutionNode contract: execute for real, describe in a dry run,
 * compensate on rollback. One class per step action.
 */
export interface StepExecutor {
  readonly action: StepAction;
  dryRun(context: StepContext): Promise<StepOutcome>;
  execute(context: StepContext): Promise<StepOutcome>;
  /**
   * Undoes what execute did, given the result it recorded. Runs in reverse
   * completion order during a rollback; must be safe to run twice.
   */
  rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome>;
}

/** A failure that retrying cannot fix (bad input, a 4xx from a provider): the step fails at once. */
export class PermanentStepError extends Error {
  override readonly name = 'PermanentStepError';
}

/**
 * The compensation of a step that ran as a dry run: it changed nothing, so there
 * is nothing to undo. Says what a live compensation would do.
 */
export function dryRunCompensation(action: StepAction, context: StepContext, wouldUndo: string): StepOutcome {
  if (!context.dryRun) throw new PermanentStepError(liveUnavailableReason(action) ?? `no live compensation for ${action}`);
  return { result: { mode: 'dry_run', undone: 'nothing: the step ran as a dry run and changed nothing', would: wouldUndo } };
}
