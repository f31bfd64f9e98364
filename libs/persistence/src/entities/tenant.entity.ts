import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The id of the tenant every row belongs to until tenants and API keys exist. */
export const DEFAULT_TENANT_ID = 'tenant_default';

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
