import { Injectable } from '@nestjs/common';
import { liveUnavailableReason } from '@bf/contracts';
import { PreflightCheck, PreflightResult, PreflightSubject } from './preflight-check';

/** A live run needs a live mode for every step it has (libs/contracts says which actions have one). */
@Injectable()
export class LiveCapabilityCheck implements PreflightCheck {
  readonly name = 'live';

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun) return [];
    return subject.steps.map((step) => {
      const reason = liveUnavailableReason(step.action);
      return { check: `live:${step.action}`, passed: reason === null, detail: reason ?? `${step.name} can run live` };
    });
  }
}
