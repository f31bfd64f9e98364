import { readFile } from 'node:fs/promises';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditEvent, sha256Hex } from '@bf/contracts';
import { ArtifactEntity, BriefingEntity, chainKeyOf, GraphResultReader, PlanView, PlanViewReader, queryAuditEvents, RunEntity, StepRunEntity } from '@bf/persistence';
import { scrubSecrets } from './briefing-scrub';
import { EvidencePackBuilder, stableJson } from './evidence-pack.builder';

export const SCREENSHOT_PATH = 'screenshots/website_homepage.png';

/** What the report and the provenance need to know about the run, beyond the files. */
export interface RunFacts {
  tenantId: string;
  runId: string;
  plan: PlanView;
  run: RunEntity;
  /** The one timestamp of the pack: every ZIP entry, the PDF dates, the graph pack's generated_at. */
  stampedAt: Date;
  origin: { kind: 'briefing' | 'graph'; sha256: string };
  stepRuns: StepRunEntity[];
  screenshot: Buffer | null;
}

/**
 * Reads a finished run from PostgreSQL and lays out every pack file except the
 * report and the attestation. Deterministic on purpose: evidence.finalize calls
 * it again and must arrive at the statement forge-sign signed.
 */
export class PackAssembler {
  private readonly plans: PlanViewReader;
  private readonly graphs: GraphResultReader;

  constructor(private readonly dataSource: DataSource) {
    this.plans = new PlanViewReader(dataSource);
    this.graphs = new GraphResultReader(dataSource);
  }

  async assemble(tenantId: string, runId: string): Promise<{ pack: EvidencePackBuilder; facts: RunFacts }> {
    const run = await this.dataSource.getRepository(RunEntity).findOneBy({ id: runId, tenantId });
    if (!run) throw new UnrecoverableError(`run ${runId} does not exist`);
    if (run.status === 'running' || !run.finishedAt) throw new Error(`run ${runId} has not finished yet`);
    const plan = await this.plans.read(tenantId, run.planId, run.id);
    if (!plan) throw new UnrecoverableError(`plan of run ${runId} is missing`);

    const events = await this.auditEvents(tenantId, plan.plan_id, runId);
    const pack = new EvidencePackBuilder().add('plan.json', stableJson({ ...plan, run: undefined }));
    const origin = await this.addOrigin(pack, tenantId, plan, run);
    pack
      .add('risk_assessment.json', stableJson(plan.risk_assessment))
      .add('run.json', stableJson(plan.run))
      .add('audit_events.jsonl', Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join('')))
      .add('audit_chain.json', stableJson(await this.chainPosition(plan.plan_id, events)));
    const stepRuns = await this.dataSource.getRepository(StepRunEntity).findBy({ runId });
    await this.addSteps(pack, plan, runId, stepRuns);
    const screenshot = pack.files().find((entry) => entry.path === SCREENSHOT_PATH)?.content ?? null;
    return { pack, facts: { tenantId, runId, plan, run, stampedAt: run.finishedAt, origin, stepRuns, screenshot } };
  }

  private async addSteps(pack: EvidencePackBuilder, plan: PlanView, runId: string, stepRuns: StepRunEntity[]): Promise<void> {
    const stepFiles = await this.stepArtifacts(runId);
    for (const step of plan.steps) {
      const folder = `steps/step_${step.sequence}_${slug(step.name)}`;
      pack.add(`${folder}/step.json`, stableJson({ ...step, result: undefined, error: undefined }));
      pack.add(`${folder}/${step.error ? 'error' : 'result'}.json`, stableJson(step.error ?? step.result ?? { status: step.status }));
      const stepRun = stepRuns.find((candidate) => candidate.stepId === step.step_id);
      if (stepRun?.rollbackStatus) {
        pack.add(`${folder}/rollback.json`, stableJson({ status: stepRun.rollbackStatus, order: stepRun.rollbackOrder, result: stepRun.rollbackResult, error: stepRun.rollbackError }));
      }
      for (const file of stepFiles.get(step.step_id) ?? []) {
        pack.add(file.name.startsWith('/') ? file.name.slice(1) : `${folder}/${file.name}`, await readFile(file.path));
      }
    }
  }

  /**
   * What the plan was made from: the briefing without its credentials, or for a
   * seed 001 graph plan the graph spec, the run's ExecutionGraphResult and its
   * PipelineEvidencePack stamped with the run's end, so rebuilding gives the same bytes.
   */
  private async addOrigin(pack: EvidencePackBuilder, tenantId: string, plan: PlanView, run: RunEntity): Promise<RunFacts['origin']> {
    if (plan.source === 'graph') {
      const report = await this.graphs.report(tenantId, plan.plan_id, run.id, run.finishedAt ?? undefined);
      if (!report) throw new UnrecoverableError(`graph plan of run ${run.id} is missing`);
      const spec = stableJson(report.evidence_pack.graph_spec);
      pack.add('graph_spec.json', spec).add('execution_result.json', stableJson(report.execution_result)).add('pipeline_evidence.json', stableJson(report.evidence_pack));
      return { kind: 'graph', sha256: sha256Hex(spec) };
    }
    const briefing = plan.briefing_id && (await this.dataSource.getRepository(BriefingEntity).findOneBy({ id: plan.briefing_id }));
    if (!briefing) throw new UnrecoverableError(`briefing of run ${run.id} is missing`);
    const content = stableJson(scrubSecrets(briefing.content));
    pack.add('briefing.json', content);
    return { kind: 'briefing', sha256: sha256Hex(content) };
  }

  /** The files each step stored (StepArtifactStore), by step id. */
  private async stepArtifacts(runId: string): Promise<Map<string, Array<{ name: string; path: string }>>> {
    const rows = await this.dataSource.getRepository(ArtifactEntity).find({ where: { runId, kind: 'step_output' } });
    const byStep = new Map<string, Array<{ name: string; path: string }>>();
    for (const row of rows) {
      const files = byStep.get(row.stepId ?? '') ?? [];
      files.push({ name: String(row.metadata.name), path: row.path });
      byStep.set(row.stepId ?? '', files);
    }
    for (const files of byStep.values()) files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return byStep;
  }

  /**
   * Where this run's last event sits in the plan's audit hash chain. Signed with
   * the pack, it pins the chain up to the run; it is the run's last event rather
   * than the chain's current head so that a later run of the same plan does not
   * change this run's pack.
   */
  private async chainPosition(planId: string, events: AuditEvent[]) {
    const chainKey = chainKeyOf('', planId);
    const last = events[events.length - 1];
    const [row] = last ? await this.dataSource.query('SELECT seq FROM audit_events WHERE id = $1', [last.id]) : [];
    return {
      chain_key: chainKey,
      head_hash: last?.hash ?? null,
      head_seq: row ? String(row.seq) : null,
      events_in_pack: events.length,
      algorithm: 'sha256 over canonical JSON of the event fields and prev_hash (README, Audit trail)',
    };
  }

  /** The plan's own events (plan_generated) and this run's, in the order they were written. */
  private async auditEvents(tenantId: string, planId: string, runId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryAuditEvents(this.dataSource, { tenantId, planId, afterSeq: cursor, limit: 1000 });
      events.push(...page.events.filter((event) => !event.metadata.run_id || event.metadata.run_id === runId));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return events;
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 60);
}
