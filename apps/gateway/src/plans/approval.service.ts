import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { newId, Principal } from '@bf/contracts';
import { APPROVAL_RISK_LEVELS, AuditLog, PlanApprovalEntity, PlanEntity, PlanViewReader, currentContentHash } from '@bf/persistence';
import { keysShareLineage } from '../tenancy/key-lineage';

export const ApprovalRequestSchema = z
  .object({
    /** Display text only (a person's name or e-mail); who approved is the API key. Defaults to the key's name. */
    approved_by: z.string().trim().min(1).max(120).optional(),
    note: z.string().max(2000).optional(),
    acknowledgements: z
      .array(z.object({ risk_id: z.string().min(1), reason: z.string().trim().min(10, 'say why the risk is acceptable (10 characters or more)').max(2000) }).strict())
      .max(50)
      .default([]),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** Risk levels whose plans need PLAN_MIN_APPROVALS distinct approver keys; others need one. */

/**
 * Records the review of a plan. The approver is the API key of the request,
 * never the key that asked for the plan, nor a key that one issued or that issued it. An approval binds to the plan's content
 * hash; a CRITICAL plan is approved only when every critical risk is
 * acknowledged with a reason. A HIGH or CRITICAL plan becomes `approved` only
 * once PLAN_MIN_APPROVALS distinct keys approved the same content; each approval
 * and acknowledgement goes into the audit trail with its approver.
 */
@Injectable()
export class ApprovalService {
  private readonly plans: PlanViewReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.plans = new PlanViewReader(dataSource);
  }

  async approve(approver: Principal, planId: string, request: ApprovalRequest) {
    const tenantId = approver.tenantId;
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

    const approvedBy = request.approved_by ?? approver.keyName;
    const who = `${approvedBy} (key ${approver.keyPrefix})`;
    const level = view.risk_assessment.overall_risk_level;
    const required = APPROVAL_RISK_LEVELS.has(level) ? this.config.tenancy.planMinApprovals : 1;
    const approvalId = newId('appr');
    const approvals = await this.dataSource.transaction(async (manager) => {
      // The plan's row lock orders concurrent approvals: the count below sees every earlier one.
      const plan = await manager.getRepository(PlanEntity).findOne({ where: { id: planId, tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!plan || plan.status !== 'draft') throw new ConflictException(`plan ${planId} changed status while it was being approved`);
      if (plan.createdByKeyId && plan.createdByKeyId === approver.keyId) {
        throw new ForbiddenException(`key ${approver.keyPrefix} created plan ${planId} and may not approve it: approvals need a different key`);
      }
      // A key the plan's creator issued (or that issued it) is the same holder with another key.
      if (plan.createdByKeyId && (await keysShareLineage(manager.query.bind(manager), tenantId, plan.createdByKeyId, approver.keyId))) {
        throw new ForbiddenException(`key ${approver.keyPrefix} was issued by the key that created plan ${planId}, or issued it, and may not approve it: approvals need a key of someone else`);
      }
      const already = (await manager.query('SELECT 1 FROM plan_approvals WHERE plan_id = $1 AND plan_hash = $2 AND approver_key_id = $3 LIMIT 1', [planId, hash, approver.keyId])) as unknown[];
      if (already.length) throw new ConflictException(`key ${approver.keyPrefix} already approved plan ${planId}; it needs approvals from ${required} distinct keys`);
      await manager.insert(PlanApprovalEntity, {
        id: approvalId,
        tenantId,
        planId,
        planHash: hash,
        approvedBy,
        approverKeyId: approver.keyId,
        approverKeyName: approver.keyName,
        note: request.note ?? null,
        acknowledgements: request.acknowledgements as never,
      });
      const [{ count }] = (await manager.query('SELECT count(DISTINCT approver_key_id)::int AS count FROM plan_approvals WHERE plan_id = $1 AND plan_hash = $2 AND approver_key_id IS NOT NULL', [planId, hash])) as { count: number }[];
      const complete = count >= required;
      if (complete) await manager.update(PlanEntity, { id: planId, tenantId, status: 'draft' }, { status: 'approved' });
      for (const ack of request.acknowledgements) {
        const risk = risks.get(ack.risk_id)!;
        await this.audit.append(manager, {
          tenantId,
          planId,
          eventType: 'factory.risk_acknowledged',
          severity: risk.severity === 'critical' ? 'critical' : 'warning',
          reason: `Risk '${risk.description}' acknowledged by ${who}: ${ack.reason}`,
          success: true,
          metadata: { risk_id: ack.risk_id, risk_severity: risk.severity, acknowledged_by: approvedBy, approver_key_id: approver.keyId, ack_reason: ack.reason },
        });
      }
      await this.audit.append(manager, {
        tenantId,
        planId,
        eventType: complete ? 'factory.plan_approved' : 'factory.plan_approval_recorded',
        severity: 'info',
        reason: complete ? `Plan approved by ${who} (${count} of ${required} approvals)` : `Approval ${count} of ${required} by ${who}; the plan stays draft until ${required} distinct keys approve`,
        success: true,
        metadata: {
          approval_id: approvalId,
          plan_hash: hash,
          risk_level: level,
          note: request.note ?? null,
          approved_by: approvedBy,
          approver_key_id: approver.keyId,
          approver_key_prefix: approver.keyPrefix,
          approver_key_name: approver.keyName,
          approved_at: new Date().toISOString(),
          approvals: count,
          approvals_required: required,
        },
      });
      return count;
    });
    return {
      plan_id: planId,
      status: approvals >= required ? ('approved' as const) : ('draft' as const),
      approval_id: approvalId,
      plan_hash: hash,
      approved_by: approvedBy,
      approver: { key_id: approver.keyId, key_prefix: approver.keyPrefix, key_name: approver.keyName },
      approvals,
      approvals_required: required,
      acknowledged_risks: [...acknowledged],
    };
  }
}
