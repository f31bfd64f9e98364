import { Controller } from '@nestjs/common';
import { JobPayload, JobResult } from '@bf/contracts';
import { JobHandler } from '@bf/queue';
import { EvidenceSignerService } from './evidence-signer.service';

@Controller()
export class ForgeSignProcessor {
  constructor(private readonly signer: EvidenceSignerService) {}

  @JobHandler('forge-sign', 'evidence.sign')
  signEvidencePack(payload: JobPayload<'forge-sign', 'evidence.sign'>): Promise<JobResult<'forge-sign', 'evidence.sign'>> {
    return this.signer.sign(payload.tenantId, payload.runId, payload.artifactId);
  }
}
