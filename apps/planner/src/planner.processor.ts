import { Controller } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { Briefing, BriefingSchema, JobPayload, JobResult, newId } from '@bf/contracts';
import { BriefingEntity, PlanEntity } from '@bf/persistence';
import { JobHandler } from '@bf/queue';
import { InvalidPlanError, PlanBuilder } from './plan-builder';
import { PlanWriter } from './plan-writer';

@Controller()
export class PlannerProcessor {
  private readonly builder = new PlanBuilder();

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: PlanWriter,
  ) {}

  /** Idempotent: a briefing has one plan, so a redelivered job returns the plan it already made. */
  @JobHandler('planner', 'plan.build')
  async buildPlan(payload: JobPayload<'planner', 'plan.build'>): Promise<JobResult<'planner', 'plan.build'>> {
    const existing = await this.dataSource.getRepository(PlanEntity).findOneBy({ briefingId: payload.briefingId, tenantId: payload.tenantId });
    if (existing) return { planId: existing.id, created: false };
    const row = await this.dataSource.getRepository(BriefingEntity).findOneBy({ id: payload.briefingId, tenantId: payload.tenantId });
    if (!row) throw new UnrecoverableError(`briefing ${payload.briefingId} does not exist`);
    const briefing = BriefingSchema.parse(row.content);
    const content = this.buildOrFail(briefing);
    try {
      return { planId: await this.writer.write(payload.tenantId, payload.briefingId, content), created: true };
    } catch (error) {
      // Two deliveries racing: the unique index on briefing_id let only one plan in.
      const winner = await this.dataSource.getRepository(PlanEntity).findOneBy({ briefingId: payload.briefingId });
      if (winner) return { planId: winner.id, created: false };
      throw error;
    }
  }

  /** A plan that fails its own validation will fail the same way on every retry: give up at once. */
  private buildOrFail(briefing: Briefing) {
    try {
      return this.builder.build(briefing, () => newId('step'));
    } catch (error) {
      if (error instanceof InvalidPlanError) throw new UnrecoverableError(`the planner produced an invalid plan: ${error.message}`);
      throw error;
    }
  }
}
