import { BriefingInput, RiskLevel } from '@bf/contracts';

/**
 * Briefings covering all six business types, with and without website, ERP,
 * users, integrations and custom modules, and what the planner must make of
 * each: the steps (by key), their prerequisites, and the overall risk level.
 */
export interface BriefingCase {
  name: string;
  briefing: BriefingInput;
  /** Step name → names of the steps it depends on. */
  steps: Record<string, string[]>;
  risk: RiskLevel;
}

const site = (domain: string, extra: object = {}) => ({ domain, template: 'modern_landing_v1', pages: ['home', 'contact'], primary_color: '#0f766e', ...extra });
const admin = (domain: string) => [{ name: 'Admin', email: `admin@${domain}`, role: 'admin' as const }];
const contactForm = { name: 'Contact Form to CRM', source: 'website' as const, target: 'odoo' as const, type: 'contact_form' as const, config: { create_lead: true } };
const WEB = { 'Generate Website': [], 'Deploy Website': ['Generate Website'], 'Configure DNS': ['Deploy Website'] };
const all = (steps: Record<string, string[]>) => ({ ...steps, 'Final Validation': Object.keys(steps) });

export const BRIEFING_CORPUS: BriefingCase[] = [
  {
    name: 'consulting: Quick Start (website + ERP, no users, no integration)',
    briefing: { business_name: 'Acme Consulting GmbH', business_type: 'consulting', contact_email: 'info@acme.example', website_config: site('acme.example'), erp_config: { modules: ['crm', 'projects', 'invoicing'] } },
    steps: all({ ...WEB, 'Install Odoo Modules': [], 'Configure Fiscal Settings': ['Install Odoo Modules'] }),
    risk: 'medium',
  },
  {
    name: 'consulting: Complete Example (users + contact form)',
    briefing: {
      business_name: 'Acme Consulting GmbH', business_type: 'consulting', contact_email: 'info@acme.example', contact_phone: '+49 30 12345678',
      website_config: site('acme.example'), erp_config: { modules: ['crm', 'projects', 'timesheets', 'invoicing'], users: admin('acme.example') }, integrations: [contactForm],
    },
    steps: all({
      ...WEB, 'Install Odoo Modules': [], 'Create Odoo Users': ['Install Odoo Modules'], 'Configure Fiscal Settings': ['Install Odoo Modules'],
      'Configure Integration: Contact Form to CRM': ['Deploy Website', 'Create Odoo Users'],
    }),
    risk: 'medium',
  },
  {
    name: 'service: website only',
    briefing: { business_name: 'Sparkle Cleaning', business_type: 'service', contact_email: 'hi@sparkle.example', contact_phone: '+44 20 7946 0000', website_config: site('sparkle.example') },
    steps: all(WEB),
    risk: 'low',
  },
  {
    name: 'service: ERP only, contact form disabled',
    briefing: { business_name: 'Fixit Repairs', business_type: 'service', contact_email: 'a@fixit.example', erp_config: { modules: ['crm', 'invoicing'], users: admin('fixit.example') }, integrations: [{ ...contactForm, enabled: false }] },
    steps: all({ 'Install Odoo Modules': [], 'Create Odoo Users': ['Install Odoo Modules'], 'Configure Fiscal Settings': ['Install Odoo Modules'] }),
    risk: 'medium',
  },
  {
    name: 'ecommerce: shop with payments (two high risks)',
    briefing: {
      business_name: 'Nordic Knits', business_type: 'ecommerce', contact_email: 'shop@knits.example', contact_phone: '+46 8 123 456',
      website_config: site('knits.example', { features: ['shop'] }), erp_config: { modules: ['crm', 'sales', 'inventory', 'ecommerce', 'invoicing'] }, integrations: [contactForm],
    },
    steps: all({
      ...WEB, 'Install Odoo Modules': [], 'Configure Fiscal Settings': ['Install Odoo Modules'],
      'Configure Integration: Contact Form to CRM': ['Deploy Website', 'Install Odoo Modules'],
    }),
    risk: 'high',
  },
  {
    name: 'ecommerce: website only (payments risk, no ERP risk)',
    briefing: { business_name: 'Tea Corner', business_type: 'ecommerce', contact_email: 'tea@corner.example', contact_phone: '+33 1 23 45 67 89', website_config: site('corner.example') },
    steps: all(WEB),
    risk: 'medium',
  },
  {
    name: 'saas: website + subscriptions (Enterprise module)',
    briefing: {
      business_name: 'Metricly', business_type: 'saas', contact_email: 'team@metricly.example', contact_phone: '+1 415 555 0100',
      website_config: site('metricly.example'), erp_config: { modules: ['crm', 'subscriptions', 'invoicing'], currency: 'USD' },
    },
    steps: all({ ...WEB, 'Install Odoo Modules': [], 'Configure Fiscal Settings': ['Install Odoo Modules'] }),
    risk: 'high',
  },
  {
    name: 'saas: nothing but the business (validation only)',
    briefing: { business_name: 'Stealth Labs', business_type: 'saas', contact_email: 'x@stealth.example', contact_phone: '+49 89 1234567' },
    steps: { 'Final Validation': [] },
    // One medium risk (SaaS data processing) is LOW by the seed's table.
    risk: 'low',
  },
  {
    name: 'manufacturing: ERP with custom module and many users (1 high + 3 medium)',
    briefing: {
      business_name: 'Steelworks Ltd', business_type: 'manufacturing', contact_email: 'ops@steel.example', contact_phone: '+44 161 496 0000',
      erp_config: {
        modules: ['manufacturing', 'inventory', 'purchase'],
        users: Array.from({ length: 30 }, (_, i) => ({ name: `Worker ${i + 1}`, email: `w${i + 1}@steel.example`, role: 'user' as const })),
        custom_modules: [{ module_name: 'steel_quality', title: 'Quality Checks', models: [{ name: 'steel.check', description: 'A quality check', fields: [{ name: 'batch', type: 'char', required: true }] }] }],
      },
    },
    steps: all({
      'Install Odoo Modules': [], 'Create Odoo Users': ['Install Odoo Modules'], 'Configure Fiscal Settings': ['Install Odoo Modules'],
      'Install Custom Module: Quality Checks': ['Install Odoo Modules'],
    }),
    // One high (Odoo reachability) and three medium (fiscal, custom module, many users): MEDIUM by the seed's table.
    risk: 'medium',
  },
  {
    name: 'manufacturing: custom module extending a core model (critical)',
    briefing: {
      business_name: 'Bolt GmbH', business_type: 'manufacturing', contact_email: 'a@bolt.example', contact_phone: '+49 40 123456',
      erp_config: {
        modules: ['inventory'],
        custom_modules: [{
          module_name: 'bolt_partner', title: 'Partner Tweaks',
          models: [{ name: 'res.partner', extends: true, description: 'Grading', fields: [{ name: 'bolt_grade', type: 'selection', selection: [['a', 'A'], ['b', 'B'], ['c', 'C']] }] }],
        }],
      },
    },
    steps: all({ 'Install Odoo Modules': [], 'Configure Fiscal Settings': ['Install Odoo Modules'], 'Install Custom Module: Partner Tweaks': ['Install Odoo Modules'] }),
    risk: 'critical',
  },
  {
    name: 'retail: website + POS, users, no contact details',
    briefing: { business_name: 'Corner Books', business_type: 'retail', website_config: site('books.example'), erp_config: { modules: ['point_of_sale', 'inventory', 'crm'], users: admin('books.example') }, integrations: [contactForm] },
    steps: all({
      ...WEB, 'Install Odoo Modules': [], 'Create Odoo Users': ['Install Odoo Modules'], 'Configure Fiscal Settings': ['Install Odoo Modules'],
      'Configure Integration: Contact Form to CRM': ['Deploy Website', 'Create Odoo Users'],
    }),
    risk: 'medium',
  },
  {
    name: 'service: healthcare practice (compliance-sensitive industry)',
    briefing: {
      business_name: 'Praxis Dr. Weber', business_type: 'service', industry: 'Healthcare', contact_email: 'praxis@weber.example', contact_phone: '+49 30 9876543',
      website_config: site('weber.example'), erp_config: { modules: ['crm', 'calendar'] }, integrations: [contactForm],
    },
    steps: all({
      ...WEB, 'Install Odoo Modules': [], 'Configure Fiscal Settings': ['Install Odoo Modules'],
      'Configure Integration: Contact Form to CRM': ['Deploy Website', 'Install Odoo Modules'],
    }),
    risk: 'high',
  },
];
