import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'briefings' })
@Index(['tenantId', 'createdAt'])
export class BriefingEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'business_name' }) businessName!: string;
  /** The validated briefing, defaults applied. */
  @Column('jsonb') content!: Record<string, unknown>;
  /** The API key that submitted it; its plan inherits this as its creator. */
  @Column('text', { name: 'created_by_key_id', nullable: true }) createdByKeyId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
