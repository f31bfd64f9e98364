import { EntityManager } from 'typeorm';
import { AuditEntry, AuditLog, PlanEntity, RunEntity } from '@bf/persistence';

type EndStatus = 'completed' | 'failed' | 'cancelled';

/**
 * Ends a run: its status (and any extra run fields), the plan's status, and the
 * audit event saying so, in the caller's transaction (which holds the run's lock).
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
  await audit.append(manager, { tenantId: run.tenantId, planId: run.planId, runId: run.id, ...event });
}
