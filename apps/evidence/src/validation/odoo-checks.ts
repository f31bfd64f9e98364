import { AppConfig } from '@bf/config';
import { OdooApi } from '@bf/odoo';
import { DataSource } from 'typeorm';
import { CrmLeads, leadMarker, leadValues } from '../../../odoo/src/crm/crm-lead';
import { LeadRouting, odooTarget } from '../../../odoo/src/crm/lead-routing';

type Outcome = { passed: boolean; detail: Record<string, unknown> };

/** Admin login works, and every module the run installed is installed. */
export async function checkOdooLogin(api: OdooApi, modules: string[]): Promise<Outcome> {
  const uid = await api.client.authenticate();
  // uid is cached by the client; this call makes Odoo check the password again.
  const groupsField = await api.usersGroupsField();
  const settingsGroup = await api.xmlIdToResId('base.group_system');
  const isAdmin = (await api.searchCount('res.users', [['id', '=', uid], [groupsField, 'in', [settingsGroup]]])) === 1;
  const states = Object.fromEntries(await Promise.all(modules.map(async (name) => [name, (await api.findModule(name))?.state ?? 'unknown'] as const)));
  const notInstalled = Object.entries(states).filter(([, state]) => state !== 'installed').map(([name]) => name);
  return { passed: isAdmin && notInstalled.length === 0, detail: { uid, admin: isAdmin, modules: states, ...(notInstalled.length ? { not_installed: notInstalled } : {}) } };
}

/**
 * A test lead through the delivery code (same values, same marker search), read
 * back, then deleted: the CRM is left as it was, whatever happens in between.
 */
export async function checkIntegrationRoundtrip(api: OdooApi, dataSource: DataSource, config: AppConfig, ids: { tenantId: string; runId: string }, site: string, secretRef: string | null = null): Promise<Outcome> {
  const route = await new LeadRouting(dataSource).find(ids.tenantId, site);
  const target = odooTarget(config);
  // Routed to the Odoo this check talks to: the same tenant secret, or the configured Odoo.
  const routed = !!route && (secretRef !== null ? route.secretRef === secretRef : route.secretRef === null && route.odooUrl === target.url && route.odooDb === target.db);
  const source = {
    id: `validation_${ids.runId}`,
    name: 'Business Factory validation',
    email: 'validation@business-factory.invalid',
    phone: null,
    company: null,
    message: `Test lead of run ${ids.runId}'s final validation; deleted right after it is read back.`,
    siteId: site,
  };
  const values = leadValues(source, { test: true });
  const leads = new CrmLeads(api);
  const lead = await leads.createOnce(values, leadMarker(source.id));
  let read: Record<string, unknown> | undefined;
  try {
    read = await leads.read(lead.id);
  } finally {
    await leads.unlink(lead.id);
  }
  const removed = (await leads.findByMarker(leadMarker(source.id))) === undefined;
  const matches = !!read && read.name === values.name && read.email_from === values.email_from && read.type === 'lead' && String(read.description).includes(leadMarker(source.id));
  return {
    passed: routed && matches && removed,
    detail: { site, routing_active: routed, lead_id: lead.id, read_back: matches, removed },
  };
}
