import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BusinessIntentInputSchema, ExecutionGraphResult, ExecutionGraphSpecSchema, pipelineContentHash, PipelineEvidencePackSchema, ResolvedBusinessIntent } from '@bf/contracts';
import { GraphRunReport } from '@bf/persistence';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { GraphRunning, GraphRunService } from './graph-run.service';
import { IntentClient } from './intent.client';

/** Seed 001 routes under /api/pipeline. */
@Controller('api/pipeline')
export class PipelineController {
  constructor(
    private readonly intents: IntentClient,
    private readonly graphs: GraphRunService,
  ) {}

  @Post('intent/resolve')
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
  async execute(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<ExecutionGraphResult | GraphRunning> {
    const spec = { ...validated(ExecutionGraphSpecSchema, body, 'execution graph'), dry_run: false };
    const outcome = await this.graphs.run(requestTenant(), spec);
    response.status(outcome.settled ? 200 : 202);
    return outcome.settled ? outcome.report.execution_result : outcome.running;
  }

  /** Seed 001 S8.6: recompute a PipelineEvidencePack's content hash and compare it with the one it carries. */
  @Post('evidence/verify')
  @HttpCode(200)
  verifyEvidence(@Body() body: unknown): { valid: boolean; expected_hash: string; computed_hash: string } {
    const pack = validated(PipelineEvidencePackSchema, body, 'evidence pack');
    const computed = pipelineContentHash(pack);
    return { valid: computed === pack.content_hash, expected_hash: pack.content_hash, computed_hash: computed };
  }
}
