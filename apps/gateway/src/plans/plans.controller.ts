import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Briefing, BusinessIntentInputSchema, ExecutionGraphSpecSchema, ResolvedBusinessIntent } from '@bf/contracts';
import { GraphRunReport, PlanView, PlanViewReader } from '@bf/persistence';
import { PlanRequestService } from '../factory/plan-request.service';
import { RollbackService } from '../factory/rollback.service';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { requestPrincipal } from '../http/principal';
import { graphOrderOrFail, GraphRunService } from '../pipeline/graph-run.service';
import { IntentClient } from '../pipeline/intent.client';
import { ApprovalRequestSchema, ApprovalService } from './approval.service';
import { TemplateCheckService } from './template-check.service';
import { RequireRole } from '../http/auth.decorators';

const PLAN_ID = /^plan_[0-9a-f]{12}$/;

/** Routes of ours (beyond the seeds) under /api/v1. */
@Controller('api/v1')
export class PlansController {
  private readonly plans: PlanViewReader;

  constructor(
    dataSource: DataSource,
    private readonly intents: IntentClient,
    private readonly planRequests: PlanRequestService,
    private readonly templates: TemplateCheckService,
    private readonly approvals: ApprovalService,
    private readonly rollbacks: RollbackService,
    private readonly graphs: GraphRunService,
  ) {
    this.plans = new PlanViewReader(dataSource);
  }

  /** An idea in plain words → resolved intent, the briefing composed from it, and its plan. */
  @Post('plans/from-idea')
  @RequireRole('operator')
  async planFromIdea(
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ intent: ResolvedBusinessIntent; briefing: Briefing; plan: PlanView | null; briefing_id?: string }> {
    const input = validated(BusinessIntentInputSchema, body, 'business intent');
    const tenantId = requestTenant();
    const { intent, briefing } = await this.intents.resolve(tenantId, input);
    await this.templates.assertUsable(briefing);
    const outcome = await this.planRequests.request(tenantId, briefing);
    if (outcome.state === 'planning') {
      response.status(202);
      return { intent, briefing, plan: null, briefing_id: outcome.briefingId };
    }
    response.status(201).location(`/api/factory/${outcome.planId}`);
    return { intent, briefing, plan: (await this.plans.read(tenantId, outcome.planId))! };
  }

  @Post('plans/:planId/approve')
  @RequireRole('approver')
  @HttpCode(200)
  approve(@Param('planId') planId: string, @Body() body: unknown) {
    if (!PLAN_ID.test(planId)) throw new NotFoundException(`plan ${planId} not found`);
    return this.approvals.approve(requestPrincipal(), planId, validated(ApprovalRequestSchema, body, 'approval'));
  }

  /** Stops dispatching; steps already running finish; the run ends cancelled (and rolled back with `?rollback=true`). */
  @Post('plans/:planId/cancel')
  @RequireRole('operator')
  @HttpCode(202)
  cancel(@Param('planId') planId: string, @Query('rollback') rollback: string | undefined) {
    if (!PLAN_ID.test(planId)) throw new NotFoundException(`plan ${planId} not found`);
    return this.rollbacks.cancel(requestTenant(), planId, rollback === 'true');
  }

  /** Seed 001 S8.2 graph validation, without running anything: the execution order, or every problem. */
  @Post('graphs/validate')
  @RequireRole('viewer')
  @HttpCode(200)
  validateGraph(@Body() body: unknown) {
    const spec = validated(ExecutionGraphSpecSchema, body, 'execution graph');
    return { graph_id: spec.graph_id, valid: true, execution_order: graphOrderOrFail(spec) };
  }

  /** A graph plan's latest run as the seed 001 dry-run answer: where a 202 from /api/pipeline/dry-run or /execute leads. */
  @Get('graphs/:planId/result')
  @RequireRole('viewer')
  async graphResult(@Param('planId') planId: string): Promise<GraphRunReport> {
    const report = PLAN_ID.test(planId) ? await this.graphs.report(requestTenant(), planId) : undefined;
    if (!report) throw new NotFoundException(`graph plan ${planId} not found, or it has no run`);
    return report;
  }
}
