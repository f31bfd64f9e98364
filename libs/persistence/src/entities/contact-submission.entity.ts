import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** `received` until the integration step hands it to the CRM (odoo issue), then `forwarded`. */
export const CONTACT_SUBMISSION_STATUSES = ['received', 'forwarded'] as const;
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
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
