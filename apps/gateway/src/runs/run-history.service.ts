import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { creditsOfRuns, RunCredits, RunStatus } from '@bf/persistence';

/** Seed 004 response metadata of a run. */
export interface RunMetadata {
  /** Wall time from start to end; null while the run is going. */
  duration_ms: number | null;
  /** What the run reserved when it started (0 for a dry run). */
  credits_reserved: number;
  /** What it was charged when it settled; null until then. */
  credits_consumed: number | null;
  steps_total: number;
  /** Steps that started (completed, failed or rolled back since). */
  steps_executed: number;
  steps_completed: number;
  steps_failed: number;
  steps_dry_run: number;
}

export interface RunSummary {
  run_id: string;
  plan_id: string;
  status: RunStatus;
  dry_run: boolean;
  source: 'briefing' | 'graph';
  started_at: string;
  finished_at: string | null;
  rollback_status: string | null;
  error: { step_id: string; message: string } | null;
  metadata: RunMetadata;
}

export interface RunStepView {
  step_id: string;
  sequence: number;
  name: string;
  action: string;
  status: string;
  dry_run: boolean;
  dry_run_reason: string | null;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  /** Credits this step costs the run: its price when it ran live and completed, else 0. */
  cost: number;
  rollback_status: string | null;
  error: string | null;
}

export interface RunDetail extends RunSummary {
  steps: RunStepView[];
}

export interface RunFilter {
  planId?: string;
  status?: RunStatus;
  since?: Date;
  until?: Date;
  /** The previous page's last run: (started_at as text, id). */
  after?: { startedAt: string; runId: string };
  limit: number;
}

export interface RunPage {
  runs: RunSummary[];
  next_cursor: string | null;
}

const TS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const SUMMARY_SELECT = `
  SELECT r.id, r.plan_id, r.status, r.dry_run, r.source, r.rollback_status, r.error,
         ${TS('r.started_at')} AS started_at, ${TS('r.finished_at')} AS finished_at,
         round(extract(epoch FROM (r.finished_at - r.started_at)) * 1000)::bigint AS duration_ms,
         s.total, s.executed, s.completed, s.failed, s.dry_run_steps
  FROM runs r
  LEFT JOIN LATERAL (
    SELECT count(*) AS total,
           count(*) FILTER (WHERE started_at IS NOT NULL) AS executed,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           count(*) FILTER (WHERE dry_run) AS dry_run_steps
    FROM step_runs WHERE run_id = r.id
  ) s ON true`;

/**
 * Execution history (seed 004): a tenant's runs, newest first, with their
 * timing, credits and step counts. Every query is scoped by tenant, so another
 * tenant's run is simply not found.
 */
@Injectable()
export class RunHistoryService {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenantId: string, filter: RunFilter): Promise<RunPage> {
    const params: unknown[] = [tenantId];
    const where = ['r.tenant_id = $1'];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.planId) where.push(`r.plan_id = ${param(filter.planId)}`);
    if (filter.status) where.push(`r.status = ${param(filter.status)}`);
    if (filter.since) where.push(`r.started_at >= ${param(filter.since)}`);
    if (filter.until) where.push(`r.started_at < ${param(filter.until)}`);
    // Pages cut on (started_at, id), both fixed when a run is recorded: new runs never shift a later page.
    if (filter.after) where.push(`(r.started_at, r.id) < (${param(filter.after.startedAt)}::timestamptz, ${param(filter.after.runId)})`);
    const rows: SummaryRow[] = await this.dataSource.query(
      `${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.started_at DESC, r.id DESC LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const shown = rows.slice(0, filter.limit);
    const credits = await creditsOfRuns(this.dataSource.manager, tenantId, shown.map((row) => row.id));
    const last = shown[shown.length - 1];
    return {
      runs: shown.map((row) => toSummary(row, credits.get(row.id))),
      next_cursor: rows.length > filter.limit ? encodeRunCursor(last.started_at, last.id) : null,
    };
  }

  async get(tenantId: string, runId: string): Promise<RunDetail> {
    const [row]: SummaryRow[] = await this.dataSource.query(`${SUMMARY_SELECT} WHERE r.tenant_id = $1 AND r.id = $2`, [tenantId, runId]);
    if (!row) throw new NotFoundException(`run ${runId} not found`);
    const credits = (await creditsOfRuns(this.dataSource.manager, tenantId, [runId])).get(runId);
    const steps: StepRow[] = await this.dataSource.query(
      `SELECT s.step_id, p.sequence, p.name, p.action, s.status, coalesce(s.dry_run, r.dry_run) AS dry_run, s.dry_run_reason, s.attempt, s.error,
              s.rollback_status, ${TS('s.started_at')} AS started_at, ${TS('s.finished_at')} AS finished_at,
              round(extract(epoch FROM (s.finished_at - s.started_at)) * 1000)::bigint AS duration_ms
       FROM step_runs s JOIN plan_steps p ON p.step_id = s.step_id JOIN runs r ON r.id = s.run_id
       WHERE s.run_id = $1 AND s.tenant_id = $2 ORDER BY p.sequence`,
      [runId, tenantId],
    );
    return { ...toSummary(row, credits), steps: steps.map((step) => toStep(step, credits)) };
  }
}

/** An opaque cursor: base64url of the last run's start time (microseconds) and id. */
export function encodeRunCursor(startedAt: string, runId: string): string {
  return Buffer.from(`${startedAt}|${runId}`).toString('base64url');
}

/** The position a cursor names, or null when it is not one of ours. */
export function decodeRunCursor(cursor: string): { startedAt: string; runId: string } | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(run_[0-9a-f]{12})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { startedAt: match[1], runId: match[2] } : null;
}

interface SummaryRow {
  id: string;
  plan_id: string;
  status: RunStatus;
  dry_run: boolean;
  source: 'briefing' | 'graph';
  rollback_status: string | null;
  error: { stepId: string; message: string } | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: string | null;
  total: string;
  executed: string;
  completed: string;
  failed: string;
  dry_run_steps: string;
}

interface StepRow {
  step_id: string;
  sequence: number;
  name: string;
  action: string;
  status: string;
  dry_run: boolean;
  dry_run_reason: string | null;
  attempt: number;
  error: { message: string; attempts?: number } | null;
  rollback_status: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: string | null;
}

function toSummary(row: SummaryRow, credits: RunCredits | undefined): RunSummary {
  const reserved = credits?.reserved ?? 0;
  return {
    run_id: row.id,
    plan_id: row.plan_id,
    status: row.status,
    dry_run: row.dry_run,
    source: row.source,
    started_at: row.started_at,
    finished_at: row.finished_at,
    rollback_status: row.rollback_status,
    error: row.error ? { step_id: row.error.stepId, message: row.error.message } : null,
    metadata: {
      duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
      credits_reserved: reserved,
      // A run that reserved nothing (a dry run) costs nothing, settled or not.
      credits_consumed: credits?.charged ?? (reserved === 0 ? 0 : null),
      steps_total: Number(row.total),
      steps_executed: Number(row.executed),
      steps_completed: Number(row.completed),
      steps_failed: Number(row.failed),
      steps_dry_run: Number(row.dry_run_steps),
    },
  };
}

function toStep(row: StepRow, credits: RunCredits | undefined): RunStepView {
  const ranLive = !row.dry_run && (row.status === 'completed' || row.status === 'rolled_back');
  return {
    step_id: row.step_id,
    sequence: row.sequence,
    name: row.name,
    action: row.action,
    status: row.status,
    dry_run: row.dry_run,
    dry_run_reason: row.dry_run_reason,
    attempts: row.started_at === null ? 0 : Math.max(row.attempt, row.error?.attempts ?? 0),
    started_at: row.started_at,
    finished_at: row.finished_at,
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    cost: ranLive ? (credits?.stepPrices[row.step_id] ?? 0) : 0,
    rollback_status: row.rollback_status,
    error: row.error?.message ?? null,
  };
}
