import { OdooApi, OdooRecord } from '@bf/odoo';

/** What a lead is made from: a stored submission, or the validation's test message. */
export interface LeadSource {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  message: string;
  siteId: string;
}

export interface CrmLeadValues extends Record<string, unknown> {
  name: string;
  contact_name: string;
  email_from: string;
  phone: string | false;
  partner_name: string | false;
  description: string;
  type: 'lead';
}

export const LEAD_FIELDS = ['name', 'contact_name', 'email_from', 'phone', 'description', 'type'] as const;

/**
 * A tag that names the submission inside the lead. Odoo has no field we own for an
 * idempotency key, so the tag rides in the description: a delivery that crashed
 * after `create` but before the id was stored finds its lead by it instead of
 * creating a second one.
 */
export function leadMarker(sourceId: string): string {
  return `[bf:${sourceId}]`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** description is an HTML field: the visitor's text is escaped so it shows as typed and can't inject markup. */
export function leadValues(source: LeadSource, options: { test?: boolean } = {}): CrmLeadValues {
  const paragraphs = source.message.split(/\r?\n/).map((line) => escapeHtml(line)).join('<br>');
  const origin = `${options.test ? 'Validation test lead' : 'Sent'} from the contact form of ${escapeHtml(source.siteId)}`;
  return {
    name: `${options.test ? '[TEST] ' : ''}Website contact: ${source.name}`.slice(0, 250),
    contact_name: source.name,
    email_from: source.email,
    phone: source.phone || false,
    partner_name: source.company || false,
    description: `<p>${paragraphs}</p><p>${origin} ${leadMarker(source.id)}</p>`,
    type: 'lead',
  };
}

/**
 * Creates a lead at most once per marker. The search includes archived leads
 * (a salesperson may have marked it lost already): an archived lead still
 * means the message was delivered.
 */
export class CrmLeads {
  constructor(private readonly api: OdooApi) {}

  async findByMarker(marker: string): Promise<number | undefined> {
    const [id] = await this.api.search('crm.lead', [['description', 'ilike', marker]], { limit: 1, context: { active_test: false } });
    return id;
  }

  async createOnce(values: CrmLeadValues, marker: string): Promise<{ id: number; created: boolean }> {
    const existing = await this.findByMarker(marker);
    if (existing !== undefined) return { id: existing, created: false };
    return { id: await this.api.create('crm.lead', values), created: true };
  }

  async read(id: number): Promise<OdooRecord | undefined> {
    const [lead] = await this.api.read('crm.lead', [id], [...LEAD_FIELDS]);
    return lead;
  }

  unlink(id: number): Promise<boolean> {
    return this.api.unlink('crm.lead', [id]);
  }
}
