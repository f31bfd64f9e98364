/**
 * The module words briefings use, mapped to Odoo 17 technical names
 * (../shared/docs/integrations.md). Enterprise-only modules are marked so a plan
 * can say so up front instead of failing at install time.
 */
export const ODOO_MODULES: Record<string, { technical: string; enterprise: boolean }> = {
  crm: { technical: 'crm', enterprise: false },
  projects: { technical: 'project', enterprise: false },
  project: { technical: 'project', enterprise: false },
  timesheets: { technical: 'hr_timesheet', enterprise: false },
  invoicing: { technical: 'account', enterprise: false },
  accounting: { technical: 'account', enterprise: false },
  sales: { technical: 'sale_management', enterprise: false },
  inventory: { technical: 'stock', enterprise: false },
  purchase: { technical: 'purchase', enterprise: false },
  manufacturing: { technical: 'mrp', enterprise: false },
  website: { technical: 'website', enterprise: false },
  ecommerce: { technical: 'website_sale', enterprise: false },
  point_of_sale: { technical: 'point_of_sale', enterprise: false },
  employees: { technical: 'hr', enterprise: false },
  calendar: { technical: 'calendar', enterprise: false },
  contacts: { technical: 'contacts', enterprise: false },
  subscriptions: { technical: 'sale_subscription', enterprise: true },
  helpdesk: { technical: 'helpdesk', enterprise: true },
};

export const KNOWN_ODOO_MODULES = Object.keys(ODOO_MODULES);
