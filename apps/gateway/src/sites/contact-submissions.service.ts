import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { ContactSubmission, leadDeliveryJobId, newId } from '@bf/contracts';
import { ContactSubmissionEntity } from '@bf/persistence';
import { JobProducer } from '@bf/queue';

export interface ContactSubmissionView {
  submission_id: string;
  site_id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  message: string;
  status: string;
  /** crm.lead id once delivered to the site's Odoo. */
  lead_id: number | null;
  delivered_at: string | null;
  /** Why the last delivery attempt failed (no credentials in it). */
  delivery_error: string | null;
  created_at: string;
}

/**
 * Stores contact form submissions and lists them per site. A site whose form
 * the integration step routed to the CRM gets each submission queued for the
 * odoo worker; the gateway itself never talks to Odoo.
 */
@Injectable()
export class ContactSubmissionsService {
  private readonly rows: Repository<ContactSubmissionEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: JobProducer,
  ) {
    this.rows = dataSource.getRepository(ContactSubmissionEntity);
  }

  async store(tenantId: string, siteId: string, submission: ContactSubmission, clientAddress: string): Promise<ContactSubmissionView> {
    const row = this.rows.create({
      id: newId('msg'),
      tenantId,
      siteId,
      name: submission.name,
      email: submission.email,
      phone: submission.phone ?? null,
      company: submission.company ?? null,
      message: submission.message,
      clientAddress,
      status: 'received',
    });
    const saved = await this.rows.save(row);
    // Stored first, routing read second: the integration step writes the routing
    // before it scans stored submissions, so a submission racing it is either
    // queued here or found by that scan (the deterministic job id absorbs both).
    if (await this.isRouted(tenantId, siteId)) {
      await this.producer.enqueue('odoo', 'crm.deliver_lead', { tenantId, submissionId: saved.id }, { jobId: leadDeliveryJobId(saved.id) });
    }
    return view(saved);
  }

  private async isRouted(tenantId: string, siteId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM site_integrations WHERE tenant_id = $1 AND site_id = $2', [tenantId, siteId]);
    return rows.length > 0;
  }

  async list(tenantId: string, siteId: string, limit: number, offset: number): Promise<{ total: number; submissions: ContactSubmissionView[] }> {
    const [rows, total] = await this.rows.findAndCount({
      where: { tenantId, siteId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return { total, submissions: rows.map(view) };
  }
}

function view(row: ContactSubmissionEntity): ContactSubmissionView {
  return {
    submission_id: row.id,
    site_id: row.siteId,
    name: row.name,
    email: row.email,
    phone: row.phone,
    company: row.company,
    message: row.message,
    status: row.status,
    lead_id: row.leadId ?? null,
    delivered_at: row.deliveredAt ? row.deliveredAt.toISOString() : null,
    delivery_error: row.deliveryError ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
