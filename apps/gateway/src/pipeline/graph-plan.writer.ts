import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExecutionGraphSpec, newId, PlanContent, planHash } from '@bf/contracts';
import { PlanEntity, PlanStepEntity, planStepRows } from '@bf/persistence';
import { currentPrincipal } from '../http/principal';
import { DomainClaims, domainsOfSteps } from '../domains/domain-claims';

/**
 * Stores a seed 001 execution graph as a plan of source 'graph': the plan row
 * (no briefing, the spec and its stop_on_first_error policy kept) and one step
 * per node, in one transaction, with the plan hash over all of it. The content
 * comes from `graphPlanContent` (libs/contracts); no planning happens here.
 */
@Injectable()
export class GraphPlanWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly claims: DomainClaims,
  ) {}

  async write(tenantId: string, spec: ExecutionGraphSpec, content: PlanContent): Promise<string> {
    const planId = newId('plan');
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(PlanEntity, {
        id: planId,
        tenantId,
        briefingId: null,
        source: 'graph',
        graphSpec: spec as never,
        stopOnFirstError: spec.stop_on_first_error,
        businessName: content.business_name,
        businessType: null,
        status: 'draft',
        planHash: planHash(content),
        dryRun: content.dry_run,
        autoRollback: content.auto_rollback,
        riskAssessment: content.risk_assessment as never,
        createdByKeyId: currentPrincipal()?.keyId ?? null,
      });
      await manager.insert(PlanStepEntity, planStepRows(planId, tenantId, content.steps));
      // In the same transaction: a graph naming another tenant's domain leaves no plan behind (409).
      await this.claims.claim(tenantId, domainsOfSteps(content.steps), { keyId: currentPrincipal()?.keyId ?? null, planId }, manager);
    });
    return planId;
  }
}
