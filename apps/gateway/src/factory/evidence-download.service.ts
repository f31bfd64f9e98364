import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArtifactEntity, PlanEntity, RunEntity } from '@bf/persistence';

export interface EvidenceFile {
  path: string;
  sha256: string;
  runId: string;
  /** Only finalized packs are recorded, and finalizing means forge-sign's envelope verified. */
  signed: boolean;
  keyId: string | null;
}

/** Finds the signed evidence pack of a plan's latest finished run. */
@Injectable()
export class EvidenceDownloadService {
  constructor(private readonly dataSource: DataSource) {}

  async latest(tenantId: string, planId: string): Promise<EvidenceFile> {
    const plan = await this.dataSource.getRepository(PlanEntity).findOneBy({ id: planId, tenantId });
    if (!plan) throw new NotFoundException(`plan ${planId} not found`);
    const run = await this.dataSource.getRepository(RunEntity).findOne({ where: { planId, tenantId }, order: { startedAt: 'DESC' } });
    if (!run) throw new NotFoundException(`plan ${planId} has not been executed, so it has no evidence pack`);
    if (run.status === 'running') throw new ConflictException(`run ${run.id} is still executing; the evidence pack is built when it ends`);
    const pack = await this.dataSource.getRepository(ArtifactEntity).findOneBy({ runId: run.id, kind: 'evidence_pack' });
    if (!pack) throw new ConflictException(`the evidence pack of run ${run.id} is being built and signed; retry in a moment`);
    const keyId = typeof pack.metadata.key_id === 'string' ? pack.metadata.key_id : null;
    return { path: pack.path, sha256: pack.sha256, runId: run.id, signed: keyId !== null, keyId };
  }
}
