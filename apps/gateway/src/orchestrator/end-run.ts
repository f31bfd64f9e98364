import { EntityManager } from 'typeorm';
import { AuditEntry, AuditLog, PlanEntity, RunEntity } from '@bf/persistence';
import { dryRunEventType } from './event-names';

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
  await manager.update(RunEntity, { id: run.id }, { status, finishedAt: new Date(), ...(runFields as object) });
  await manager.update(PlanEntity, { id: run.planId }, { status });
  const ref = { tenantId: run.tenantId, planId: run.planId, runId: run.id };
  const entries: AuditEntry[] = [{ ...ref, ...event }];
  const dryRunEnd = dryRunEventType(run.source, run.dryRun, 'completed');
  if (dryRunEnd) {
    entries.push({ ...ref, eventType: dryRunEnd, severity: 'info', reason: `Dry run ended ${status}: nothing was changed`, success: status === 'completed', metadata: { dry_run: true, status } });
  }
  await audit.appendAll(manager, entries);
}
