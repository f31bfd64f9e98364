import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ForgeStepPayload, ForgeStepResultSchema } from '@bf/contracts';
import { ForgeStep, forgeStepJobId, ForgeStepFailure, nextForgeStep } from '@bf/forge';
import { forgeJobDuration, forgeJobsTotal, forgeStepDuration, rootLogger } from '@bf/observability';
import { JobContext, JobProducer } from '@bf/queue';
import { SigningKeyStore } from '../signing-key.store';
import { ForgeJobStore } from './forge-job.store';
import { FORGE_STEP_GATE, ForgeStepGate } from './forge-step.gate';
import { ForgeSteps } from './forge-steps';

type StepResult = ReturnType<typeof ForgeStepResultSchema.parse>;

/**
 * Runs one forge step as one queue job and chains the next: the "small forge
 * orchestrator". The step's run row is the durable record (status, log lines as
 * they happen, artifacts, duration); the next step is enqueued under a
 * deterministic id only after that record says success, so a redelivered step
 * neither repeats finished work nor enqueues its successor twice. Cancellation is
 * read from the job row before and after each step.
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

  async run(step: ForgeStep, payload: ForgeStepPayload, context: JobContext): Promise<StepResult> {
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
      await this.store.recordCancelledStep(job.tenant_id, job.id, step);
      return { outcome: 'cancelled', next: null };
    }
    const runId = await this.store.startRun(job.tenant_id, job.id, step, context.attempt);
    const started = Date.now();
    // Lines are appended one after another (never two UPDATEs of the row in flight), so the stored log keeps their order.
    let pending: Promise<void> = Promise.resolve();
    const log = (line: string) => (pending = pending.then(() => this.store.appendLog(runId, line)));
    try {
      const outcome = await this.steps.run(step, { job, log });
      await pending;
      const ms = Date.now() - started;
      forgeStepDuration.observe({ step, outcome: 'success' }, ms / 1000);
      if ((await this.store.status(job.id)) === 'cancelled') {
        await log('the job was cancelled while this step ran: its result is discarded');
        await this.store.finishRun(runId, 'cancelled', ms, outcome.artifacts);
        return { outcome: 'cancelled', next: null };
      }
      await this.store.finishRun(runId, outcome.status, ms, outcome.artifacts);
      return { outcome: 'success', next: await this.continueAfter(step, job.id, payload) };
    } catch (error) {
      const ms = Date.now() - started;
      const message = (error as Error).message;
      const final = error instanceof ForgeStepFailure || error instanceof UnrecoverableError || context.isLastAttempt;
      await log(`${final ? 'failed' : `attempt ${context.attempt} failed (will retry)`}: ${message}`).catch(() => undefined);
      await this.store.finishRun(runId, 'failed', ms, error instanceof ForgeStepFailure ? error.details : {}, message).catch(() => undefined);
      forgeStepDuration.observe({ step, outcome: 'failed' }, ms / 1000);
      if (!final) throw error;
      const duration = await this.store.fail(job.id, step, message);
      if (duration !== undefined) this.ended('failed', duration);
      this.log.warn({ forgeJobId: job.id, step, err: message }, 'forge job failed');
      throw new UnrecoverableError(`${step}: ${message}`);
    }
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

