import { DataSource } from 'typeorm';
import { ForgeStep, newForgeId, updatedRows } from '@bf/forge';

export interface ForgeJobRow {
  id: string;
  tenant_id: string;
  template: string;
  params: Record<string, unknown>;
  status: string;
  plugin_package_id: string | null;
  started_at: Date | null;
}

export interface ForgeRunRow {
  id: string;
  status: string;
  artifacts: Record<string, unknown>;
}

/**
 * forge-sign's reads and writes of forge jobs and runs. Every job transition is
 * conditional on the status it leaves (queued → running, running → an end), so a
 * cancellation by the gateway and a step finishing at the same moment cannot
 * both win, and a redelivered step cannot revive an ended job.
 */
export class ForgeJobStore {
  constructor(private readonly dataSource: DataSource) {}

  async job(tenantId: string, jobId: string): Promise<ForgeJobRow | undefined> {
    const rows: ForgeJobRow[] = await this.dataSource.query(
      'SELECT id, tenant_id, template, params, status, plugin_package_id, started_at FROM forge_jobs WHERE id = $1 AND tenant_id = $2',
      [jobId, tenantId],
    );
    return rows[0];
  }

  async status(jobId: string): Promise<string | undefined> {
    const rows: { status: string }[] = await this.dataSource.query('SELECT status FROM forge_jobs WHERE id = $1', [jobId]);
    return rows[0]?.status;
  }

  /** Starts (queued → running) or continues the job at `step`; false when it was cancelled or ended meanwhile. */
  async enterStep(jobId: string, step: ForgeStep): Promise<boolean> {
    const rows = updatedRows(await this.dataSource.query(
      `UPDATE forge_jobs SET status = 'running', started_at = COALESCE(started_at, now()), current_step = $2
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [jobId, step],
    ));
    return rows.length > 0;
  }

  async run(jobId: string, step: ForgeStep): Promise<ForgeRunRow | undefined> {
    const rows: ForgeRunRow[] = await this.dataSource.query('SELECT id, status, artifacts FROM forge_runs WHERE job_id = $1 AND step = $2', [jobId, step]);
    return rows[0];
  }

  /** The run row of this attempt: a retried attempt starts its row over (same id, fresh log). The run belongs to its job's tenant. */
  async startRun(tenantId: string, jobId: string, step: ForgeStep, attempt: number): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO forge_runs (id, tenant_id, job_id, step, status, attempt) VALUES ($1, $5, $2, $3, 'running', $4)
        ON CONFLICT (job_id, step) DO UPDATE SET status = 'running', attempt = EXCLUDED.attempt, logs = '', error = NULL, artifacts = '{}', started_at = now(), finished_at = NULL, duration_ms = NULL
        RETURNING id`,
      [newForgeId('frun'), jobId, step, attempt, tenantId],
    );
    return rows[0].id;
  }

  async appendLog(runId: string, line: string): Promise<void> {
    await this.dataSource.query('UPDATE forge_runs SET logs = logs || $2 WHERE id = $1', [runId, `${new Date().toISOString()} ${line}\n`]);
  }

  /**
   * Ends this attempt's run; false when the row no longer belongs to it (a later
   * attempt restarted it, or it already ended): an orphaned attempt, one the runner
   * or the queue gave up on, then records nothing and must not go on.
   */
  async finishRun(runId: string, attempt: number, status: 'success' | 'failed' | 'skipped' | 'cancelled', durationMs: number, artifacts: Record<string, unknown>, error?: string): Promise<boolean> {
    const rows = updatedRows(await this.dataSource.query(
      `UPDATE forge_runs SET status = $3, duration_ms = $4, artifacts = $5, error = $6, finished_at = now() WHERE id = $1 AND attempt = $2 AND status = 'running' RETURNING id`,
      [runId, attempt, status, durationMs, JSON.stringify(artifacts), error ?? null],
    ));
    return rows.length > 0;
  }

  /** A run row for a step that never started because the job was cancelled first (so the log says why). */
  async recordCancelledStep(tenantId: string, jobId: string, step: ForgeStep): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO forge_runs (id, tenant_id, job_id, step, status, logs, finished_at, duration_ms) VALUES ($1, $5, $2, $3, 'cancelled', $4, now(), 0) ON CONFLICT (job_id, step) DO NOTHING`,
      [newForgeId('frun'), jobId, step, `${new Date().toISOString()} not run: the job was cancelled\n`, tenantId],
    );
  }

  /** running → success; returns the job's duration in ms, or undefined when it had already ended (cancelled meanwhile). */
  async succeed(jobId: string): Promise<number | undefined> {
    const rows = updatedRows<{ duration_ms: number }>(await this.dataSource.query(
      `UPDATE forge_jobs SET status = 'success', current_step = NULL, finished_at = now(), duration_ms = (EXTRACT(EPOCH FROM (now() - COALESCE(started_at, created_at))) * 1000)::int
        WHERE id = $1 AND status = 'running' RETURNING duration_ms`,
      [jobId],
    ));
    return rows[0]?.duration_ms;
  }

  /** queued|running → failed with the step and its reason; the package (if any, and not published) is marked failed too. */
  async fail(jobId: string, step: ForgeStep, reason: string): Promise<number | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const rows = updatedRows<{ duration_ms: number; plugin_package_id: string | null }>(await tx.query(
        `UPDATE forge_jobs SET status = 'failed', failed_step = $2, failure_reason = $3, current_step = NULL, finished_at = now(),
                duration_ms = (EXTRACT(EPOCH FROM (now() - COALESCE(started_at, created_at))) * 1000)::int
          WHERE id = $1 AND status IN ('queued', 'running') RETURNING duration_ms, plugin_package_id`,
        [jobId, step, `${step}: ${reason}`.slice(0, 4000)],
      ));
      if (rows[0]?.plugin_package_id) await tx.query(`UPDATE plugin_packages SET status = 'failed' WHERE id = $1 AND status IN ('draft', 'built', 'signed')`, [rows[0].plugin_package_id]);
      return rows[0]?.duration_ms;
    });
  }
}
