import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ForgeStepPayload, ForgeStepResultSchema, JOB_CATALOGUE } from '@bf/contracts';
import { ForgeStep, forgeStepJobId, ForgeStepFailure, nextForgeStep } from '@bf/forge';
import { forgeJobDuration, forgeJobsTotal, forgeStepDuration, rootLogger } from '@bf/observability';
import { JobContext, JobProducer } from '@bf/queue';
import { SigningKeyStore } from '../signing-key.store';
import { ForgeJobStore } from './forge-job.store';
import { FORGE_STEP_GATE, ForgeStepGate } from './forge-step.gate';
import { ForgeJobNotRunningError, ForgeSteps } from './forge-steps';

type StepResult = ReturnType<typeof ForgeStepResultSchema.parse>;

/** What an attempt got to before it ended or was abandoned: the failure path needs its run row and log. */
interface AttemptState {
  started: number;
  runId?: string;
  log?: (line: string) => Promise<void>;
}

/**
 * Runs one forge step as one queue job and chains the next: the "small forge
 * orchestrator". The step's run row is the durable record (status, log lines as
 * they happen, artifacts, duration); the next step is enqueued under a
 * deterministic id only after that record says success, so a redelivered step
 * neither repeats finished work nor enqueues its successor twice. Cancellation is
 * read from the job row before and after each step, and the package and sign
 * steps commit only while holding the job row in `running`.
 */
@Injectable()
export class ForgeStepRunner {
  private readonly store: ForgeJobStore;
  private readonly steps: ForgeSteps;
  private readonly log = rootLogger().child({ component: 'forge' });

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(SigningKeyStore) keys: SigningKeyStore,
    private readonly producer: JobProducer,
    @Inject(FORGE_STEP_GATE) private readonly gate: ForgeStepGate,
  ) {
    this.store = new ForgeJobStore(dataSource);
    this.steps = new ForgeSteps(dataSource, config.storage.templatesDir, config.forge.phpBin, keys);
  }

  /**
   * One attempt of `step`, all of it (reads, gate, run row, work, chaining) under
   * the step's own deadline and one error path: whatever throws on the last
   * attempt (or deterministically) fails the job with its reason, so no job is
   * left `running` by an attempt that gave up.
   */
  async run(step: ForgeStep, payload: ForgeStepPayload, context: JobContext): Promise<StepResult> {
    const state: AttemptState = { started: Date.now() };
    const work = this.attempt(step, payload, context, state);
    const timeoutMs = this.stepTimeoutMs(step);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the step took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      // An abandoned attempt may still finish; its run row is no longer its own (finishRun is conditional), so it changes nothing.
      work.catch(() => undefined);
      return await this.failed(step, payload, context, state, error as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The step's own deadline, shorter than the queue transport's (which only races
   * the handler and cannot fail the job): the runner gets to record the failure.
   */
  protected stepTimeoutMs(step: ForgeStep): number {
    const queueTimeoutMs = JOB_CATALOGUE['forge-sign'][`forge.${step}`].retry.timeoutMs;
    return Math.max(queueTimeoutMs - 2_000, Math.floor(queueTimeoutMs * 0.9));
  }

  private async attempt(step: ForgeStep, payload: ForgeStepPayload, context: JobContext, state: AttemptState): Promise<StepResult> {
    const job = await this.store.job(payload.tenantId, payload.forgeJobId);
    if (!job) throw new UnrecoverableError(`forge job ${payload.forgeJobId} not found`);
    if (job.status === 'cancelled') {
      await this.store.recordCancelledStep(job.tenant_id, job.id, step);
      return { outcome: 'cancelled', next: null };
    }
    if (job.status !== 'queued' && job.status !== 'running') return { outcome: 'ended', next: null };
    const previous = await this.store.run(job.id, step);
    if (previous && (previous.status === 'success' || previous.status === 'skipped')) return { outcome: 'already_done', next: await this.continueAfter(step, job.id, payload) };

    await this.gate.beforeStep(step, job.id);
    if (!(await this.store.enterStep(job.id, step))) {
      if ((await this.store.status(job.id)) !== 'cancelled') return { outcome: 'ended', next: null };
      await this.store.recordCancelledStep(job.tenant_id, job.id, step);
      return { outcome: 'cancelled', next: null };
    }
    const runId = await this.store.startRun(job.tenant_id, job.id, step, context.attempt);
    state.runId = runId;
    state.started = Date.now();
    // Lines are appended one after another (never two UPDATEs of the row in flight), so the stored log keeps their order.
    let pending: Promise<void> = Promise.resolve();
    const log = (state.log = (line: string) => (pending = pending.then(() => this.store.appendLog(runId, line))));
    const checkpoint = () => this.gate.beforeCommit?.(step, job.id) ?? Promise.resolve();
    const outcome = await this.steps.run(step, { job, log, checkpoint });
    await pending;
    const ms = Date.now() - state.started;
    if ((await this.store.status(job.id)) === 'cancelled') {
      await log('the job was cancelled while this step ran: its result is discarded');
      await this.store.finishRun(runId, context.attempt, 'cancelled', ms, outcome.artifacts);
      return { outcome: 'cancelled', next: null };
    }
    // Not this attempt's run any more (timed out, or restarted by a retry): it neither records success nor chains.
    if (!(await this.store.finishRun(runId, context.attempt, outcome.status, ms, outcome.artifacts))) return { outcome: 'ended', next: null };
    forgeStepDuration.observe({ step, outcome: 'success' }, ms / 1000);
    return { outcome: 'success', next: await this.continueAfter(step, job.id, payload) };
  }

  private async failed(step: ForgeStep, payload: ForgeStepPayload, context: JobContext, state: AttemptState, error: Error): Promise<StepResult> {
    const ms = Date.now() - state.started;
    const log = state.log ?? (async () => undefined);
    if (error instanceof ForgeJobNotRunningError) {
      // Cancelled (or failed) while the step worked: it committed nothing.
      await log(`the job was ${error.status} while this step ran: its result is discarded`).catch(() => undefined);
      if (state.runId) await this.store.finishRun(state.runId, context.attempt, 'cancelled', ms, {}).catch(() => undefined);
      return { outcome: error.status === 'cancelled' ? 'cancelled' : 'ended', next: null };
    }
    const final = error instanceof ForgeStepFailure || error instanceof UnrecoverableError || context.isLastAttempt;
    await log(`${final ? 'failed' : `attempt ${context.attempt} failed (will retry)`}: ${error.message}`).catch(() => undefined);
    if (state.runId) {
      await this.store.finishRun(state.runId, context.attempt, 'failed', ms, error instanceof ForgeStepFailure ? error.details : {}, error.message).catch(() => undefined);
      forgeStepDuration.observe({ step, outcome: 'failed' }, ms / 1000);
    }
    if (!final) throw error;
    const duration = await this.store.fail(payload.forgeJobId, step, error.message);
    if (duration !== undefined) this.ended('failed', duration);
    this.log.warn({ forgeJobId: payload.forgeJobId, step, err: error.message }, 'forge job failed');
    throw new UnrecoverableError(`${step}: ${error.message}`);
  }

  /** Enqueues the next step (deterministic id: a second enqueue is a no-op) or ends the job. */
  private async continueAfter(step: ForgeStep, jobId: string, payload: ForgeStepPayload): Promise<string | null> {
    const next = nextForgeStep(step);
    if (next) {
      await this.producer.enqueue('forge-sign', `forge.${next}`, payload, { jobId: forgeStepJobId(jobId, next) });
      return next;
    }
    const duration = await this.store.succeed(jobId);
    if (duration !== undefined) this.ended('success', duration);
    return null;
  }

  private ended(status: 'success' | 'failed', durationMs: number): void {
    forgeJobsTotal.inc({ status });
    forgeJobDuration.observe({ status }, durationMs / 1000);
  }
}

