import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { RUN_STATUSES } from '@bf/persistence';
import { queryDate } from '../http/query-params';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { RequireRole } from '../http/auth.decorators';
import { decodeRunCursor, RunDetail, RunHistoryService, RunPage } from './run-history.service';

const RUN_ID = /^run_[0-9a-f]{12}$/;

const RunsQuerySchema = z
  .object({
    plan_id: z.string().max(100).optional(),
    status: z.enum(RUN_STATUSES).optional(),
    since: queryDate().optional(),
    until: queryDate().optional(),
    cursor: z
      .string()
      .max(200)
      .transform((cursor, ctx) => decodeRunCursor(cursor) ?? (ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be the next_cursor of a previous page' }), z.NEVER))
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** Seed 004 execution history, under /api/v1. */
@Controller('api/v1/runs')
@RequireRole('viewer')
export class RunsController {
  constructor(private readonly history: RunHistoryService) {}

  /** Runs newest first, filtered by plan, status and start time, cursor-paginated. */
  @Get()
  list(@Query() query: unknown): Promise<RunPage> {
    const q = validated(RunsQuerySchema, query, 'runs query');
    return this.history.list(requestTenant(), { planId: q.plan_id, status: q.status, since: q.since, until: q.until, after: q.cursor, limit: q.limit });
  }

  /** One run with its steps, their timing, attempts and cost. */
  @Get(':runId')
  get(@Param('runId') runId: string): Promise<RunDetail> {
    if (!RUN_ID.test(runId)) throw new NotFoundException(`run ${runId} not found`);
    return this.history.get(requestTenant(), runId);
  }
}
