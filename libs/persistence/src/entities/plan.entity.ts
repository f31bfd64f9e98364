import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PlanStatus, RiskAssessment, BusinessType } from '@bf/contracts';

@Entity({ name: 'plans' })
@Index(['tenantId', 'createdAt'])
export class PlanEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  /** One plan per briefing: the planner job is idempotent on this. */
  @Index({ unique: true })
  @Column('text', { name: 'briefing_id' })
  briefingId!: string;
  @Column('text', { name: 'business_name' }) businessName!: string;
  @Column('text', { name: 'business_type' }) businessType!: BusinessType;
  @Column('text') status!: PlanStatus;
  @Column('text', { name: 'plan_hash' }) planHash!: string;
  @Column('boolean', { name: 'dry_run' }) dryRun!: boolean;
  @Column('boolean', { name: 'auto_rollback' }) autoRollback!: boolean;
  @Column('jsonb', { name: 'risk_assessment' }) riskAssessment!: RiskAssessment;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
