import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import {
  candidateZones,
  checkSafetyThreshold,
  DNS_PROVIDER,
  DnsProvider,
  DnsProviderError,
  DnsZone,
  dnsSecrets,
  planRecordChanges,
  RecordChange,
  RecordPlan,
  redactSecrets,
  registrableDomain,
  SafetyThresholdError,
  sameRecordSet,
} from '@bf/dns';
import { dryRunCompensation, PermanentStepError, StepArtifact, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { DnsChangeJournal } from './dns-change.journal';
import { DnsVerification, DnsVerifier } from './dns-verifier';
import { desiredRecordSets, DnsStepParameters } from './desired-records';
import { StepDnsProviders } from './step-dns-provider';

/** What a live run records; rollback works from it alone. */
interface AppliedDns {
  provider: string;
  zone: string;
  zone_created: boolean;
  changes: RecordChange[];
}

/**
 * Points the domain at the web host (seed 000 step "Configure DNS", seed 001
 * S8.4): plans the record-set changes against what the zone holds, refuses
 * plans over the safety threshold, applies them idempotently through the
 * configured provider, and checks the authoritative server serves them.
 */
@Injectable()
export class ConfigureDnsStep implements StepExecutor {
  readonly action = 'dns.configure' as const;
  private readonly logger = new Logger(ConfigureDnsStep.name);
  private readonly journal: DnsChangeJournal;
  private readonly verifier: DnsVerifier;
  private readonly configuredSecrets: string[];
  private readonly stepProviders: StepDnsProviders;

  constructor(
    @Inject(DNS_PROVIDER) private readonly configured: DnsProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    dataSource: DataSource,
  ) {
    this.journal = new DnsChangeJournal(dataSource);
    this.verifier = new DnsVerifier(config.dns.verify.timeoutMs);
    this.configuredSecrets = dnsSecrets(config);
    this.stepProviders = new StepDnsProviders(config, dataSource);
  }

  /** The provider of the running step: the one built from its secret_ref's credentials, else the configured one. */
  private get provider(): DnsProvider {
    return this.stepProviders.active()?.provider ?? this.configured;
  }

  /** Credentials no message may show: the configured ones and the step's secret's. */
  private get secrets(): string[] {
    return this.stepProviders.active()?.secrets ?? this.configuredSecrets;
  }

  private withStepProvider<T>(context: StepContext, work: () => Promise<T>): Promise<T> {
    return this.stepProviders.within(context, { provider: this.configured, secrets: this.configuredSecrets }, work);
  }

  async dryRun(context: StepContext): Promise<StepOutcome> {
    return this.withStepProvider(context, () => this.planOnly(context));
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    return this.withStepProvider(context, () => this.applyLive(context));
  }

  async rollback(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    return this.withStepProvider(context, () => this.compensate(context, previous));
  }

  /** Reads the zone (never writes) and answers the plan: creates, updates and unchanged sets, and whether the threshold lets it through. */
  private async planOnly(context: StepContext): Promise<StepOutcome> {
    const parameters = this.parameters(context);
    this.requireDeployed(context, parameters.domain);
    const { zone, zoneName, plan } = await this.providerCall(() => this.plan(parameters));
    this.checkThreshold(plan, parameters.force);
    const counts = countActions(plan.changes);
    return {
      result: {
        mode: 'dry_run',
        provider: this.provider.name,
        zone: zoneName,
        zone_exists: zone !== null,
        would: `${zone ? '' : `create the zone ${zoneName}, then `}create ${counts.create}, update ${counts.update} and leave ${counts.unchanged} record set(s) in ${zoneName}`,
        plan: plan.changes,
      },
      outputs: { dns_records: plan.changes.map((change) => `${change.name} ${change.type}`), dns_zone: zoneName },
    };
  }

  private async applyLive(context: StepContext): Promise<StepOutcome> {
    const parameters = this.parameters(context);
    this.requireDeployed(context, parameters.domain);
    const { applied, zone } = await this.providerCall(() => this.apply(context, parameters));
    const server = this.config.dns.verify.server ?? (await this.providerCall(() => this.provider.authoritativeServer(zone)).catch(() => null));
    const verification = await this.verifier.verify(server, applied.changes.map((change) => change.desired!));
    if (verification.checked && !verification.all_match) {
      if (context.isLastAttempt) await this.undo(zone, applied.changes, 'the authoritative server did not serve the change');
      throw new Error(`the authoritative server ${verification.server} does not serve the records written to ${applied.zone}: ${JSON.stringify(verification.record_sets.filter((set) => !set.matches))}`);
    }
    const counts = countActions(applied.changes);
    this.logger.log(`${parameters.domain}: ${counts.create} created, ${counts.update} updated, ${counts.unchanged} unchanged in ${applied.zone} (${this.provider.name})`);
    return {
      result: { mode: 'live', ...applied, verification },
      outputs: { dns_records: applied.changes.map((change) => `${change.name} ${change.type}`), dns_zone: applied.zone, dns_provider: this.provider.name },
      artifacts: evidenceOf(applied, verification),
    };
  }

  /**
   * Undoes what the step changed, newest first: deletes the sets it created and
   * restores the ones it replaced, but only while they still hold what the step
   * wrote. A set someone changed since is theirs now and is left alone.
   */
  private async compensate(context: StepContext, previous: StepOutcome): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'delete the DNS records this step created and restore the ones it replaced');
    const recorded = previous.result as Partial<AppliedDns>;
    if (!Array.isArray(recorded.changes) || typeof recorded.zone !== 'string') return { result: { mode: 'live', undone: 'nothing: the step recorded no DNS changes' } };
    const zone = await this.providerCall(() => this.provider.findZone(recorded.zone!));
    if (!zone) return { result: { mode: 'live', provider: this.provider.name, zone: recorded.zone, undone: [], left_alone: [`the zone ${recorded.zone} is gone: nothing left to undo`] } };
    const outcome = await this.providerCall(() => this.undo(zone, recorded.changes!, 'rollback'));
    return { result: { mode: 'live', provider: this.provider.name, zone: recorded.zone, ...outcome, propagation: 'resolvers may keep serving the old answers for up to the previous TTL' } };
  }

  private async plan(parameters: DnsStepParameters): Promise<{ zone: DnsZone | null; zoneName: string; plan: RecordPlan }> {
    const desired = desiredRecordSets(parameters, this.config.dns);
    const zone = await this.findZone(parameters.domain);
    const zoneName = zone?.name ?? registrableDomain(parameters.domain);
    const existing = zone ? await this.provider.listRecordSets(zone) : [];
    return { zone, zoneName, plan: planRecordChanges(zoneName, existing, desired) };
  }

  private async apply(context: StepContext, parameters: DnsStepParameters): Promise<{ applied: AppliedDns; zone: DnsZone }> {
    let { zone, plan } = await this.plan(parameters);
    let zoneCreated = false;
    if (!zone) {
      if (!this.config.dns.createZones) throw new PermanentStepError(`${this.provider.name} has no zone for ${parameters.domain} (tried ${candidateZones(parameters.domain).join(', ')}) and DNS_CREATE_ZONES=false`);
      zone = await this.provider.createZone(plan.zone);
      zoneCreated = true;
      plan = planRecordChanges(zone.name, await this.provider.listRecordSets(zone), plan.changes.map((change) => change.desired!));
    }
    // The first attempt's view of the zone is the truth for rollback; later attempts see their own writes.
    await this.journal.remember(context.tenantId, context.idempotencyKey, zone.name, plan.changes.map(({ name, type, previous }) => ({ name, type, previous })));
    const firstSeen = await this.journal.recall(context.idempotencyKey);
    const changes = plan.changes.map((change) => withFirstSeen(change, firstSeen.get(`${change.name}/${change.type}`)));
    this.checkThreshold({ ...plan, changes }, parameters.force);

    const written: RecordChange[] = [];
    try {
      for (const change of changes) {
        if (change.action === 'unchanged') continue;
        await this.provider.upsertRecordSet(zone, change.desired!);
        written.push(change);
      }
    } catch (error) {
      const permanent = error instanceof DnsProviderError && !error.retryable;
      // No retry follows: put back what this attempt changed, as no rollback will run for a failed step.
      if (permanent || context.isLastAttempt) await this.undo(zone, changes, 'the step failed');
      throw error;
    }
    return { applied: { provider: this.provider.name, zone: zone.name, zone_created: zoneCreated, changes }, zone };
  }

  private async undo(zone: DnsZone, changes: RecordChange[], why: string): Promise<{ undone: string[]; left_alone: string[] }> {
    const undone: string[] = [];
    const leftAlone: string[] = [];
    // One read of the zone for every check: a provider may only be able to list a whole zone (PowerDNS 4.7).
    const now = new Map((await this.provider.listRecordSets(zone)).map((set) => [`${set.name}/${set.type}`, set]));
    for (const change of [...changes].reverse()) {
      const label = `${change.name} ${change.type}`;
      if (change.action === 'unchanged') continue;
      const current = now.get(`${change.name}/${change.type}`) ?? null;
      if (current === null && change.previous === null) continue;
      if (!sameRecordSet(current, change.desired)) {
        leftAlone.push(`${label}: changed since this step wrote it, so it is not ours to undo`);
        continue;
      }
      if (change.previous === null) {
        await this.provider.deleteRecordSet(zone, change.name, change.type);
        undone.push(`deleted ${label} (created by this step)`);
      } else {
        await this.provider.upsertRecordSet(zone, change.previous);
        undone.push(`restored ${label} to ${change.previous.values.join(', ')} (ttl ${change.previous.ttl})`);
      }
    }
    this.logger.warn(`undid ${undone.length} DNS change(s) because ${why}`);
    return { undone, left_alone: leftAlone };
  }

  private async findZone(domain: string): Promise<DnsZone | null> {
    if (!domain) return null;
    for (const candidate of candidateZones(domain)) {
      const zone = await this.provider.findZone(candidate);
      if (zone) return zone;
    }
    return null;
  }

  private checkThreshold(plan: RecordPlan, force: boolean): void {
    try {
      checkSafetyThreshold(plan, this.config.dns.safety, force);
    } catch (error) {
      if (error instanceof SafetyThresholdError) throw new PermanentStepError(error.message);
      throw error;
    }
  }

  private parameters(context: StepContext): DnsStepParameters {
    const parsed = STEP_PARAMETER_SCHEMAS['dns.configure'].safeParse(context.parameters);
    if (!parsed.success) throw new PermanentStepError(`invalid dns.configure parameters: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    return parsed.data;
  }

  private requireDeployed(context: StepContext, domain: string): void {
    const deployed = context.runState.deployed_domain;
    if (deployed !== undefined && deployed !== domain) throw new PermanentStepError(`the run deployed ${String(deployed)}, not ${domain}`);
  }

  /**
   * Provider errors leave here with credentials scrubbed: permanent ones
   * (4xx) fail the step at once, retryable ones (429, 5xx, network) go back to
   * the queue for another attempt after backoff.
   */
  private async providerCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const message = redactSecrets((error as Error).message, this.secrets);
      if (error instanceof PermanentStepError) throw new PermanentStepError(message);
      if (error instanceof DnsProviderError && !error.retryable) throw new PermanentStepError(message);
      throw new Error(message);
    }
  }
}

function withFirstSeen(change: RecordChange, firstSeen: RecordChange['previous'] | undefined): RecordChange {
  if (firstSeen === undefined) return change;
  const action = firstSeen === null ? 'create' : sameRecordSet(firstSeen, change.desired) ? 'unchanged' : 'update';
  return { ...change, previous: firstSeen, action };
}

function countActions(changes: RecordChange[]): Record<'create' | 'update' | 'delete' | 'unchanged', number> {
  const counts = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const change of changes) counts[change.action]++;
  return counts;
}

function evidenceOf(applied: AppliedDns, verification: DnsVerification): StepArtifact[] {
  const records = { provider: applied.provider, zone: applied.zone, zone_created: applied.zone_created, record_sets: applied.changes.map((change) => ({ ...change.desired, action: change.action, previous: change.previous })) };
  return [
    { name: 'dns_records.json', content: `${JSON.stringify(records, null, 2)}\n`, mediaType: 'application/json' },
    { name: 'dns_verification.json', content: `${JSON.stringify(verification, null, 2)}\n`, mediaType: 'application/json' },
  ];
}
