import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { ContactSubmission, newId } from '@bf/contracts';
import { ContactSubmissionEntity } from '@bf/persistence';

export interface ContactSubmissionView {
  submission_id: string;
  site_id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  message: string;
  status: string;
  created_at: string;
}

/**
 * Stores contact form submissions and lists them per site. Handing a
 * submission to the CRM is the integration step's work (odoo issue); until
 * then it stays `received` and visible through the API.
 */
@Injectable()
export class ContactSubmissionsService {
  private readonly rows: Repository<ContactSubmissionEntity>;

  constructor(dataSource: DataSource) {
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
    return view(await this.rows.save(row));
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
    created_at: row.createdAt.toISOString(),
  };
}
