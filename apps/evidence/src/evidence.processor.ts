import { Controller } from '@nestjs/common';
import { JobPayload, JobResult, StepJobResult } from '@bf/contracts';
import { evidenceDuration } from '@bf/observability';
import { JobContext, JobHandler } from '@bf/queue';
import { StepRunner } from '@bf/step-sdk';
import { EvidencePackService } from './evidence-pack.service';
import { ValidateRunStep } from './validate-run.step';

@Controller()
export class EvidenceProcessor {
  constructor(
    private readonly runner: StepRunner,
    private readonly validate: ValidateRunStep,
    private readonly packs: EvidencePackService,
  ) {}

  @JobHandler('evidence', 'validation.run')
  validateRun(payload: JobPayload<'evidence', 'validation.run'>, job: JobContext): Promise<StepJobResult> {
    return this.runner.run(this.validate, payload, job);
  }

  @JobHandler('evidence', 'evidence.build')
  buildEvidencePack(payload: JobPayload<'evidence', 'evidence.build'>): Promise<JobResult<'evidence', 'evidence.build'>> {
    return timed('build', () => this.packs.build(payload.tenantId, payload.runId));
  }

  /** forge-sign's answer: the signed envelope, from which the pack is written. */
  @JobHandler('evidence', 'evidence.finalize')
  finalizeEvidencePack(payload: JobPayload<'evidence', 'evidence.finalize'>): Promise<JobResult<'evidence', 'evidence.finalize'>> {
    return timed('finalize', () => this.packs.finalize(payload));
  }

  /** Compensation of any step this worker runs, chosen by the step's action. */
  @JobHandler('evidence', 'step.rollback')
  rollbackStep(payload: JobPayload<'evidence', 'step.rollback'>, job: JobContext) {
    return this.runner.rollback([this.validate], payload, job);
  }
}

async function timed<T>(phase: 'build' | 'finalize', work: () => Promise<T>): Promise<T> {
  const stop = evidenceDuration.startTimer({ phase });
  try {
    return await work();
  } finally {
    stop();
  }
}
