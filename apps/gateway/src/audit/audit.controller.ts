import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditEventTypeSchema, AuditSeveritySchema } from '@bf/contracts';
import { AuditPage, queryAuditEvents } from '@bf/persistence';
import { queryDate, sequenceCursor } from '../http/query-params';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { RequireRole } from '../http/auth.decorators';

const AuditQuerySchema = z
  .object({
    event_type: AuditEventTypeSchema.optional(),
    plan_id: z.string().max(100).optional(),
    run_id: z.string().max(100).optional(),
    severity: AuditSeveritySchema.optional(),
    since: queryDate().optional(),
    until: queryDate().optional(),
    cursor: sequenceCursor().optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** Seed 000 "Querying Audit Events". */
@Controller('api/sovereign/audit')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('events')
  @RequireRole('viewer')
  events(@Query() query: unknown): Promise<AuditPage> {
    const q = validated(AuditQuerySchema, query, 'audit query');
    return queryAuditEvents(this.dataSource, {
      tenantId: requestTenant(),
      eventType: q.event_type,
      planId: q.plan_id,
      runId: q.run_id,
      severity: q.severity,
      since: q.since,
      until: q.until,
      afterSeq: q.cursor,
      limit: q.limit,
    });
  }
}
