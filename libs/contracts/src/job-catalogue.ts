import { z } from 'zod';
import { DsseEnvelopeSchema } from './attestation';
import { BriefingSchema } from './briefing.schema';
import { BusinessIntentInputSchema, ResolvedBusinessIntentSchema } from './intent.schema';
import { StepAction } from './plan.schema';
import { StepReportSchema } from './status-event.schema';

/**
 * The job catalogue: every queue, the jobs on it, each job's payload and result
 * schema and its retry policy. Producers, worker transports and the orchestrator
 * all derive their types from this one object, so enqueueing a payload of the
 * wrong shape does not compile, and a worker whose handlers disagree with it
 * refuses to boot.
 */

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** Exponential backoff base in ms: tries wait base, 2·base, 4·base … (plus jitter, see queue lib). */
  backoffMs: number;
  /** A single try taking longer than this fails (and may be retried). */
  timeoutMs: number;
}

export interface JobDefinition<P extends z.ZodTypeAny = z.ZodTypeAny, R extends z.ZodTypeAny = z.ZodTypeAny> {
  payload: P;
  result: R;
  retry: RetryPolicy;
}

function job<P extends z.ZodTypeAny, R extends z.ZodTypeAny>(definition: JobDefinition<P, R>): JobDefinition<P, R> {
  return definition;
}

const id = z.string().min(1).max(100);

/**
 * Payload of every plan-step job. Ids only: the worker re-reads the step and the
 * run context from PostgreSQL, so a retried job always sees the current truth.
 */
export const StepJobPayloadSchema = z.object({
  tenantId: id,
  planId: id,
  runId: id,
  stepId: id,
  attempt: z.number().int().min(1),
  dryRun: z.boolean(),
});
export type StepJobPayload = z.infer<typeof StepJobPayloadSchema>;

export const StepJobResultSchema = z.object({
  reported: z.enum(['completed', 'failed']),
  dryRun: z.boolean(),
});
export type StepJobResult = z.infer<typeof StepJobResultSchema>;

const STEP_RETRY: RetryPolicy = { attempts: 3, backoffMs: 500, timeoutMs: 120_000 };
const stepJob = () => job({ payload: StepJobPayloadSchema, result: StepJobResultSchema, retry: STEP_RETRY });

/** Compensation of one completed step; the worker re-reads the step and its recorded result. */
export const RollbackJobPayloadSchema = z.object({ tenantId: id, planId: id, runId: id, stepId: id });
export type RollbackJobPayload = z.infer<typeof RollbackJobPayloadSchema>;
const rollbackJob = () =>
  job({
    payload: RollbackJobPayloadSchema,
    result: z.object({ reported: z.enum(['rolled_back', 'rollback_failed']) }),
    // Compensations matter more than steps: more tries, longer backoff.
    retry: { attempts: 5, backoffMs: 1000, timeoutMs: 120_000 },
  });

/** Ids only: the worker re-reads the submission, so a redelivered job sees whether it was already delivered. */
export const LeadDeliveryPayloadSchema = z.object({ tenantId: id, submissionId: id });
export type LeadDeliveryPayload = z.infer<typeof LeadDeliveryPayloadSchema>;

/** Deterministic id of a submission's delivery job: storing it twice enqueues once. */
export function leadDeliveryJobId(submissionId: string): string {
  return `lead.${submissionId}`;
}

/**
 * Payload of every plugin forge step job: ids only. The worker re-reads the forge
 * job (and regenerates the plugin from its recorded parameters), so a retried or
 * redelivered step sees the current truth, including a cancellation.
 */
export const ForgeStepPayloadSchema = z.object({ tenantId: id, forgeJobId: id });
export type ForgeStepPayload = z.infer<typeof ForgeStepPayloadSchema>;
export const ForgeStepResultSchema = z.object({
  /** success: done, next step enqueued (or the job finished); already_done: a redelivery of a finished step; cancelled/ended: the job stopped first. */
  outcome: z.enum(['success', 'already_done', 'cancelled', 'ended']),
  next: z.string().nullable(),
});
const forgeStepJob = (retry: RetryPolicy) => job({ payload: ForgeStepPayloadSchema, result: ForgeStepResultSchema, retry });

export const JOB_CATALOGUE = {
  intent: {
    'intent.resolve': job({
      payload: z.object({ tenantId: id, input: BusinessIntentInputSchema }),
      /** The resolved intent and the seed 000 briefing composed from it (ready to plan). */
      result: z.object({ intent: ResolvedBusinessIntentSchema, briefing: BriefingSchema }),
      retry: { attempts: 2, backoffMs: 200, timeoutMs: 10_000 },
    }),
  },
  planner: {
    'plan.build': job({
      payload: z.object({ tenantId: id, briefingId: id }),
      result: z.object({ planId: id, created: z.boolean() }),
      retry: { attempts: 3, backoffMs: 200, timeoutMs: 15_000 },
    }),
  },
  webgen: {
    'website.generate': stepJob(),
    'website.deploy': stepJob(),
    'step.rollback': rollbackJob(),
  },
  dns: {
    'dns.configure': stepJob(),
    'step.rollback': rollbackJob(),
  },
  odoo: {
    'odoo.install_modules': stepJob(),
    'odoo.create_users': stepJob(),
    'odoo.configure_fiscal': stepJob(),
    'odoo.install_custom_module': stepJob(),
    'integration.configure': stepJob(),
    'step.rollback': rollbackJob(),
    /** One stored contact form submission → one crm.lead in the configured Odoo. */
    'crm.deliver_lead': job({
      payload: LeadDeliveryPayloadSchema,
      result: z.object({ outcome: z.enum(['delivered', 'already_delivered', 'not_routed']), leadId: z.number().int().nullable() }),
      // An Odoo restart or upgrade can take minutes: more tries and a longer backoff than a step.
      retry: { attempts: 5, backoffMs: 2000, timeoutMs: 60_000 },
    }),
  },
  evidence: {
    'validation.run': stepJob(),
    'step.rollback': rollbackJob(),
    /** Assembles the run's pack, computes its in-toto statement and asks forge-sign to sign it. */
    'evidence.build': job({
      payload: z.object({ tenantId: id, runId: id }),
      result: z.object({ statementSha256: z.string(), subjects: z.number().int() }),
      retry: { attempts: 5, backoffMs: 500, timeoutMs: 60_000 },
    }),
    /** Writes the pack with the signed envelope (sent back by forge-sign) and records it. */
    'evidence.finalize': job({
      payload: z.object({ tenantId: id, runId: id, statementSha256: z.string(), envelope: DsseEnvelopeSchema, keyId: z.string(), publicKeyPem: z.string() }),
      result: z.object({ artifactId: id, path: z.string(), sha256: z.string() }),
      retry: { attempts: 5, backoffMs: 500, timeoutMs: 60_000 },
    }),
  },
  'forge-sign': {
    /**
     * Signs an in-toto statement (DSSE, Ed25519) with the current key and hands the
     * envelope to evidence.finalize. The private key never leaves forge-sign.
     */
    'evidence.sign': job({
      payload: z.object({ tenantId: id, runId: id, payloadType: z.string(), payload: z.string(), statementSha256: z.string() }),
      result: z.object({ keyId: z.string() }),
      retry: { attempts: 5, backoffMs: 500, timeoutMs: 30_000 },
    }),
    /**
     * Makes a new key the active one and retires `fromKeyId`. Only if `fromKeyId` is
     * still the active key (null: there is none): a redelivered or duplicate request
     * answers with the key that replaced it instead of rotating twice.
     */
    'keys.rotate': job({
      payload: z.object({ fromKeyId: z.string().regex(/^[0-9a-f]{64}$/).nullable() }),
      result: z.object({ keyId: z.string(), rotated: z.boolean() }),
      retry: { attempts: 3, backoffMs: 200, timeoutMs: 15_000 },
    }),
    /**
     * The plugin forge's steps (seed 002), one job each, chained: each step enqueues
     * the next when it succeeds. A deterministic failure (lint, contract test,
     * sandbox) fails at once; only infrastructure errors are retried.
     */
    'forge.generate': forgeStepJob({ attempts: 3, backoffMs: 500, timeoutMs: 30_000 }),
    'forge.build': forgeStepJob({ attempts: 3, backoffMs: 500, timeoutMs: 120_000 }),
    'forge.test': forgeStepJob({ attempts: 3, backoffMs: 500, timeoutMs: 60_000 }),
    'forge.sandbox': forgeStepJob({ attempts: 2, backoffMs: 1000, timeoutMs: 60_000 }),
    'forge.package': forgeStepJob({ attempts: 3, backoffMs: 500, timeoutMs: 30_000 }),
    // Signing must not be lost to a transient error (SLO: 100% signing success): more tries.
    'forge.sign': forgeStepJob({ attempts: 5, backoffMs: 500, timeoutMs: 30_000 }),
  },
  /** Durable step reports from workers to the orchestrator. */
  'step-status': {
    'step.report': job({
      payload: StepReportSchema,
      result: z.object({ applied: z.boolean() }),
      retry: { attempts: 10, backoffMs: 200, timeoutMs: 30_000 },
    }),
  },
} as const;

export type JobCatalogue = typeof JOB_CATALOGUE;
export type QueueName = keyof JobCatalogue;
export type JobName<Q extends QueueName> = keyof JobCatalogue[Q] & string;
type DefinitionOf<Q extends QueueName, J extends JobName<Q>> = JobCatalogue[Q][J] extends JobDefinition<infer P, infer R>
  ? { payload: P; result: R }
  : never;
/** What a producer passes (defaults not yet applied). */
export type JobPayloadInput<Q extends QueueName, J extends JobName<Q>> = z.input<DefinitionOf<Q, J>['payload']>;
/** What a handler receives (validated, defaults applied). */
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = z.infer<DefinitionOf<Q, J>['payload']>;
export type JobResult<Q extends QueueName, J extends JobName<Q>> = z.infer<DefinitionOf<Q, J>['result']>;

/** The seven worker services, one queue each (queue name = service name). */
export const WORKER_QUEUES = ['intent', 'planner', 'webgen', 'dns', 'odoo', 'forge-sign', 'evidence'] as const satisfies readonly QueueName[];
export type WorkerQueue = (typeof WORKER_QUEUES)[number];
export const ALL_QUEUES = Object.keys(JOB_CATALOGUE) as QueueName[];

export function jobDefinition(queue: QueueName, name: string): JobDefinition | undefined {
  const jobs = JOB_CATALOGUE[queue] as Record<string, JobDefinition>;
  return Object.prototype.hasOwnProperty.call(jobs, name) ? jobs[name] : undefined;
}

export function jobNames(queue: QueueName): string[] {
  return Object.keys(JOB_CATALOGUE[queue]);
}

/** Which queue performs each step action. Typed so a new action without a queue does not compile. */
export const ACTION_QUEUE: { [A in StepAction]: { [Q in QueueName]: A extends JobName<Q> ? Q : never }[QueueName] } = {
  'website.generate': 'webgen',
  'website.deploy': 'webgen',
  'dns.configure': 'dns',
  'odoo.install_modules': 'odoo',
  'odoo.create_users': 'odoo',
  'odoo.configure_fiscal': 'odoo',
  'odoo.install_custom_module': 'odoo',
  'integration.configure': 'odoo',
  'validation.run': 'evidence',
};

/**
 * Deterministic id of a step job: the same (run, step, attempt) always maps to
 * the same BullMQ job, so a duplicate enqueue is a no-op. BullMQ forbids ':' in
 * custom ids, hence the dots.
 */
export function stepJobId(runId: string, stepId: string, attempt: number): string {
  return `${runId}.${stepId}.a${attempt}`;
}

/** Deterministic id of a step's compensation: one per (run, step). */
export function rollbackJobId(runId: string, stepId: string): string {
  return `${runId}.${stepId}.rollback`;
}
