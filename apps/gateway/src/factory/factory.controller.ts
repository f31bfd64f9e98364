import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { BriefingSchema, BUSINESS_TYPES, SYSTEM_VERSION } from '@bf/contracts';
import { PlanView, PlanViewReader } from '@bf/persistence';
import { endEventStream, stopOnDrain } from '@bf/runtime';
import { TemplateManifest, TemplateRegistry } from '@bf/templates';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { TemplateCheckService } from '../plans/template-check.service';
import { EvidenceDownloadService } from './evidence-download.service';
import { ExecutionService, ExecutionStarted } from './execution.service';
import { PlanRequestService } from './plan-request.service';
import { ProgressHub } from './progress-hub';
import { RollbackResponse, RollbackService } from './rollback.service';
import { RequireRole } from '../http/auth.decorators';

const PLAN_ID = /^plan_[0-9a-f]{12}$/;

/**
 * `dry_run_unavailable`, from the query or a JSON body: only an explicit true
 * opts in, and anything but true/false is refused rather than read as "no".
 */
function dryRunUnavailableFlag(query: string | undefined, body: unknown): boolean {
  const fromBody = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).dry_run_unavailable : undefined;
  const bad = (path: string) => new BadRequestException({ message: `${path} must be true or false`, details: [{ path, message: 'must be true or false' }] });
  if (query !== undefined && query !== 'true' && query !== 'false') throw bad('dry_run_unavailable');
  if (fromBody !== undefined && typeof fromBody !== 'boolean') throw bad('body.dry_run_unavailable');
  return query === 'true' || fromBody === true;
}

/** Seed 000 "API Reference" under /api/factory. */
@Controller('api/factory')
export class FactoryController {
  private readonly plans: PlanViewReader;

  constructor(
    dataSource: DataSource,
    private readonly planRequests: PlanRequestService,
    private readonly executions: ExecutionService,
    private readonly evidence: EvidenceDownloadService,
    private readonly templateCheck: TemplateCheckService,
    private readonly progress: ProgressHub,
    private readonly rollbacks: RollbackService,
    private readonly templates: TemplateRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // With the review: who created the plan, its approvals and how many it needs.
    this.plans = new PlanViewReader(dataSource, { planMinApprovals: config.tenancy.planMinApprovals });
  }

  @Post('plan')
  @RequireRole('operator')
  async createPlan(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<PlanView | { briefing_id: string; status: 'planning'; message: string }> {
    const briefing = validated(BriefingSchema, body, 'briefing');
    await this.templateCheck.assertUsable(briefing);
    const tenantId = requestTenant();
    const outcome = await this.planRequests.request(tenantId, briefing);
    if (outcome.state === 'planning') {
      response.status(202);
      return { briefing_id: outcome.briefingId, status: 'planning', message: 'the planner has not answered yet; the plan will appear under this briefing' };
    }
    response.status(201).location(`/api/factory/${outcome.planId}`);
    return (await this.plans.read(tenantId, outcome.planId))!;
  }

  @Post('execute')
  @RequireRole('operator')
  @HttpCode(202)
  execute(
    @Query('plan_id') planId: string | undefined,
    @Query('confirm') confirm: string | undefined,
    @Query('dry_run_unavailable') dryRunUnavailable: string | undefined,
    @Body() body: unknown,
  ): Promise<ExecutionStarted> {
    if (!planId) throw new BadRequestException({ message: 'plan_id is required', details: [{ path: 'plan_id', message: 'is required' }] });
    if (confirm !== 'true') {
      throw new BadRequestException({ message: 'confirm=true is required to execute a plan: review the plan first, then confirm', details: [{ path: 'confirm', message: 'must be true' }] });
    }
    if (!PLAN_ID.test(planId)) throw new NotFoundException(`plan ${planId} not found`);
    return this.executions.start(requestTenant(), planId, { dryRunUnavailable: dryRunUnavailableFlag(dryRunUnavailable, body) });
  }

  /** Seed 000 "Rollback System": compensate the latest run's completed steps (after `to_step`, if given) in reverse order. */
  @Post(':planId/rollback')
  @RequireRole('operator')
  async rollback(@Param('planId') planId: string, @Query('to_step') toStep: string | undefined, @Res({ passthrough: true }) response: Response): Promise<RollbackResponse> {
    if (!PLAN_ID.test(planId)) throw new NotFoundException(`plan ${planId} not found`);
    if (toStep !== undefined && !/^\d{1,3}$/.test(toStep)) throw new BadRequestException({ message: 'to_step must be a step sequence number', details: [{ path: 'to_step', message: 'must be a whole number' }] });
    const outcome = await this.rollbacks.rollback(requestTenant(), planId, toStep === undefined ? null : Number(toStep));
    response.status(outcome.status === 'rolling_back' ? 202 : 200);
    return outcome;
  }

  @Get('templates')
  @RequireRole('viewer')
  listTemplates(): Promise<TemplateManifest[]> {
    return this.templates.list();
  }

  /** One template with its variables (types, defaults, validation) and files. */
  @Get('templates/:templateId')
  @RequireRole('viewer')
  async getTemplate(@Param('templateId') templateId: string): Promise<TemplateManifest> {
    const manifest = await this.templates.find(templateId);
    if (!manifest) throw new NotFoundException(`template ${templateId} not found`);
    return manifest;
  }

  @Get('info')
  @RequireRole('viewer')
  info() {
    return {
      name: 'Business Factory',
      version: SYSTEM_VERSION,
      business_types: BUSINESS_TYPES,
      executors: ['webgen', 'dns', 'odoo', 'integration', 'validation'],
      endpoints: ['POST /api/factory/plan', 'POST /api/factory/execute', 'GET /api/factory/{plan_id}', 'GET /api/factory/{plan_id}/evidence', 'GET /api/factory/{plan_id}/events', 'POST /api/factory/{plan_id}/rollback', 'GET /api/factory/templates', 'GET /api/factory/templates/{template_id}', 'GET /api/factory/info'],
    };
  }

  @Get(':planId')
  @RequireRole('viewer')
  async getPlan(@Param('planId') planId: string): Promise<PlanView> {
    const plan = PLAN_ID.test(planId) ? await this.plans.read(requestTenant(), planId) : undefined;
    if (!plan) throw new NotFoundException(`plan ${planId} not found`);
    return plan;
  }

  /**
   * Live progress as Server-Sent Events: first a `snapshot` of the durable state,
   * then one `progress` event per step or run transition, and `: keep-alive`
   * comments so proxies keep the stream open. The stream ends when the client goes,
   * or with a `shutdown` event when the gateway stops.
   */
  @Get(':planId/events')
  @RequireRole('viewer')
  async streamEvents(@Param('planId') planId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const tenantId = requestTenant();
    const snapshot = PLAN_ID.test(planId) ? await this.plans.read(tenantId, planId) : undefined;
    if (!snapshot) throw new NotFoundException(`plan ${planId} not found`);
    response.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.flushHeaders();
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // Subscribe before the snapshot, so nothing between the two is lost.
    const unwatch = await this.progress.watch(planId, (event) => send('progress', event), () => endEventStream(response));
    send('snapshot', {
      plan_id: snapshot.plan_id,
      status: snapshot.status,
      run: snapshot.run && { run_id: snapshot.run.run_id, status: snapshot.run.status, dry_run: snapshot.run.dry_run, dry_run_steps: snapshot.run.dry_run_steps },
      steps: snapshot.steps.map((step) => ({ step_id: step.step_id, sequence: step.sequence, name: step.name, status: step.status, mode: step.mode, dry_run_reason: step.dry_run_reason })),
    });
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(keepAlive);
      unwatch();
    });
    // Ended with a last `shutdown` event as soon as the gateway starts draining (the client reconnects elsewhere), not when the drain gives up on it.
    stopOnDrain(response, () => endEventStream(response));
  }

  @Get(':planId/evidence')
  @RequireRole('viewer')
  async downloadEvidence(@Param('planId') planId: string, @Res() response: Response): Promise<void> {
    if (!PLAN_ID.test(planId)) throw new NotFoundException(`plan ${planId} not found`);
    const file = await this.evidence.latest(requestTenant(), planId);
    response.status(200).set({
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="evidence_pack_${planId}.zip"`,
      'x-evidence-sha256': file.sha256,
      'x-evidence-run-id': file.runId,
      'x-evidence-signed': String(file.signed),
      ...(file.keyId ? { 'x-evidence-key-id': file.keyId } : {}),
    });
    createReadStream(file.path)
      .on('error', () => response.destroy())
      .pipe(response);
  }
}
