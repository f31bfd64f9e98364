import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArtifactEntity, PlanEntity, RunEntity } from '@bf/persistence';

export interface EvidenceFile {
  path: string;
  sha256: string;
  runId: string;
  signed: boolean;
}

/** Finds the evidence pack of a plan's latest finished run. */
@Injectable()
export class EvidenceDownloadService {
  constructor(private readonly dataSource: DataSource) {}

  async latest(tenantId: string, planId: string): Promise<EvidenceFile> {
    const plan = await this.dataSource.getRepository(PlanEntity).findOneBy({ id: planId, tenantId });
    if (!plan) throw new NotFoundException(`plan ${planId} not found`);
    const run = await this.dataSource.getRepository(RunEntity).findOne({ where: { planId, tenantId }, order: { startedAt: 'DESC' } });
    if (!run) throw new NotFoundException(`plan ${planId} has not been executed, so it has no evidence pack`);
    if (run.status === 'running') throw new ConflictException(`run ${run.id} is still executing; the evidence pack is built when it ends`);
    const artifacts = await this.dataSource.getRepository(ArtifactEntity).findBy({ runId: run.id });
    const pack = artifacts.find((artifact) => artifact.kind === 'evidence_pack');
    if (!pack) throw new ConflictException(`the evidence pack of run ${run.id} is being built; retry in a moment`);
    return { path: pack.path, sha256: pack.sha256, runId: run.id, signed: artifacts.some((artifact) => artifact.kind === 'evidence_signature') };
  }
}
