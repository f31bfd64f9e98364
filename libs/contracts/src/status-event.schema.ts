import { z } from 'zod';

/** Fields every report carries: which step of which run, which attempt, which worker, when. */
const reportFields = {
  tenantId: z.string(),
  runId: z.string(),
  stepId: z.string(),
  attempt: z.number().int().min(1),
  worker: z.string(),
  at: z.string(),
};

/** What a worker reports about one step attempt. Durable: it travels on the `step-status` queue. */
export const StepReportSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('running'),
    ...reportFields,
  }),
  z.object({
    status: z.literal('completed'),
    ...reportFields,
    /** When the attempt began: reports may be applied out of order, so a late `running` report is not needed to know it. */
    startedAt: z.string(),
    dryRun: z.boolean(),
    /** What the step did (or, in a dry run, would do). Stored as the step's result. */
    result: z.record(z.unknown()),
    /** Values later steps may read from the run context, e.g. the deployed URL. */
    outputs: z.record(z.unknown()).default({}),
    durationMs: z.number().min(0),
  }),
  z.object({
    status: z.literal('failed'),
    ...reportFields,
    startedAt: z.string(),
    error: z.object({ message: z.string(), permanent: z.boolean(), attempts: z.number().int() }),
    durationMs: z.number().min(0),
  }),
  /** A compensation that ran: what it undid (or, for a dry-run step, that there was nothing to undo). */
  z.object({
    status: z.literal('rolled_back'),
    ...reportFields,
    result: z.record(z.unknown()),
  }),
  z.object({
    status: z.literal('rollback_failed'),
    ...reportFields,
    error: z.object({ message: z.string() }),
  }),
]);
export type StepReport = z.infer<typeof StepReportSchema>;

/** Live progress published to clients (pub/sub, lossy by design; the durable state is in PostgreSQL). */
export const ProgressEventSchema = z.object({
  planId: z.string(),
  runId: z.string(),
  kind: z.enum(['step', 'run']),
  stepId: z.string().nullable(),
  status: z.string(),
  at: z.string(),
  /** A step's mode: a live run may dry-run some steps (dry_run_unavailable=true). */
  mode: z.enum(['dry_run', 'live']).optional(),
  /** For a dry-run step of a live run, why it changes nothing. */
  detail: z.string().optional(),
  /** The correlation id of the request the transition serves (the run's, or a later rollback or cancel request's). */
  correlationId: z.string().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;
