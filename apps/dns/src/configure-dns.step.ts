import { liveUnavailableReason } from '@bf/contracts';
import { Injectable } from '@nestjs/common';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';

/** Creates the records that point the domain at the web host (seed 000 step "Configure DNS"). */
@Injectable()
export class ConfigureDnsStep implements StepExecutor {
  readonly action = 'dns.configure' as const;

  async dryRun(context: StepContext): Promise<StepOutcome> {
    const domain = String(context.parameters.domain);
    const ttl = Number(context.parameters.ttl ?? 3600);
    const target = context.runState.deployed_domain;
    if (target !== domain) {
      throw new PermanentStepError(`the run has not deployed ${domain} (deployed: ${String(target ?? 'nothing')})`);
    }
    const records = [
      { name: `${domain}.`, type: 'A', content: '<web host address>', ttl },
      { name: `www.${domain}.`, type: 'CNAME', content: `${domain}.`, ttl },
    ];
    return {
      result: { mode: 'dry_run', would: `create ${records.length} record(s) in the zone of ${domain}`, records },
      outputs: { dns_records: records.map((r) => `${r.name} ${r.type}`) },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    return dryRunCompensation(this.action, context, 'delete the DNS records this step created (propagation delay applies)');
  }

  async execute(): Promise<StepOutcome> {
    throw new PermanentStepError(liveUnavailableReason(this.action)!);
  }
}
