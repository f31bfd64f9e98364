import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PipelineEvidencePack, pipelineContentHash, PipelineEvidencePackInput } from '@bf/contracts';
import { verifyEvidencePack, VerifyResult } from '@bf/evidence-verify';
import { GraphResultReader } from '@bf/persistence';
import { SigningKeyRegistry } from './signing-key.registry';

export interface JsonPackVerdict {
  valid: boolean;
  expected_hash: string;
  computed_hash: string;
}

export type ZipPackVerdict = Pick<VerifyResult, 'valid' | 'checks' | 'key_id' | 'key_trust' | 'expected_hash' | 'computed_hash'>;

/** Seed 001 S8.6 behind `/api/pipeline/evidence/*`: packs are generated from stored runs and verified against the key registry. */
@Injectable()
export class EvidenceService {
  private readonly results: GraphResultReader;

  constructor(
    dataSource: DataSource,
    private readonly keys: SigningKeyRegistry,
  ) {
    this.results = new GraphResultReader(dataSource);
  }

  /**
   * The pack is rebuilt from what the database recorded for the run the result
   * names, never from the result as posted: evidence a caller could edit would prove nothing.
   */
  async generate(tenantId: string, planId: string, runId: string): Promise<PipelineEvidencePack> {
    const report = await this.results.report(tenantId, planId, runId);
    if (!report) throw new NotFoundException(`no graph run ${runId} of plan ${planId}`);
    return report.evidence_pack;
  }

  verifyJson(pack: PipelineEvidencePackInput): JsonPackVerdict {
    const computed = pipelineContentHash(pack);
    return { valid: computed === pack.content_hash, expected_hash: pack.content_hash, computed_hash: computed };
  }

  /** A ZIP is checked against the registry's keys only; the pack's own key proves nothing about who signed it. */
  async verifyZip(zip: Buffer): Promise<ZipPackVerdict> {
    const result = await verifyEvidencePack(zip, { trustedKeys: await this.keys.trustedKeys() });
    return { valid: result.valid, checks: result.checks, key_id: result.key_id, key_trust: result.key_trust, expected_hash: result.expected_hash, computed_hash: result.computed_hash };
  }
}
