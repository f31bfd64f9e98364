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
  /** Display text: the body's approved_by, or the approver key's name. */
  @Column('text', { name: 'approved_by' }) approvedBy!: string;
  /** The API key that approved (null for approvals from before keys existed). */
  @Column('text', { name: 'approver_key_id', nullable: true }) approverKeyId!: string | null;
  @Column('text', { name: 'approver_key_name', nullable: true }) approverKeyName!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('jsonb') acknowledgements!: RiskAcknowledgement[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
