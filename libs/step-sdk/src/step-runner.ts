import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { ACTION_EXECUTOR, RollbackJobPayload, StepJobPayload, StepJobResult, StepReport } from '@bf/contracts';
import { stepDuration } from '@bf/observability';
import { PlanStepEntity, RunEntity, StepRunEntity } from '@bf/persistence';

/** What an attempt needs to know about its step, run and step run. */
interface LoadedStep {
  step: Pick<PlanStepEntity, 'action' | 'parameters' | 'templateId'>;
  run: Pick<RunEntity, 'context' | 'dryRun'>;
  stepRun: Pick<StepRunEntity, 'status' | 'attempt' | 'dryRun' | 'result' | 'rollbackStatus'>;
}
import { JobContext, JobProducer } from '@bf/queue';
import { ArtifactNameError, StepArtifactStore } from './step-artifact.store';
import { PermanentStepError, StepContext, StepExecutor, StepOutcome } from './step-executor';

/**
 * Runs one attempt of one plan step inside a worker: re-reads the step and run
 * from PostgreSQL, reports `running`, calls the executor (dry run or live), and
 * reports the outcome on the durable `step-status` queue. Transient errors are
 * re-thrown for BullMQ to retry; only the last attempt, or a permanent error,
 * reports `failed`.
 */
@Injectable()
export class StepRunner {
  /** How long a step may work before it is reported as running on its own. */
  private readonly runningReportDelayMs: number;
  private readonly artifacts: StepArtifactStore | null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.runningReportDelayMs = config?.workers.runningReportDelayMs ?? 250;
    this.artifacts = config ? new StepArtifactStore(dataSource, config.storage.artifactsDir) : null;
  }

  async run(executor: StepExecutor, jobPayload: StepJobPayload, job: JobContext): Promise<StepJobResult> {
    const loaded = await this.load(jobPayload);
    // The mode recorded with the step run wins over the job's: a job queued by an
    // older gateway must never run live a step the run decided to dry-run.
    const payload = { ...jobPayload, dryRun: loaded.stepRun.dryRun ?? jobPayload.dryRun };
    if (loaded.stepRun.status === 'completed' || loaded.stepRun.status === 'failed') {
      // A redelivered job for a step whose outcome is already recorded: nothing to do twice.
      return { reported: loaded.stepRun.status, dryRun: payload.dryRun };
    }
    const context = this.contextFor(payload, loaded.step, loaded.run, job.isLastAttempt);
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const running = this.reportRunningIfSlow({ status: 'running', ...this.ids(payload, job), at: startedAt });
    const labels = { executor: ACTION_EXECUTOR[executor.action], action: executor.action, mode: payload.dryRun ? 'dry_run' : 'live' };
    const timer = stepDuration.startTimer(labels);
    try {
      const outcome = payload.dryRun ? await executor.dryRun(context) : await executor.execute(context);
      timer({ outcome: 'completed' });
      await this.saveArtifacts(payload, outcome);
      await running.settle();
      await this.report({
        status: 'completed',
        ...this.ids(payload, job),
        at: new Date().toISOString(),
        startedAt,
        dryRun: payload.dryRun,
        result: outcome.result,
        outputs: outcome.outputs ?? {},
        durationMs: Date.now() - started,
      });
      return { reported: 'completed', dryRun: payload.dryRun };
    } catch (error) {
      await running.settle();
      const permanent = error instanceof PermanentStepError;
      timer({ outcome: permanent ? 'failed_permanently' : job.isLastAttempt ? 'failed' : 'retried' });
      if (permanent || job.isLastAttempt) {
        await this.report({
          status: 'failed',
          ...this.ids(payload, job),
          at: new Date().toISOString(),
          startedAt,
          error: { message: (error as Error).message, permanent, attempts: job.attempt },
          durationMs: Date.now() - started,
        });
      }
      throw permanent ? new UnrecoverableError((error as Error).message) : error;
    }
  }

  /**
   * The `running` report is sent only once a step has been busy for a while.
   * A fast step's outcome report carries its start time, and the orchestrator
   * records started-then-finished from it, so the audit trail is the same with
   * half the reports. A slow step still shows as running while it works.
   */
  private reportRunningIfSlow(report: StepReport): { settle(): Promise<void> } {
    let sending: Promise<void> | undefined;
    const timer = setTimeout(() => {
      sending = this.report(report).catch(() => undefined); // best effort: the outcome report carries the start too
    }, this.runningReportDelayMs);
    return {
      settle: async () => {
        clearTimeout(timer);
        await sending;
      },
    };
  }

  /**
   * Compensates one completed step: re-reads it and the result it recorded, asks
   * the executor to undo it, and reports rolled_back or (on the last attempt or
   * a permanent error) rollback_failed. A recorded outcome makes a redelivery a no-op.
   */
  async rollback(executors: StepExecutor[], payload: RollbackJobPayload, job: JobContext): Promise<{ reported: 'rolled_back' | 'rollback_failed' }> {
    const { step, run, stepRun } = await this.load({ ...payload, attempt: 1, dryRun: true });
    if (stepRun.rollbackStatus === 'rolled_back') return { reported: 'rolled_back' };
    if (stepRun.rollbackStatus === 'failed') return { reported: 'rollback_failed' };
    const executor = executors.find((candidate) => candidate.action === step.action);
    if (!executor) throw new UnrecoverableError(`this worker has no executor for ${step.action}`);
    const context = this.contextFor({ ...payload, attempt: stepRun.attempt, dryRun: stepRun.dryRun ?? run.dryRun }, step, run, job.isLastAttempt);
    const ids = { tenantId: payload.tenantId, runId: payload.runId, stepId: payload.stepId, attempt: job.attempt, worker: `${job.queue}@${process.pid}` };
    try {
      const outcome = await executor.rollback(context, { result: stepRun.result ?? {} });
      await this.producer.enqueue('step-status', 'step.report', { status: 'rolled_back', ...ids, at: new Date().toISOString(), result: outcome.result }, { jobId: `${payload.runId}.${payload.stepId}.rollback.done` });
      return { reported: 'rolled_back' };
    } catch (error) {
      const permanent = error instanceof PermanentStepError;
      if (permanent || job.isLastAttempt) {
        await this.producer.enqueue(
          'step-status',
          'step.report',
          { status: 'rollback_failed', ...ids, at: new Date().toISOString(), error: { message: (error as Error).message } },
          { jobId: `${payload.runId}.${payload.stepId}.rollback.failed` },
        );
      }
      throw permanent ? new UnrecoverableError((error as Error).message) : error;
    }
  }

  /** Artifacts are stored before the completion report, so a completed step always has its files. */
  private async saveArtifacts(payload: StepJobPayload, outcome: StepOutcome): Promise<void> {
    if (!outcome.artifacts?.length) return;
    if (!this.artifacts) throw new PermanentStepError('this worker has no configuration, so it has nowhere to store the step artifacts');
    try {
      await this.artifacts.save(payload, outcome.artifacts);
    } catch (error) {
      if (error instanceof ArtifactNameError) throw new PermanentStepError(error.message);
      throw error;
    }
  }

  private ids(payload: StepJobPayload, job: JobContext) {
    return { tenantId: payload.tenantId, runId: payload.runId, stepId: payload.stepId, attempt: payload.attempt, worker: `${job.queue}@${process.pid}` };
  }

  /** The step, its run and its step run in one query: every attempt re-reads them, so it is on the hot path. */
  private async load(payload: StepJobPayload): Promise<LoadedStep> {
    const [row] = await this.dataSource.query(
      `SELECT s.action, s.parameters, s.template_id, r.context, r.dry_run AS run_dry_run,
              sr.status, sr.attempt, sr.dry_run, sr.result, sr.rollback_status
         FROM step_runs sr
         JOIN runs r ON r.id = sr.run_id AND r.tenant_id = $3
         JOIN plan_steps s ON s.step_id = sr.step_id AND s.plan_id = r.plan_id AND s.tenant_id = $3
        WHERE sr.run_id = $1 AND sr.step_id = $2`,
      [payload.runId, payload.stepId, payload.tenantId],
    );
    if (!row) throw new UnrecoverableError(`step ${payload.stepId} of run ${payload.runId} does not exist`);
    return {
      step: { action: row.action, parameters: row.parameters, templateId: row.template_id },
      run: { context: row.context, dryRun: row.run_dry_run },
      stepRun: { status: row.status, attempt: row.attempt, dryRun: row.dry_run, result: row.result, rollbackStatus: row.rollback_status },
    };
  }

  private contextFor(payload: StepJobPayload, step: LoadedStep['step'], run: LoadedStep['run'], isLastAttempt: boolean): StepContext {
    return {
      isLastAttempt,
      tenantId: payload.tenantId,
      planId: payload.planId,
      runId: payload.runId,
      stepId: payload.stepId,
      attempt: payload.attempt,
      dryRun: payload.dryRun,
      idempotencyKey: `${payload.runId}:${payload.stepId}`,
      parameters: step.parameters,
      templateId: step.templateId,
      runState: Object.freeze({ ...run.context }),
    };
  }

  /** Durable: the report is a job with a deterministic id, so sending it twice is harmless. */
  private async report(report: StepReport): Promise<void> {
    await this.producer.enqueue('step-status', 'step.report', report, {
      jobId: `${report.runId}.${report.stepId}.a${report.attempt}.${report.status}`,
    });
  }
}
