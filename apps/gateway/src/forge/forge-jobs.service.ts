import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { CreateForgeJob, FORGE_JOB_ENDED, ForgeJobListQuerySchema, forgeStepJobId, newForgeId, PluginGenerator, PluginParameterError, UnknownPluginTemplateError, updatedRows } from '@bf/forge';
import { forgeJobsTotal } from '@bf/observability';
import { AuditLog } from '@bf/persistence';
import { JobProducer } from '@bf/queue';
import { actorMetadata, ForgeActor } from './forge-actor';
import { JOB_COLUMNS, jobView, JobRow, RunRow } from './forge-views';
import { tenantPage } from './tenant-page';

export const FORGE_JOB_ID = /^fjob_[0-9a-f]{12}$/;

/**
 * Forge jobs: create (idempotent by key), read, cancel, retry, stats. The
 * gateway validates and enqueues the first step; forge-sign does the work.
 */
@Injectable()
export class ForgeJobsService {
  private readonly generator: PluginGenerator;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.generator = new PluginGenerator(config.storage.templatesDir);
  }

  /** `created` false: the idempotency key named an existing job, which is returned as it is now. */
  async create(actor: ForgeActor, request: CreateForgeJob): Promise<{ created: boolean; job: ReturnType<typeof jobView> }> {
    const plugin = await this.generator.generate(request.template, request.parameters).catch((error: Error) => {
      if (error instanceof UnknownPluginTemplateError) throw new BadRequestException({ message: 'invalid forge job: 1 problem(s)', details: [{ path: 'template', message: error.message }] });
      if (error instanceof PluginParameterError) throw new BadRequestException({ message: `invalid forge job: ${error.errors.length} problem(s)`, details: error.errors });
      throw error;
    });
    const id = newForgeId('fjob');
    const inserted: JobRow[] = await this.dataSource.transaction(async (tx) => {
      const rows: JobRow[] = await tx.query(
        `INSERT INTO forge_jobs (id, tenant_id, template, params, params_sha256, status, idempotency_key, requested_by)
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ${JOB_COLUMNS}`,
        [id, actor.tenantId, plugin.templateId, JSON.stringify(plugin.parameters), plugin.parametersSha256, request.idempotency_key ?? null, actor.id],
      );
      if (rows[0]) await this.auditJobCreated(tx, actor, rows[0]);
      return rows;
    });
    let job = inserted[0];
    if (!job) {
      const [existing]: JobRow[] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM forge_jobs WHERE tenant_id = $1 AND idempotency_key = $2`, [actor.tenantId, request.idempotency_key]);
      if (existing.params_sha256 !== plugin.parametersSha256) {
        throw new ConflictException(`idempotency_key ${request.idempotency_key} was used for job ${existing.id} with other parameters (${existing.template}, parameters sha256 ${existing.params_sha256})`);
      }
      job = existing;
    }
    // Also for an existing queued job: if the first enqueue was lost (a crash right after the insert), this one counts; otherwise it is a no-op.
    if (job.status === 'queued') await this.enqueueFirstStep(actor.tenantId, job.id);
    return { created: inserted.length > 0, job: jobView(job, inserted.length ? [] : await this.runs(actor.tenantId, job.id)) };
  }

  async list(tenantId: string, query: z.infer<typeof ForgeJobListQuerySchema>) {
    const filters = { status: query.status, template: query.template, requested_by: query.requested_by };
    const { total, rows } = await tenantPage<JobRow>(this.dataSource, 'forge_jobs', JOB_COLUMNS, tenantId, { filters, limit: query.limit, offset: query.offset });
    return { total, limit: query.limit, offset: query.offset, jobs: rows.map((row) => jobView(row)) };
  }

  async job(tenantId: string, jobId: string): Promise<JobRow> {
    const rows: JobRow[] = FORGE_JOB_ID.test(jobId) ? await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM forge_jobs WHERE id = $1 AND tenant_id = $2`, [jobId, tenantId]) : [];
    if (!rows[0]) throw new NotFoundException(`forge job ${jobId} not found`);
    return rows[0];
  }

  async view(tenantId: string, jobId: string) {
    const job = await this.job(tenantId, jobId);
    return jobView(job, await this.runs(tenantId, job.id));
  }

  async runs(tenantId: string, jobId: string): Promise<RunRow[]> {
    return this.dataSource.query(
      `SELECT * FROM forge_runs WHERE job_id = $1 AND tenant_id = $2 ORDER BY array_position(ARRAY['generate','build','test','sandbox','package','sign'], step)`,
      [jobId, tenantId],
    );
  }

  /** The job's status, for a log stream's polling (scoped like every read). */
  async status(tenantId: string, jobId: string): Promise<{ status: string; failure_reason: string | null } | undefined> {
    const rows: { status: string; failure_reason: string | null }[] = await this.dataSource.query('SELECT status, failure_reason FROM forge_jobs WHERE id = $1 AND tenant_id = $2', [jobId, tenantId]);
    return rows[0];
  }

  /**
   * queued|running → cancelled, and the job's unpublished package → failed. The step
   * under way finishes, sees the cancellation and discards its result (package and
   * sign commit only while they hold the job row in `running`); no later step runs.
   */
  async cancel(actor: ForgeActor, jobId: string) {
    const job = await this.job(actor.tenantId, jobId);
    const rows: JobRow[] = await this.dataSource.transaction(async (tx) => {
      const updated = updatedRows<JobRow>(await tx.query(
        `UPDATE forge_jobs SET status = 'cancelled', cancelled_by = $3, current_step = NULL, finished_at = now(),
                duration_ms = (EXTRACT(EPOCH FROM (now() - COALESCE(started_at, created_at))) * 1000)::int
          WHERE id = $1 AND tenant_id = $2 AND status IN ('queued', 'running') RETURNING ${JOB_COLUMNS}`,
        [job.id, actor.tenantId, actor.id],
      ));
      // Signed but not yet published (the job had not ended): a cancelled job's package is never approved or published.
      if (updated[0]?.plugin_package_id) await tx.query(`UPDATE plugin_packages SET status = 'failed' WHERE id = $1 AND tenant_id = $2 AND status IN ('draft', 'built', 'signed')`, [updated[0].plugin_package_id, actor.tenantId]);
      if (updated[0]) {
        await this.audit.append(tx, {
          tenantId: actor.tenantId,
          eventType: 'forge.job_cancelled',
          severity: 'info',
          reason: `Forge job ${job.id} (${job.template}) cancelled by ${actor.name} while ${job.status}`,
          success: true,
          metadata: { forge_job_id: job.id, template: job.template, previous_status: job.status, ...actorMetadata(actor) },
        });
      }
      return updated;
    });
    if (!rows[0]) throw new ConflictException(`forge job ${job.id} is ${job.status}: only a queued or running job can be cancelled`);
    forgeJobsTotal.inc({ status: 'cancelled' });
    return jobView(rows[0], await this.runs(actor.tenantId, job.id));
  }

  /** A new job with the same template and parameters, linked to the failed (or cancelled) one. */
  async retry(actor: ForgeActor, jobId: string) {
    const job = await this.job(actor.tenantId, jobId);
    if (job.status !== 'failed' && job.status !== 'cancelled') throw new ConflictException(`forge job ${job.id} is ${job.status}: only a failed or cancelled job can be retried`);
    const id = newForgeId('fjob');
    const created: JobRow = await this.dataSource.transaction(async (tx) => {
      const [row]: JobRow[] = await tx.query(
        `INSERT INTO forge_jobs (id, tenant_id, template, params, params_sha256, status, requested_by, retry_of)
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7) RETURNING ${JOB_COLUMNS}`,
        [id, actor.tenantId, job.template, JSON.stringify(job.params), job.params_sha256, actor.id, job.id],
      );
      await this.auditJobCreated(tx, actor, row);
      return row;
    });
    await this.enqueueFirstStep(actor.tenantId, id);
    return jobView(created, []);
  }

  isEnded(status: string): boolean {
    return (FORGE_JOB_ENDED as readonly string[]).includes(status);
  }

  /** Seed 002's get_forge_job_stats(days): counts by status, success rate, average and p95 duration per step and per job. */
  async stats(tenantId: string, days: number) {
    const counts: { status: string; count: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS count FROM forge_jobs WHERE tenant_id = $1 AND created_at > now() - make_interval(days => $2) GROUP BY status`,
      [tenantId, days],
    );
    const byStatus: Record<string, number> = { queued: 0, running: 0, success: 0, failed: 0, cancelled: 0 };
    for (const row of counts) byStatus[row.status] = row.count;
    const [jobs]: { avg_ms: number | null; p95_ms: number | null }[] = await this.dataSource.query(
      `SELECT avg(duration_ms)::float AS avg_ms, percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)::float AS p95_ms
         FROM forge_jobs WHERE tenant_id = $1 AND status = 'success' AND created_at > now() - make_interval(days => $2)`,
      [tenantId, days],
    );
    const steps: { step: string; runs: number; failed: number; avg_ms: number | null; p95_ms: number | null }[] = await this.dataSource.query(
      `SELECT r.step, count(*)::int AS runs, count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
              avg(r.duration_ms)::float AS avg_ms, percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms)::float AS p95_ms
         FROM forge_runs r JOIN forge_jobs j ON j.id = r.job_id
        WHERE j.tenant_id = $1 AND j.created_at > now() - make_interval(days => $2) AND r.duration_ms IS NOT NULL AND r.status IN ('success', 'failed', 'skipped')
        GROUP BY r.step ORDER BY array_position(ARRAY['generate','build','test','sandbox','package','sign'], r.step)`,
      [tenantId, days],
    );
    const decided = byStatus.success + byStatus.failed;
    const round = (value: number | null) => (value === null ? null : Math.round(value));
    return {
      days,
      total: Object.values(byStatus).reduce((a, b) => a + b, 0),
      by_status: byStatus,
      // Cancellations are the requester's choice, not failures: success / (success + failed).
      success_rate: decided ? byStatus.success / decided : null,
      duration_ms: { avg: round(jobs.avg_ms), p95: round(jobs.p95_ms) },
      steps: steps.map((row) => ({ step: row.step, runs: row.runs, failed: row.failed, avg_ms: round(row.avg_ms), p95_ms: round(row.p95_ms) })),
    };
  }

  /** forge.job_created: who (key), which template and parameters (by hash: parameters may be long, never secret by contract). */
  private async auditJobCreated(tx: EntityManager, actor: ForgeActor, job: JobRow): Promise<void> {
    await this.audit.append(tx, {
      tenantId: actor.tenantId,
      eventType: 'forge.job_created',
      severity: 'info',
      reason: `Forge job ${job.id} (${job.template}) requested by ${actor.name}${job.retry_of ? `, retrying ${job.retry_of}` : ''}`,
      success: true,
      metadata: { forge_job_id: job.id, template: job.template, params_sha256: job.params_sha256, idempotency_key: job.idempotency_key, retry_of: job.retry_of, ...actorMetadata(actor) },
    });
  }

  private async enqueueFirstStep(tenantId: string, forgeJobId: string): Promise<void> {
    await this.producer.enqueue('forge-sign', 'forge.generate', { tenantId, forgeJobId }, { jobId: forgeStepJobId(forgeJobId, 'generate') });
  }
}
