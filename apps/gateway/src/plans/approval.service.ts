import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { newId } from '@bf/contracts';
import { AuditLog, PlanApprovalEntity, PlanEntity, PlanViewReader, currentContentHash } from '@bf/persistence';

export const ApprovalRequestSchema = z
  .object({
    approved_by: z.string().trim().min(1).max(120),
    note: z.string().max(2000).optional(),
    acknowledgements: z
      .array(z.object({ risk_id: z.string().min(1), reason: z.string().trim().min(10, 'say why the risk is acceptable (10 characters or more)').max(2000) }).strict())
      .max(50)
      .default([]),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/**
 * Records the review of a plan. An approval binds to the plan's content hash; a
 * CRITICAL plan is approved only when every critical risk is acknowledged with
 * a reason, and each acknowledgement goes into the audit trail.
 */
@Injectable()
export class ApprovalService {
  private readonly plans: PlanViewReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {
    this.plans = new PlanViewReader(dataSource);
  }

  async approve(tenantId: string, planId: string, request: ApprovalRequest) {
    const view = await this.plans.read(tenantId, planId);
    if (!view) throw new NotFoundException(`plan ${planId} not found`);
    if (view.status !== 'draft') throw new ConflictException(`plan ${planId} is ${view.status}; only a draft plan can be approved`);
    const hash = currentContentHash(view);
    if (hash !== view.plan_hash) throw new ConflictException(`plan ${planId} was changed after planning (content hash ${hash}, planned ${view.plan_hash}); plan it again`);

    const risks = new Map(view.risk_assessment.risks.map((risk) => [risk.risk_id, risk]));
    const unknown = request.acknowledgements.filter((ack) => !risks.has(ack.risk_id)).map((ack) => ack.risk_id);
    const acknowledged = new Set(request.acknowledgements.map((ack) => ack.risk_id));
    const unacknowledged = view.risk_assessment.risks.filter((risk) => risk.severity === 'critical' && !acknowledged.has(risk.risk_id));
    if (unknown.length || unacknowledged.length) {
      throw new UnprocessableEntityException({
        message: [
          ...(unknown.length ? [`unknown risk id(s): ${unknown.join(', ')}`] : []),
          ...(unacknowledged.length ? [`acknowledge each critical risk with a reason: ${unacknowledged.map((r) => `${r.risk_id} (${r.description})`).join('; ')}`] : []),
        ].join('; '),
        details: { unknown_risk_ids: unknown, unacknowledged_critical_risks: unacknowledged.map((risk) => risk.risk_id) },
      });
    }

    const approvalId = newId('appr');
    await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager.update(PlanEntity, { id: planId, tenantId, status: 'draft' }, { status: 'approved' });
      if (!affected) throw new ConflictException(`plan ${planId} changed status while it was being approved`);
      await manager.insert(PlanApprovalEntity, {
        id: approvalId,
        tenantId,
        planId,
        planHash: hash,
        approvedBy: request.approved_by,
        note: request.note ?? null,
        acknowledgements: request.acknowledgements as never,
      });
      for (const ack of request.acknowledgements) {
        const risk = risks.get(ack.risk_id)!;
        await this.audit.append(manager, {
          tenantId,
          planId,
          eventType: 'factory.risk_acknowledged',
          severity: risk.severity === 'critical' ? 'critical' : 'warning',
          reason: `Risk '${risk.description}' acknowledged by ${request.approved_by}: ${ack.reason}`,
          success: true,
          metadata: { risk_id: ack.risk_id, risk_severity: risk.severity, acknowledged_by: request.approved_by, ack_reason: ack.reason },
        });
      }
      await this.audit.append(manager, {
        tenantId,
        planId,
        eventType: 'factory.plan_approved',
        severity: 'info',
        reason: `Plan approved by ${request.approved_by}`,
        success: true,
        metadata: { approval_id: approvalId, plan_hash: hash, risk_level: view.risk_assessment.overall_risk_level, note: request.note ?? null },
      });
    });
    return { plan_id: planId, status: 'approved' as const, approval_id: approvalId, plan_hash: hash, approved_by: request.approved_by, acknowledged_risks: [...acknowledged] };
  }
}
