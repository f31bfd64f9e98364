import { Inject, Injectable, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ExecutionGraphSpec, graphPlanContent, newId, validateExecutionGraph } from '@bf/contracts';
import { GraphResultReader, GraphRunReport, isGraphRunSettled } from '@bf/persistence';
import { ExecutionService, preflightFailed } from '../factory/execution.service';
import { PreflightService } from '../factory/preflight';
import { GraphPlanWriter } from './graph-plan.writer';
import { DomainClaims, domainsOfSteps } from '../domains/domain-claims';

/** Where to follow a graph run that had not settled when the request's wait ran out. */
export interface GraphRunning {
  graph_id: string;
  plan_id: string;
  run_id: string;
  status: 'running';
  links: Record<'result' | 'plan' | 'events' | 'evidence' | 'audit', string>;
}

export type GraphRunOutcome = { settled: true; report: GraphRunReport } | { settled: false; running: GraphRunning };

/**
 * The execution order of a seed 001 graph, or a 422 naming every bad node by
 * path (cycle, missing dependency, executor_params): shared by the validate,
 * dry-run and execute routes so they always agree.
 */
export function graphOrderOrFail(spec: ExecutionGraphSpec): string[] {
  const outcome = validateExecutionGraph(spec);
  if (!outcome.ok) throw new UnprocessableEntityException({ message: `invalid execution graph: ${outcome.errors.map((e) => e.message).join('; ')}`, details: outcome.errors });
  return outcome.order;
}

/**
 * Seed 001 `POST /api/pipeline/dry-run` and `/execute`: a graph runs on the same
 * engine as a planned briefing. It is validated, preflighted (422 with nothing
 * recorded), stored as a plan of source 'graph', started by ExecutionService,
 * and waited for (at most PLAN_WAIT_MS) until it has settled.
 */
@Injectable()
export class GraphRunService {
  private readonly results: GraphResultReader;

  constructor(
    dataSource: DataSource,
    private readonly writer: GraphPlanWriter,
    private readonly executions: ExecutionService,
    private readonly preflight: PreflightService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly claims: DomainClaims,
  ) {
    this.results = new GraphResultReader(dataSource);
  }

  async run(tenantId: string, spec: ExecutionGraphSpec): Promise<GraphRunOutcome> {
    // Seed 001 wording; planning checks and dry runs stay available in safe mode.
    if (!spec.dry_run && this.config.safeMode) throw new ServiceUnavailableException('Pipeline execution blocked: System in SAFE MODE');
    const order = graphOrderOrFail(spec);
    const content = graphPlanContent(spec, order, () => newId('step'));
    // Another tenant's domain is refused before the preflight probes its DNS zone; the writer claims it.
    await this.claims.assertNotTaken(tenantId, domainsOfSteps(content.steps));
    // Checked before anything is stored: a refused graph leaves no plan and no run behind.
    const preflight = await this.preflight.run({
      planId: `graph:${spec.graph_id}`,
      tenantId,
      dryRun: spec.dry_run,
      steps: content.steps.map((step) => ({ stepId: step.step_id, name: step.name, action: step.action, templateId: step.template_id, parameters: step.parameters })),
    });
    if (!preflight.passed) throw preflightFailed(preflight);
    const planId = await this.writer.write(tenantId, spec, content);
    const { run_id: runId } = await this.executions.start(tenantId, planId, { checked: preflight });
    if (!(await this.waitUntilSettled(tenantId, planId, runId))) {
      return { settled: false, running: { graph_id: spec.graph_id, plan_id: planId, run_id: runId, status: 'running', links: graphLinks(planId) } };
    }
    return { settled: true, report: (await this.results.report(tenantId, planId, runId))! };
  }

  /** The result so far of a graph plan's latest run (`GET /api/v1/graphs/{plan_id}/result`). */
  report(tenantId: string, planId: string): Promise<GraphRunReport | undefined> {
    return this.results.report(tenantId, planId);
  }

  private async waitUntilSettled(tenantId: string, planId: string, runId: string): Promise<boolean> {
    const deadline = Date.now() + this.config.planner.waitMs;
    for (;;) {
      const state = await this.results.state(tenantId, planId, runId);
      if (state && isGraphRunSettled(state)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export function graphLinks(planId: string): GraphRunning['links'] {
  return {
    result: `/api/v1/graphs/${planId}/result`,
    plan: `/api/factory/${planId}`,
    events: `/api/factory/${planId}/events`,
    evidence: `/api/factory/${planId}/evidence`,
    audit: `/api/sovereign/audit/events?plan_id=${planId}`,
  };
}
