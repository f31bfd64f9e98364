import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export interface RiskAcknowledgement {
  risk_id: string;
  reason: string;
}

@Entity({ name: 'plan_approvals' })
export class PlanApprovalEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plan_id' }) planId!: string;
  /** The hash of the content that was reviewed. */
  @Column('text', { name: 'plan_hash' }) planHash!: string;
  @Column('text', { name: 'approved_by' }) approvedBy!: string;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('jsonb') acknowledgements!: RiskAcknowledgement[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
