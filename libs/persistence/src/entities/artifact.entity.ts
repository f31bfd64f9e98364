import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const ARTIFACT_KINDS = ['evidence_pack', 'step_output'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

@Entity({ name: 'artifacts' })
@Index(['runId', 'kind'])
export class ArtifactEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'plan_id' }) planId!: string;
  @Column('text', { name: 'run_id' }) runId!: string;
  @Column('text', { name: 'step_id', nullable: true }) stepId!: string | null;
  @Column('text') kind!: ArtifactKind;
  @Column('text') path!: string;
  @Column('text') sha256!: string;
  @Column('bigint', { name: 'size_bytes' }) sizeBytes!: string;
  @Column('jsonb') metadata!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
