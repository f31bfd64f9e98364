import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * `received` when stored; `delivered` once its crm.lead exists in Odoo; `failed`
 * when the last delivery attempt failed (the error is kept); `undelivered` when
 * the site's CRM routing was removed before it went out. `forwarded` is unused,
 * kept for rows written before delivery existed.
 */
export const CONTACT_SUBMISSION_STATUSES = ['received', 'forwarded', 'delivered', 'failed', 'undelivered'] as const;
export type ContactSubmissionStatus = (typeof CONTACT_SUBMISSION_STATUSES)[number];

/** One message sent through a generated site's contact form. */
@Entity({ name: 'contact_submissions' })
export class ContactSubmissionEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'site_id' }) siteId!: string;
  @Column('text') name!: string;
  @Column('text') email!: string;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('text', { nullable: true }) company!: string | null;
  @Column('text') message!: string;
  @Column('text', { name: 'client_address' }) clientAddress!: string;
  @Column('text') status!: ContactSubmissionStatus;
  /** crm.lead id in the Odoo the site's routing named. */
  @Column('integer', { name: 'lead_id', nullable: true }) leadId!: number | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
  /** The last delivery failure, Odoo's words without credentials. */
  @Column('text', { name: 'delivery_error', nullable: true }) deliveryError!: string | null;
  @Column('integer', { name: 'delivery_attempts', default: 0 }) deliveryAttempts!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
