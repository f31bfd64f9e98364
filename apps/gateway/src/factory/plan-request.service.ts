import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { Briefing, JobResult, newId } from '@bf/contracts';
import { BriefingEntity } from '@bf/persistence';
import { JobProducer } from '@bf/queue';
import { currentPrincipal } from '../http/principal';
import { QueueEventsRegistry } from '../queue-events.registry';
import { DomainClaims } from '../domains/domain-claims';

export type PlanRequestOutcome = { state: 'planned'; planId: string } | { state: 'planning'; briefingId: string };

/**
 * Stores a briefing and asks the planner for its plan, waiting a bounded time for
 * the answer. The gateway never plans itself; if the planner is slow the caller
 * gets the briefing id and can fetch the plan later.
 */
@Injectable()
export class PlanRequestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
    private readonly events: QueueEventsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly claims: DomainClaims,
  ) {}

  async request(tenantId: string, briefing: Briefing): Promise<PlanRequestOutcome> {
    const briefingId = newId('brief');
    // The site's domain is claimed before anything is stored: another tenant's domain is refused here (409), not after planning.
    const domains = briefing.website_config ? [briefing.website_config.domain] : [];
    await this.claims.claim(tenantId, domains, { keyId: currentPrincipal()?.keyId ?? null });
    // The submitting key becomes the plan's creator (a trigger copies it), which may then never approve it.
    await this.dataSource.getRepository(BriefingEntity).insert({ id: briefingId, tenantId, businessName: briefing.business_name, content: briefing as never, createdByKeyId: currentPrincipal()?.keyId ?? null });
    await this.events.forQueue('planner'); // listening before the job exists, so its completion cannot be missed
    const job = await this.producer.enqueue('planner', 'plan.build', { tenantId, briefingId }, { jobId: `plan.${briefingId}` });
    const outcome = await this.events.waitFor<JobResult<'planner', 'plan.build'>>('planner', job, this.config.planner.waitMs);
    if (!outcome.finished) return { state: 'planning', briefingId };
    await this.claims.recordPlan(tenantId, domains, outcome.result.planId);
    return { state: 'planned', planId: outcome.result.planId };
  }
}
