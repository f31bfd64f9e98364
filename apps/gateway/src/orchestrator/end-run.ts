import { EntityManager } from 'typeorm';
import { AuditEntry, AuditLog, RunEntity } from '@bf/persistence';
import { dryRunEventType } from './event-names';
import { SqlBatch } from './sql-batch';

type EndStatus = 'completed' | 'failed' | 'cancelled';

/**
 * Ends a run: its status (and any extra run fields), the plan's status, and the
 * audit event saying so, in the caller's transaction (which holds the run's lock).
 * A graph's dry run also gets seed 001's `pipeline.dry_run_completed` here: every
 * run ends exactly once, so it is written exactly once.
 */
export async function endRun(
  manager: EntityManager,
  audit: AuditLog,
  run: RunEntity,
  status: EndStatus,
  event: Pick<AuditEntry, 'eventType' | 'severity' | 'reason' | 'success' | 'metadata'>,
  runFields: Partial<Pick<RunEntity, 'error' | 'rollbackRequested'>> = {},
): Promise<void> {
  run.status = status;
  Object.assign(run, runFields);
  // The run's and the plan's status in one round trip (different tables, so one statement can do both).
  const batch = new SqlBatch();
  batch.update(manager, RunEntity, { id: run.id }, { status, finishedAt: new Date(), ...(runFields as object) });
  batch.add(`UPDATE plans SET status = ${batch.param(status)}, updated_at = CURRENT_TIMESTAMP WHERE id = ${batch.param(run.planId)}`);
  await batch.flush(manager);
  const ref = { tenantId: run.tenantId, planId: run.planId, runId: run.id };
  const entries: AuditEntry[] = [{ ...ref, ...event }];
  const dryRunEnd = dryRunEventType(run.source, run.dryRun, 'completed');
  if (dryRunEnd) {
    entries.push({ ...ref, eventType: dryRunEnd, severity: 'info', reason: `Dry run ended ${status}: nothing was changed`, success: status === 'completed', metadata: { dry_run: true, status } });
  }
  await audit.appendAll(manager, entries);
}
