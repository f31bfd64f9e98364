import { randomBytes } from 'node:crypto';

/**
 * The forge's steps, in order (seed 002 forge_runs.step). Each is one job on the
 * forge-sign queue; publish is not a job step: it happens later, on request,
 * once the package has its approvals.
 */
export const FORGE_STEPS = ['generate', 'build', 'test', 'sandbox', 'package', 'sign'] as const;
export type ForgeStep = (typeof FORGE_STEPS)[number];

export const FORGE_JOB_STATUSES = ['queued', 'running', 'success', 'failed', 'cancelled'] as const;
export type ForgeJobStatus = (typeof FORGE_JOB_STATUSES)[number];
export const FORGE_JOB_ENDED: readonly ForgeJobStatus[] = ['success', 'failed', 'cancelled'];

export const FORGE_RUN_STATUSES = ['running', 'success', 'failed', 'skipped', 'cancelled'] as const;
export type ForgeRunStatus = (typeof FORGE_RUN_STATUSES)[number];

/** draft: generated, not yet packaged; built: zipped; signed: ready for approval; published; revoked (final); failed: its job failed. */
export const PLUGIN_PACKAGE_STATUSES = ['draft', 'built', 'signed', 'published', 'revoked', 'failed'] as const;
export type PluginPackageStatus = (typeof PLUGIN_PACKAGE_STATUSES)[number];

export function nextForgeStep(step: ForgeStep): ForgeStep | undefined {
  return FORGE_STEPS[FORGE_STEPS.indexOf(step) + 1];
}

/** Ids in the project's style: a prefix and 12 lowercase hex characters. */
export type ForgeIdPrefix = 'fjob' | 'frun' | 'pkg' | 'fappr' | 'fvote' | 'pub' | 'fgen' | 'fct';
export function newForgeId(prefix: ForgeIdPrefix): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * The BullMQ id of a job's step: one per (forge job, step), so a redelivered
 * step that enqueues its successor twice enqueues it once. A retry is a new
 * forge job, hence new ids. No ':' (BullMQ forbids it in custom ids).
 */
export function forgeStepJobId(forgeJobId: string, step: ForgeStep): string {
  return `forge.${forgeJobId}.${step}`;
}

/** A step's deterministic failure (bad template output, lint error, contract violation): retrying cannot fix it. */
export class ForgeStepFailure extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
