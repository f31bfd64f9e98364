import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { BusinessType, ExecutionGraphSpec, PlanSource, PlanStatus, RiskAssessment } from '@bf/contracts';

@Entity({ name: 'plans' })
@Index(['tenantId', 'createdAt'])
export class PlanEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  /** One plan per briefing: the planner job is idempotent on this. Null for a graph plan. */
  @Index({ unique: true })
  @Column('text', { name: 'briefing_id', nullable: true })
  briefingId!: string | null;
  /** 'briefing' (planned by the planner) or 'graph' (a seed 001 ExecutionGraphSpec). */
  @Column('text', { default: 'briefing' }) source!: PlanSource;
  /** The ExecutionGraphSpec of a graph plan, as submitted (after validation); read it with `graphSpecOf`. */
  @Column('jsonb', { name: 'graph_spec', nullable: true }) graphSpec!: object | null;
  /** Seed 001: whether a failed node stops the run. Briefing plans always stop at the first failure. */
  @Column('boolean', { name: 'stop_on_first_error', default: true }) stopOnFirstError!: boolean;
  @Column('text', { name: 'business_name' }) businessName!: string;
  /** Null for a graph plan: a graph names no business type. */
  @Column('text', { name: 'business_type', nullable: true }) businessType!: BusinessType | null;
  @Column('text') status!: PlanStatus;
  @Column('text', { name: 'plan_hash' }) planHash!: string;
  @Column('boolean', { name: 'dry_run' }) dryRun!: boolean;
  /** The API key that asked for the plan (copied from its briefing by a trigger); it may never approve it. */
  @Column('text', { name: 'created_by_key_id', nullable: true }) createdByKeyId!: string | null;
  @Column('boolean', { name: 'auto_rollback' }) autoRollback!: boolean;
  @Column('jsonb', { name: 'risk_assessment' }) riskAssessment!: RiskAssessment;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A graph plan's stored ExecutionGraphSpec (validated before it was stored), or null for a briefing plan. */
export function graphSpecOf(plan: Pick<PlanEntity, 'graphSpec'>): ExecutionGraphSpec | null {
  return plan.graphSpec as ExecutionGraphSpec | null;
}
