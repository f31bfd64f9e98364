import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId, PlanContent } from '@bf/contracts';
import { AuditLog, PlanEntity, PlanStepEntity, planStepRows } from '@bf/persistence';
import { planHash } from '@bf/contracts';

/** Stores a plan, its steps and its `factory.plan_generated` event in one transaction. */
@Injectable()
export class PlanWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async write(tenantId: string, briefingId: string, content: PlanContent): Promise<string> {
    const planId = newId('plan');
    const hash = planHash(content);
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(PlanEntity, {
        id: planId,
        tenantId,
        briefingId,
        businessName: content.business_name,
        businessType: content.business_type,
        status: 'draft',
        planHash: hash,
        dryRun: content.dry_run,
        autoRollback: content.auto_rollback,
        riskAssessment: content.risk_assessment as never,
      });
      await manager.insert(PlanStepEntity, planStepRows(planId, tenantId, content.steps));
      await this.audit.append(manager, {
        tenantId,
        eventType: 'factory.plan_generated',
        severity: 'info',
        reason: 'Business plan generated successfully',
        success: true,
        planId,
        metadata: {
          business_name: content.business_name,
          business_type: content.business_type,
          steps_total: content.steps.length,
          risk_level: content.risk_assessment.overall_risk_level,
          plan_hash: hash,
        },
      });
    });
    return planId;
  }
}
