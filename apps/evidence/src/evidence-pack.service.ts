import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { IN_TOTO_PAYLOAD_TYPE, JobPayload, JobResult, sha256Hex } from '@bf/contracts';
import { ArtifactEntity } from '@bf/persistence';
import { JobProducer } from '@bf/queue';
import { writeAtomically } from '@bf/step-sdk';
import { addAttestation } from './attestation-files';
import { EvidencePackBuilder } from './evidence-pack.builder';
import { PackAssembler, RunFacts } from './pack-assembler';
import { provenanceStatement, SignableStatement } from './provenance';
import { renderValidationReport, REPORT_PATH } from './validation-report';
import { VERIFY_MD } from './verify-doc';

/**
 * The evidence pack of a finished run (seed 000 "Evidence Pack"), in two jobs:
 * evidence.build lays the pack out and asks forge-sign to sign its statement;
 * evidence.finalize lays it out again, checks it is the statement that was
 * signed, and writes the ZIP. Nothing unsigned is ever stored, so a pack on
 * disk is always a finished one. Both jobs are idempotent: a run has one pack.
 */
const REPORT_CACHE_SIZE = 64;

@Injectable()
export class EvidencePackService {
  private readonly assembler: PackAssembler;
  /** Rendered reports by content hash, oldest first: enough for the packs between their build and their finalize. */
  private readonly reports = new Map<string, Buffer>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.assembler = new PackAssembler(dataSource);
  }

  async build(tenantId: string, runId: string): Promise<JobResult<'evidence', 'evidence.build'>> {
    const existing = await this.finalized(runId);
    if (existing) return { statementSha256: String(existing.metadata.statement_sha256), subjects: Number(existing.metadata.subjects ?? 0) };
    const { statement } = await this.layOut(tenantId, runId);
    await this.requestSignature(tenantId, runId, statement);
    return { statementSha256: statement.sha256, subjects: statement.subjects };
  }

  async finalize(signed: JobPayload<'evidence', 'evidence.finalize'>): Promise<JobResult<'evidence', 'evidence.finalize'>> {
    const existing = await this.finalized(signed.runId);
    if (existing) return { artifactId: existing.id, path: existing.path, sha256: existing.sha256 };
    const { pack, facts, statement } = await this.layOut(signed.tenantId, signed.runId);
    if (statement.sha256 !== signed.statementSha256) {
      // The run's stored state changed between build and finalize (a rollback, say): this signature is over
      // something else. Ask for one over what the run is now, and fail this job where operators see it.
      await this.requestSignature(signed.tenantId, signed.runId, statement);
      throw new UnrecoverableError(`evidence of run ${signed.runId} no longer matches the signed statement: signed ${signed.statementSha256}, rebuilt ${statement.sha256}; a signature of the rebuilt statement was requested`);
    }
    addAttestation(pack, { statement: statement.bytes, envelope: signed.envelope, keyId: signed.keyId, publicKeyPem: signed.publicKeyPem });
    const zip = await pack.toZip(facts.stampedAt);
    const path = join(this.config.storage.evidenceDir, facts.plan.plan_id, `evidence_pack_${signed.runId}.zip`);
    await writeAtomically(path, zip);
    await this.record(facts, path, zip, { key_id: signed.keyId, statement_sha256: statement.sha256, dry_run: facts.run.dryRun, subjects: statement.subjects });
    const stored = await this.dataSource.getRepository(ArtifactEntity).findOneByOrFail({ runId: signed.runId, kind: 'evidence_pack' });
    return { artifactId: stored.id, path: stored.path, sha256: stored.sha256 };
  }

  /** Every file the statement covers, and the statement: the same bytes each time for the same run. */
  private async layOut(tenantId: string, runId: string): Promise<{ pack: EvidencePackBuilder; facts: RunFacts; statement: SignableStatement }> {
    const { pack, facts } = await this.assembler.assemble(tenantId, runId);
    pack.add('VERIFY.md', Buffer.from(VERIFY_MD));
    const contentHash = sha256Hex(pack.checksums());
    pack.add(REPORT_PATH, await this.report(facts, contentHash));
    return { pack, facts, statement: provenanceStatement(pack.digests(), facts) };
  }

  /**
   * The report is rendered from the run and the hash of every other file, so
   * the same hash means the same PDF: finalize re-lays out the pack build laid
   * out a moment ago (to catch a run that changed in between) without paying
   * for the PDF twice.
   */
  private async report(facts: RunFacts, contentHash: string): Promise<Buffer> {
    const cached = this.reports.get(contentHash);
    if (cached) return cached;
    const rendered = await renderValidationReport({ facts, contentHash });
    this.reports.set(contentHash, rendered);
    if (this.reports.size > REPORT_CACHE_SIZE) this.reports.delete(this.reports.keys().next().value!);
    return rendered;
  }

  /** The job id names the statement, so a repeated build is a no-op and a changed run gets a fresh request. */
  private async requestSignature(tenantId: string, runId: string, statement: SignableStatement): Promise<void> {
    await this.producer.enqueue(
      'forge-sign',
      'evidence.sign',
      { tenantId, runId, payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement.bytes.toString('base64'), statementSha256: statement.sha256 },
      { jobId: `sign.${runId}.${statement.sha256.slice(0, 16)}` },
    );
  }

  private finalized(runId: string): Promise<ArtifactEntity | null> {
    return this.dataSource.getRepository(ArtifactEntity).findOneBy({ runId, kind: 'evidence_pack' });
  }

  private async record(facts: RunFacts, path: string, zip: Buffer, metadata: Record<string, unknown>): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(ArtifactEntity)
      // One id per run, so a concurrent second finalize collides on the key instead of adding a second pack.
      .values({ id: `art_${sha256Hex(`evidence_pack\0${facts.runId}`).slice(0, 24)}`, tenantId: facts.tenantId, planId: facts.plan.plan_id, runId: facts.runId, stepId: null, kind: 'evidence_pack', path, sha256: sha256Hex(zip), sizeBytes: String(zip.length), metadata: metadata as never })
      .orIgnore()
      .execute();
  }
}
