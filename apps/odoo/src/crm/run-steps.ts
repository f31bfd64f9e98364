import { DataSource } from 'typeorm';

/** How one step of a run went, and whether it changed anything (a dry run changes nothing). */
export interface RunStepMode {
  stepId: string;
  action: string;
  parameters: Record<string, unknown>;
  status: string;
  dryRun: boolean;
  dryRunReason: string | null;
}

/**
 * The run state says what earlier steps produced, a dry run included; only the
 * step runs say whether it was real. Checks that touch a live system read this.
 */
export async function runStepModes(dataSource: DataSource, tenantId: string, runId: string): Promise<RunStepMode[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT s.step_id, s.action, s.parameters, sr.status, COALESCE(sr.dry_run, r.dry_run) AS dry_run, sr.dry_run_reason
       FROM step_runs sr
       JOIN runs r ON r.id = sr.run_id AND r.tenant_id = sr.tenant_id
       JOIN plan_steps s ON s.step_id = sr.step_id AND s.plan_id = r.plan_id AND s.tenant_id = sr.tenant_id
      WHERE sr.run_id = $1 AND sr.tenant_id = $2`,
    [runId, tenantId],
  );
  return rows.map((row) => ({
    stepId: row.step_id as string,
    action: row.action as string,
    parameters: (row.parameters as Record<string, unknown>) ?? {},
    status: row.status as string,
    dryRun: row.dry_run === true,
    dryRunReason: (row.dry_run_reason as string | null) ?? null,
  }));
}

/** Completed live steps of an action; `rollback_status` is not read as a step being validated runs before any rollback. */
export function liveCompleted(steps: RunStepMode[], action: string): RunStepMode[] {
  return steps.filter((step) => step.action === action && step.status === 'completed' && !step.dryRun);
}
