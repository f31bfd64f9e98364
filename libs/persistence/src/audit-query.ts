import { DataSource } from 'typeorm';
import { AuditEvent } from '@bf/contracts';
import { toAuditEvent } from './audit-log';
import { AuditEventEntity } from './entities';

export interface AuditFilter {
  tenantId: string;
  eventType?: string;
  planId?: string;
  runId?: string;
  severity?: string;
  since?: Date;
  until?: Date;
  /** Exclusive lower bound on the insertion sequence: the cursor of the previous page. */
  afterSeq?: string;
  limit: number;
}

export interface AuditPage {
  events: AuditEvent[];
  next_cursor: string | null;
}

/** Reads audit events in insertion order; pages are cut on the sequence, so a cursor stays stable while events are added. */
export async function queryAuditEvents(dataSource: DataSource, filter: AuditFilter): Promise<AuditPage> {
  const qb = dataSource
    .getRepository(AuditEventEntity)
    .createQueryBuilder('e')
    .addSelect(`to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'occurred_at_text')
    .where('e.tenant_id = :tenantId', { tenantId: filter.tenantId })
    .orderBy('e.seq', 'ASC')
    .limit(filter.limit + 1);
  if (filter.eventType) qb.andWhere('e.event_type = :eventType', { eventType: filter.eventType });
  if (filter.planId) qb.andWhere('e.plan_id = :planId', { planId: filter.planId });
  if (filter.runId) qb.andWhere('e.run_id = :runId', { runId: filter.runId });
  if (filter.severity) qb.andWhere('e.severity = :severity', { severity: filter.severity });
  if (filter.since) qb.andWhere('e.occurred_at >= :since', { since: filter.since });
  if (filter.until) qb.andWhere('e.occurred_at < :until', { until: filter.until });
  if (filter.afterSeq) qb.andWhere('e.seq > :afterSeq', { afterSeq: filter.afterSeq });
  const { entities, raw } = await qb.getRawAndEntities<{ occurred_at_text: string }>();
  const page = entities.slice(0, filter.limit);
  return {
    events: page.map((row, index) => toAuditEvent({ ...row, occurredAtText: raw[index].occurred_at_text } as AuditEventEntity & { occurredAtText: string })),
    next_cursor: entities.length > filter.limit ? page[page.length - 1].seq : null,
  };
}
