import { BadRequestException, Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { BusinessIntentInputSchema, ExecutionGraphResult, ExecutionGraphSpecSchema, PipelineEvidencePack, PipelineEvidencePackSchema, ResolvedBusinessIntent } from '@bf/contracts';
import { GraphRunReport } from '@bf/persistence';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { GraphRunning, GraphRunService } from './graph-run.service';
import { EvidenceService, JsonPackVerdict, ZipPackVerdict } from './evidence.service';
import { IntentClient } from './intent.client';
import { SigningKeyRegistry } from './signing-key.registry';
import { RequireRole } from '../http/auth.decorators';

/** Seed 001 `evidence/generate` input: the result names the stored run; the intent and spec it may carry are not evidence. */
const GenerateEvidenceSchema = z.object({
  execution_result: z.object({ plan_id: z.string().min(1), run_id: z.string().min(1) }).passthrough(),
  business_intent: z.unknown().optional(),
  graph_spec: z.unknown().optional(),
}).strict();

/** Seed 001 routes under /api/pipeline. */
@Controller('api/pipeline')
export class PipelineController {
  private readonly evidence: EvidenceService;

  constructor(
    private readonly intents: IntentClient,
    private readonly graphs: GraphRunService,
    dataSource: DataSource,
  ) {
    this.evidence = new EvidenceService(dataSource, new SigningKeyRegistry(dataSource));
  }

  @Post('intent/resolve')
  @RequireRole('operator')
  @HttpCode(200)
  async resolveIntent(@Body() body: unknown): Promise<ResolvedBusinessIntent> {
    const input = validated(BusinessIntentInputSchema, body, 'business intent');
    return (await this.intents.resolve(requestTenant(), input)).intent;
  }

  /**
   * Seed 001: simulate a graph (dry_run forced true): 200 with
   * `{execution_result, evidence_pack, dry_run_report}` once the run has settled,
   * or 202 with where to follow it if it has not within PLAN_WAIT_MS.
   */
  @Post('dry-run')
  @RequireRole('operator')
  async dryRun(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<GraphRunReport | GraphRunning> {
    const spec = { ...validated(ExecutionGraphSpecSchema, body, 'execution graph'), dry_run: true };
    const outcome = await this.graphs.run(requestTenant(), spec);
    response.status(outcome.settled ? 200 : 202);
    return outcome.settled ? outcome.report : outcome.running;
  }

  /**
   * Seed 001: run a graph live (dry_run forced false). 503 in SAFE_MODE; 422 when
   * the preflight refuses, with every reason, before anything is recorded.
   */
  @Post('execute')
  @RequireRole('operator')
  async execute(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<ExecutionGraphResult | GraphRunning> {
    const spec = { ...validated(ExecutionGraphSpecSchema, body, 'execution graph'), dry_run: false };
    const outcome = await this.graphs.run(requestTenant(), spec);
    response.status(outcome.settled ? 200 : 202);
    return outcome.settled ? outcome.report.execution_result : outcome.running;
  }

  /** Seed 001 S8.6: the PipelineEvidencePack of a stored graph run, rebuilt from the database (404 if the run is unknown). */
  @Post('evidence/generate')
  @RequireRole('viewer')
  @HttpCode(200)
  generateEvidence(@Body() body: unknown): Promise<PipelineEvidencePack> {
    const { execution_result: result } = validated(GenerateEvidenceSchema, body, 'evidence request');
    return this.evidence.generate(requestTenant(), result.plan_id, result.run_id);
  }

  /**
   * Seed 001 S8.6 and issue 8: a PipelineEvidencePack (JSON) has its content hash
   * recomputed; an evidence ZIP (application/zip) gets every check of
   * @bf/evidence-verify against the signing_keys registry, with the statement's
   * signed and found sha256 as expected/computed hash.
   */
  @Post('evidence/verify')
  @RequireRole('viewer')
  @HttpCode(200)
  verifyEvidence(@Body() body: unknown): JsonPackVerdict | Promise<ZipPackVerdict> {
    if (Buffer.isBuffer(body)) {
      if (!body.length) throw new BadRequestException('empty evidence ZIP');
      return this.evidence.verifyZip(body);
    }
    return this.evidence.verifyJson(validated(PipelineEvidencePackSchema, body, 'evidence pack'));
  }
}
