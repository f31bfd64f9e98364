import { Injectable } from '@nestjs/common';
import { liveUnavailableReason } from '@bf/contracts';
import { PreflightCheck, PreflightResult, PreflightSubject } from './preflight-check';

/**
 * A live run needs a live mode for every step it has (libs/contracts says which
 * actions have one), unless the caller asked for the steps that cannot run live
 * to run as dry runs: those pass, and say so, so the report shows the mix.
 */
@Injectable()
export class LiveCapabilityCheck implements PreflightCheck {
  readonly name = 'live';

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun) return [];
    return subject.steps.map((step) => {
      const check = `live:${step.action}`;
      if (step.dryRunReason) return { check, passed: true, detail: `${step.name} will run as a dry run: ${step.dryRunReason}` };
      const reason = liveUnavailableReason(step.action);
      return { check, passed: reason === null, detail: reason ?? `${step.name} can run live` };
    });
  }
}
