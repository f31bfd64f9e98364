import { BeforeApplicationShutdown, Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ActorBodySchema,
  ApprovalRequestBodySchema,
  ApproveBodySchema,
  ConnectorConfigBodySchema,
  CreateForgeJobSchema,
  ForgeJobListQuerySchema,
  ForgeStatsQuerySchema,
  listPluginTemplates,
  PackageListQuerySchema,
  PublishBodySchema,
  RevokeBodySchema,
} from '@bf/forge';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { endEventStream, stopOnDrain } from '@bf/runtime';
import { RequireRole } from '../http/auth.decorators';
import { validated } from '../http/validate';
import { forgeActor, forgeTenant } from './forge-actor';
import { ForgeApprovalsService } from './forge-approvals.service';
import { ForgeJobsService } from './forge-jobs.service';
import { ForgePackagesService } from './forge-packages.service';
import { RunRow } from './forge-views';

/** How often a log stream looks for new lines: the durable log is the database row. */
const LOG_POLL_MS = 250;

/** Seed 002's plugin forge API under /api/v1/forge. */
@Controller('api/v1/forge')
@RequireRole('viewer')
export class ForgeController implements BeforeApplicationShutdown {
  /** Open log streams: ended when the gateway stops, or an open SSE response would hold the HTTP server (and the process) open. */
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly jobs: ForgeJobsService,
    private readonly packages: ForgePackagesService,
    private readonly approvals: ForgeApprovalsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('templates')
  async templates() {
    const manifests = await listPluginTemplates(this.config.storage.templatesDir);
    return { templates: manifests.map((m) => ({ template_id: m.template_id, version: m.version, cms: m.cms, name: m.name, description: m.description, parameters: m.parameters })) };
  }

  @Post('jobs')
  @RequireRole('operator')
  async createJob(@Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const request = validated(CreateForgeJobSchema, body, 'forge job');
    const { created, job } = await this.jobs.create(forgeActor(request.requested_by), request);
    response.status(created ? 201 : 200);
    return job;
  }

  @Get('jobs')
  listJobs(@Query() query: unknown) {
    return this.jobs.list(forgeTenant(), validated(ForgeJobListQuerySchema, query, 'query'));
  }

  @Get('jobs/:jobId')
  job(@Param('jobId') jobId: string) {
    return this.jobs.view(forgeTenant(), jobId);
  }

  /**
   * The job's log. While the job is queued or running: Server-Sent Events, one
   * `log` event per new line and a `step` event per step status change, then
   * `end` with the job's final status. After: the full log as JSON.
   */
  @Get('jobs/:jobId/logs')
  async logs(@Param('jobId') jobId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const tenantId = forgeTenant();
    const job = await this.jobs.job(tenantId, jobId);
    if (this.jobs.isEnded(job.status)) {
      const runs = await this.jobs.runs(tenantId, job.id);
      response.status(200).json({ job_id: job.id, status: job.status, failure_reason: job.failure_reason, steps: runs.map((run) => ({ step: run.step, status: run.status, duration_ms: run.duration_ms, lines: run.logs.split('\n').filter(Boolean) })) });
      return;
    }
    response.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.flushHeaders();
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let closed = false;
    const stop = () => {
      closed = true;
    };
    this.streams.add(stop);
    request.on('close', stop);
    // The gateway's HTTP drain ends the stream at once with a last `shutdown` event (the client reconnects and gets the durable log); the poll loop sees `closed` and stops.
    stopOnDrain(response, () => {
      stop();
      endEventStream(response);
    });
    try {
      await this.followLog(tenantId, job.id, send, () => closed, () => response.write(': keep-alive\n\n'));
    } catch {
      // The database went away mid-stream (shutdown): the client reconnects and gets the durable log.
    } finally {
      this.streams.delete(stop);
      response.end();
    }
  }

  beforeApplicationShutdown(): void {
    for (const stop of [...this.streams]) stop();
  }

  private async followLog(tenantId: string, jobId: string, send: (event: string, data: unknown) => void, closed: () => boolean, keepAlive: () => void): Promise<void> {
    const sent = new Map<string, { lines: number; status: string }>();
    for (let pass = 1; !closed(); pass += 1) {
      // A comment every ~15 s, so proxies keep a quiet stream open.
      if (pass % Math.round(15_000 / LOG_POLL_MS) === 0) keepAlive();
      // Status first, then the runs: a job's end is written after its last run row, so runs read after an ended status are complete.
      const now = (await this.jobs.status(tenantId, jobId))!;
      const runs: RunRow[] = await this.jobs.runs(tenantId, jobId);
      for (const run of runs) {
        const seen = sent.get(run.step) ?? { lines: 0, status: '' };
        const lines = run.logs.split('\n').filter(Boolean);
        for (const line of lines.slice(seen.lines)) send('log', { step: run.step, line });
        if (run.status !== seen.status) send('step', { step: run.step, status: run.status, duration_ms: run.duration_ms, error: run.error });
        sent.set(run.step, { lines: lines.length, status: run.status });
      }
      if (this.jobs.isEnded(now.status)) {
        send('end', { job_id: jobId, status: now.status, failure_reason: now.failure_reason });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, LOG_POLL_MS));
    }
  }

  @Post('jobs/:jobId/cancel')
  @HttpCode(200)
  @RequireRole('operator')
  cancel(@Param('jobId') jobId: string, @Body() body: unknown) {
    const actor = validated(ActorBodySchema, body, 'cancel request');
    return this.jobs.cancel(forgeActor(actor.actor ?? actor.requested_by), jobId);
  }

  @Post('jobs/:jobId/retry')
  @RequireRole('operator')
  retry(@Param('jobId') jobId: string, @Body() body: unknown) {
    const actor = validated(ActorBodySchema, body, 'retry request');
    return this.jobs.retry(forgeActor(actor.requested_by ?? actor.actor), jobId);
  }

  @Get('stats')
  stats(@Query() query: unknown) {
    return this.jobs.stats(forgeTenant(), validated(ForgeStatsQuerySchema, query, 'query').days);
  }

  @Get('packages')
  listPackages(@Query() query: unknown) {
    return this.packages.list(forgeTenant(), validated(PackageListQuerySchema, query, 'query'));
  }

  @Get('packages/:packageId')
  package(@Param('packageId') packageId: string) {
    return this.packages.view(forgeTenant(), packageId);
  }

  /** The signed ZIP; the DSSE envelope in `x-forge-dsse` (base64 of its JSON), as on /signature. 410 once revoked. */
  @Get('packages/:packageId/download')
  async download(@Param('packageId') packageId: string, @Res() response: Response): Promise<void> {
    const archive = await this.packages.signedArchive(forgeTenant(), packageId);
    response.status(200).set({
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${archive.fileName}"`,
      'x-forge-package-sha256': archive.sha256,
      'x-forge-key-id': archive.keyId,
      'x-forge-dsse': Buffer.from(JSON.stringify(archive.envelope)).toString('base64'),
    });
    response.end(archive.bytes);
  }

  /** The package's DSSE envelope and the public key that verifies it. 410 once revoked. */
  @Get('packages/:packageId/signature')
  async signature(@Param('packageId') packageId: string) {
    const archive = await this.packages.signedArchive(forgeTenant(), packageId);
    return { package_id: packageId, file: archive.fileName, sha256: archive.sha256, key_id: archive.keyId, public_key_pem: archive.publicKeyPem, envelope: archive.envelope };
  }

  @Post('packages/:packageId/revoke')
  @HttpCode(200)
  @RequireRole('admin')
  revoke(@Param('packageId') packageId: string, @Body() body: unknown) {
    const request = validated(RevokeBodySchema, body, 'revocation');
    return this.packages.revoke(forgeActor(request.revoked_by), packageId, request.reason);
  }

  @Post('packages/:packageId/publish')
  @HttpCode(201)
  @RequireRole('operator')
  publish(@Param('packageId') packageId: string, @Body() body: unknown) {
    const request = validated(PublishBodySchema, body, 'publication');
    return this.packages.publish(forgeActor(request.published_by), packageId, request);
  }

  @Get('connectors')
  connectors() {
    return this.packages.connectors(forgeTenant()).then((connectors) => ({ connectors }));
  }

  /** Admin: which tenant secret (by name, `secret_ref`) holds an external connector's credentials; null removes it. */
  @Put('connectors/:connectorId')
  @RequireRole('admin')
  configureConnector(@Param('connectorId') connectorId: string, @Body() body: unknown) {
    const request = validated(ConnectorConfigBodySchema, body, 'connector configuration');
    return this.packages.configureConnector(forgeActor(), connectorId, request.secret_ref);
  }

  @Post('approvals')
  @RequireRole('operator')
  async requestApproval(@Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const request = validated(ApprovalRequestBodySchema, body, 'approval request');
    const { created, approval } = await this.approvals.request(forgeActor(request.requested_by), request.package_id, request.note);
    response.status(created ? 201 : 200);
    return approval;
  }

  @Get('approvals/:approvalId')
  approval(@Param('approvalId') approvalId: string) {
    return this.approvals.get(forgeTenant(), approvalId);
  }

  @Post('approvals/:approvalId/approve')
  @HttpCode(200)
  @RequireRole('approver')
  approve(@Param('approvalId') approvalId: string, @Body() body: unknown) {
    const request = validated(ApproveBodySchema, body, 'approval');
    return this.approvals.approve(forgeActor(request.approver), approvalId, request.note);
  }
}
