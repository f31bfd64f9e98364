import { Controller, Inject } from '@nestjs/common';
import { JobPayload, JobResult } from '@bf/contracts';
import { evidenceDuration } from '@bf/observability';
import { JobHandler } from '@bf/queue';
import { DsseSignerService } from './dsse-signer.service';
import { SigningKeyStore } from './signing-key.store';

@Controller()
export class ForgeSignProcessor {
  constructor(
    private readonly signer: DsseSignerService,
    @Inject(SigningKeyStore) private readonly keys: SigningKeyStore,
  ) {}

  @JobHandler('forge-sign', 'evidence.sign')
  signStatement(payload: JobPayload<'forge-sign', 'evidence.sign'>): Promise<JobResult<'forge-sign', 'evidence.sign'>> {
    const stop = evidenceDuration.startTimer({ phase: 'sign' });
    return this.signer.sign(payload).finally(() => stop());
  }

  @JobHandler('forge-sign', 'keys.rotate')
  rotateKey(payload: JobPayload<'forge-sign', 'keys.rotate'>): Promise<JobResult<'forge-sign', 'keys.rotate'>> {
    return this.keys.rotate(payload.fromKeyId);
  }
}
