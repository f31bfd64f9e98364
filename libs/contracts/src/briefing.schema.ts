import { z } from 'zod';
import { CustomModuleSpecSchema } from './custom-module.schema';
import { KNOWN_ODOO_MODULES } from './odoo-modules';

/** The six business types of seed 000 ("Business Types"). */
export const BUSINESS_TYPES = ['ecommerce', 'saas', 'consulting', 'manufacturing', 'retail', 'service'] as const;
export const BusinessTypeSchema = z.enum(BUSINESS_TYPES);
export type BusinessType = z.infer<typeof BusinessTypeSchema>;

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
/** A DNS hostname: labels of letters, digits and hyphens, at least one dot, no trailing dot. */
const DOMAIN = /^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;
const SLUG = /^[a-z][a-z0-9_]{0,62}$/;

const color = z.string().regex(HEX_COLOR, 'must be a hex colour like #1e40af');

/**
 * The name of a tenant secret (`PUT /api/v1/secrets/{name}`) holding a step's
 * credentials. Only the name travels in plans and job payloads; the worker
 * resolves the value when the step runs.
 */
export const SecretRefSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must name a secret: lowercase letters, digits and hyphens (like odoo-prod)');
const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http or https URL');

export const WebsiteConfigSchema = z
  .object({
    domain: z
      .string()
      .transform((value) => value.trim().toLowerCase())
      .pipe(z.string().regex(DOMAIN, 'must be a domain name like acme.example')),
    template: z.string().regex(SLUG, 'must be a template id like modern_landing_v1').default('modern_landing_v1'),
    pages: z.array(z.string().regex(SLUG, 'must be a lowercase page name')).min(1).max(30).default(['home', 'contact']),
    features: z.array(z.string().regex(SLUG, 'must be a lowercase feature name')).max(30).default([]),
    primary_color: color.default('#2563eb'),
    secondary_color: color.optional(),
    logo_url: httpUrl.nullable().optional(),
    tagline: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict();
export type WebsiteConfig = z.infer<typeof WebsiteConfigSchema>;

export const ERP_ROLES = ['admin', 'manager', 'user'] as const;

export const ErpUserSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    email: z.string().email(),
    role: z.enum(ERP_ROLES).default('user'),
  })
  .strict();
export type ErpUser = z.infer<typeof ErpUserSchema>;

export const ErpConfigSchema = z
  .object({
    modules: z
      .array(
        z.string().refine((name) => KNOWN_ODOO_MODULES.includes(name), {
          message: `unknown module; known modules: ${KNOWN_ODOO_MODULES.join(', ')}`,
        }),
      )
      .min(1)
      .max(50),
    users: z.array(ErpUserSchema).max(500).default([]),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like EUR').default('EUR'),
    fiscal_year_start: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'must be MM-DD like 01-01')
      .default('01-01'),
    language: z.string().regex(/^[a-z]{2}_[A-Z]{2}$/, 'must be a locale like de_DE').optional(),
    timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$|^UTC$/, 'must be a tz name like Europe/Berlin').optional(),
    /** Modules Odoo does not have, generated from a spec (one plan step each). */
    custom_modules: z.array(CustomModuleSpecSchema).max(10).default([]),
    /** The tenant secret with the Odoo login (`{url, db, user, password}`); unset: ODOO_* from configuration. */
    secret_ref: SecretRefSchema.optional(),
  })
  .strict();
export type ErpConfig = z.infer<typeof ErpConfigSchema>;

/** Ours, beyond the seed: where the DNS provider's credentials come from. */
export const DnsConfigSchema = z
  .object({
    /** The tenant secret with the DNS provider's token or API key; unset: the configured one (HETZNER_DNS_TOKEN, PDNS_API_KEY). */
    secret_ref: SecretRefSchema.optional(),
  })
  .strict();
export type DnsConfig = z.infer<typeof DnsConfigSchema>;

export const INTEGRATION_TYPES = ['contact_form', 'webhook'] as const;

export const IntegrationSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    source: z.enum(['website', 'odoo']),
    target: z.enum(['website', 'odoo']),
    type: z.enum(INTEGRATION_TYPES),
    enabled: z.boolean().default(true),
    config: z.record(z.unknown()).default({}),
  })
  .strict();
export type Integration = z.infer<typeof IntegrationSchema>;

/**
 * Seed 000 BusinessBriefing, every field of its "Complete Example".
 * Unknown fields are rejected so a typo (say `dryrun`) cannot silently change a run.
 */
export const BriefingSchema = z
  .object({
    business_name: z.string().trim().min(2).max(100),
    business_type: BusinessTypeSchema,
    industry: z.string().trim().min(1).max(100).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code like DE').default('DE'),
    contact_email: z.string().email().optional(),
    contact_phone: z
      .string()
      .regex(/^\+?[0-9 ()/-]{5,30}$/, 'must be a phone number like +49 30 12345678')
      .optional(),
    website_config: WebsiteConfigSchema.optional(),
    erp_config: ErpConfigSchema.optional(),
    dns_config: DnsConfigSchema.optional(),
    integrations: z.array(IntegrationSchema).max(20).default([]),
    auto_execute: z.boolean().default(false),
    dry_run: z.boolean().default(false),
    auto_rollback: z.boolean().default(true),
    priority: z.number().int().min(1).max(100).default(10),
    notes: z.string().max(5000).optional(),
  })
  .strict()
  .superRefine((briefing, ctx) => {
    // A contact form feeds CRM leads from the website: without either end it cannot work.
    briefing.integrations.forEach((integration, index) => {
      if (integration.type !== 'contact_form' || !integration.enabled) return;
      if (!briefing.website_config) {
        ctx.addIssue({ code: 'custom', path: ['integrations', index, 'type'], message: 'a contact_form integration needs website_config' });
      }
      if (!briefing.erp_config?.modules.includes('crm')) {
        ctx.addIssue({ code: 'custom', path: ['integrations', index, 'type'], message: "a contact_form integration needs the 'crm' module in erp_config.modules" });
      }
    });
  });
/** A briefing as the client sends it (defaults not yet applied). */
export type BriefingInput = z.input<typeof BriefingSchema>;
/** A briefing after validation, with every default filled in. */
export type Briefing = z.infer<typeof BriefingSchema>;
