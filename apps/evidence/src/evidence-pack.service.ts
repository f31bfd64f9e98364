import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { AuditEvent, newId, sha256Hex } from '@bf/contracts';
import { ArtifactEntity, BriefingEntity, buildExecutionResult, chainKeyOf, GraphResultReader, PlanView, PlanViewReader, queryAuditEvents, RunEntity } from '@bf/persistence';
import { JobProducer } from '@bf/queue';
import { EvidencePackBuilder, stableJson } from './evidence-pack.builder';

export interface BuiltPack {
  artifactId: string;
  path: string;
  sha256: string;
}

/**
 * Builds the evidence pack of a finished run (seed 000 "Evidence Pack"), stores
 * it under the evidence directory, records it as an artifact and asks forge-sign
 * to sign it. Idempotent: a run has one pack; a redelivered job returns it.
 */
@Injectable()
export class EvidencePackService {
  private readonly plans: PlanViewReader;
  private readonly graphs: GraphResultReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.plans = new PlanViewReader(dataSource);
    this.graphs = new GraphResultReader(dataSource);
  }

  async build(tenantId: string, runId: string): Promise<BuiltPack> {
    const existing = await this.dataSource.getRepository(ArtifactEntity).findOneBy({ runId, kind: 'evidence_pack' });
    if (existing) {
      await this.requestSignature(tenantId, runId, existing.id);
      return { artifactId: existing.id, path: existing.path, sha256: existing.sha256 };
    }
    const run = await this.dataSource.getRepository(RunEntity).findOneBy({ id: runId, tenantId });
    if (!run) throw new UnrecoverableError(`run ${runId} does not exist`);
    if (run.status === 'running' || !run.finishedAt) throw new Error(`run ${runId} has not finished yet`);
    const plan = await this.plans.read(tenantId, run.planId, run.id);
    if (!plan) throw new UnrecoverableError(`plan of run ${runId} is missing`);

    const events = await this.auditEvents(tenantId, plan.plan_id, runId);
    const pack = new EvidencePackBuilder().add('plan.json', stableJson({ ...plan, run: undefined }));
    await this.addOrigin(pack, tenantId, plan, runId);
    pack
      .add('risk_assessment.json', stableJson(plan.risk_assessment))
      .add('run.json', stableJson(plan.run))
      .add('audit_events.jsonl', Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join('')))
      .add('audit_chain.json', stableJson(await this.chainHead(plan.plan_id)));
    const stepFiles = await this.stepArtifacts(runId);
    for (const step of plan.steps) {
      const folder = `steps/step_${step.sequence}_${slug(step.name)}`;
      pack.add(`${folder}/step.json`, stableJson({ ...step, result: undefined, error: undefined }));
      pack.add(`${folder}/${step.error ? 'error' : 'result'}.json`, stableJson(step.error ?? step.result ?? { status: step.status }));
      for (const file of stepFiles.get(step.step_id) ?? []) {
        pack.add(file.name.startsWith('/') ? file.name.slice(1) : `${folder}/${file.name}`, await readFile(file.path));
      }
    }
    const zip = await pack.toZip(run.finishedAt);
    const path = join(this.config.storage.evidenceDir, plan.plan_id, `evidence_pack_${runId}.zip`);
    await writeAtomically(path, zip);

    const artifactId = newId('art');
    const sha256 = sha256Hex(zip);
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(ArtifactEntity)
      .values({ id: artifactId, tenantId, planId: plan.plan_id, runId, stepId: null, kind: 'evidence_pack', path, sha256, sizeBytes: String(zip.length), metadata: { dry_run: run.dryRun } as never })
      .orIgnore()
      .execute();
    const stored = await this.dataSource.getRepository(ArtifactEntity).findOneByOrFail({ runId, kind: 'evidence_pack' });
    await this.requestSignature(tenantId, runId, stored.id);
    return { artifactId: stored.id, path: stored.path, sha256: stored.sha256 };
  }

  /**
   * What the plan was made from: the briefing, or for a seed 001 graph plan the
   * graph spec and the run's ExecutionGraphResult (no timestamps of its own, so
   * the pack stays byte-reproducible).
   */
  private async addOrigin(pack: EvidencePackBuilder, tenantId: string, plan: PlanView, runId: string): Promise<void> {
    if (plan.source === 'graph') {
      const state = await this.graphs.state(tenantId, plan.plan_id, runId);
      if (!state) throw new UnrecoverableError(`graph plan of run ${runId} is missing`);
      pack.add('graph_spec.json', stableJson(state.plan.graphSpec)).add('execution_result.json', stableJson(buildExecutionResult(state)));
      return;
    }
    const briefing = plan.briefing_id && (await this.dataSource.getRepository(BriefingEntity).findOneBy({ id: plan.briefing_id }));
    if (!briefing) throw new UnrecoverableError(`briefing of run ${runId} is missing`);
    pack.add('briefing.json', stableJson(briefing.content));
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

  private async requestSignature(tenantId: string, runId: string, artifactId: string) {
    await this.producer.enqueue('forge-sign', 'evidence.sign', { tenantId, runId, artifactId }, { jobId: `sign.${artifactId}` });
  }

  /**
   * The head of the plan's audit hash chain when the pack was built. Signed with
   * the pack, it pins the chain: events removed from its end later are detectable.
   */
  private async chainHead(planId: string) {
    const chainKey = chainKeyOf('', planId);
    const [head] = await this.dataSource.query('SELECT hash, seq, count(*) OVER () AS events FROM audit_events WHERE chain_key = $1 ORDER BY seq DESC LIMIT 1', [chainKey]);
    return { chain_key: chainKey, head_hash: head?.hash ?? null, head_seq: head ? String(head.seq) : null, events_in_chain: head ? Number(head.events) : 0, algorithm: 'sha256 over canonical JSON of the event fields and prev_hash (README, Audit trail)' };
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

async function writeAtomically(path: string, content: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
