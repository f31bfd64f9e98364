import { z } from 'zod';
import { ErpUserSchema, IntegrationSchema, SecretRefSchema } from './briefing.schema';
import { CustomModuleSpecSchema } from './custom-module.schema';
import { KNOWN_ODOO_MODULES, ODOO_MODULES } from './odoo-modules';
import { StepAction } from './plan.schema';

const domain = z.string().regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, 'must be a domain name like acme.example');
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1e40af');
const moduleWord = z.string().refine((word) => KNOWN_ODOO_MODULES.includes(word), { message: `unknown module; known modules: ${KNOWN_ODOO_MODULES.join(', ')}` });
const nullableLocale = z.string().regex(/^[a-z]{2}_[A-Z]{2}$/).nullable().default(null);
const nullableTimezone = z.string().nullable().default(null);

export const DNS_RECORD_CHOICES = ['A', 'AAAA', 'www CNAME', 'MX', 'TXT'] as const;

export const VALIDATION_CHECKS = ['website_http_200', 'dns_answer', 'odoo_login', 'integration_roundtrip'] as const;

/**
 * The parameters each step action accepts: what the planner writes and what a
 * client-supplied execution graph must give. Executors parse their parameters
 * with the same schema, so a step never runs on parameters nobody checked.
 */
export const STEP_PARAMETER_SCHEMAS = {
  'website.generate': z
    .object({
      business_name: z.string().min(2).max(100),
      domain,
      pages: z.array(z.string()).min(1),
      features: z.array(z.string()).default([]),
      primary_color: color,
      secondary_color: color.optional(),
      tagline: z.string().optional(),
      description: z.string().optional(),
      logo_url: z.string().url().optional(),
      contact_email: z.string().email().optional(),
      contact_phone: z.string().optional(),
      /** BCP 47 tag for the site's <html lang>, from erp_config.language. */
      language: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/).optional(),
    })
    .strict(),
  'website.deploy': z.object({ domain }).strict(),
  'dns.configure': z
    .object({
      domain,
      /** Which record sets point the domain at the web host: apex A/AAAA to DNS_WEB_IPV4/6, www CNAME to the apex, and apex MX/TXT from `mx`/`txt`. */
      records: z.array(z.enum(DNS_RECORD_CHOICES)).min(1).default(['A', 'www CNAME']),
      /** Unset: DNS_TTL from configuration. */
      ttl: z.number().int().min(60).max(86400).optional(),
      mx: z.array(z.object({ preference: z.number().int().min(0).max(65535), exchange: domain }).strict()).min(1).optional(),
      txt: z.array(z.string().min(1).max(1024)).min(1).optional(),
      /** Apply even when the plan changes more of the zone than the safety threshold allows. */
      force: z.boolean().default(false),
      /** The tenant secret with the provider's credentials; unset: the configured ones. */
      secret_ref: SecretRefSchema.optional(),
    })
    .strict()
    .superRefine((p, ctx) => {
      for (const [type, field] of [['MX', 'mx'], ['TXT', 'txt']] as const) {
        const listed = p.records.includes(type);
        if (listed && !p[field]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `records include ${type}, so ${field} must list its values` });
        if (!listed && p[field]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `${field} is given but records do not include ${type}` });
      }
    }),
  'odoo.install_modules': z
    .object({ modules: z.array(moduleWord).min(1), technical_names: z.array(z.string()).optional(), enterprise_only: z.array(z.string()).optional(), secret_ref: SecretRefSchema.optional() })
    .strict()
    .transform((p) => ({
      modules: p.modules,
      technical_names: p.technical_names ?? [...new Set(p.modules.map((word) => ODOO_MODULES[word].technical))],
      enterprise_only: p.enterprise_only ?? p.modules.filter((word) => ODOO_MODULES[word].enterprise),
      ...(p.secret_ref ? { secret_ref: p.secret_ref } : {}),
    })),
  'odoo.create_users': z.object({ users: z.array(ErpUserSchema).min(1), language: nullableLocale, timezone: nullableTimezone, secret_ref: SecretRefSchema.optional() }).strict(),
  'odoo.configure_fiscal': z
    .object({
      company_name: z.string().min(2),
      country: z.string().regex(/^[A-Z]{2}$/),
      currency: z.string().regex(/^[A-Z]{3}$/),
      fiscal_year_start: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/),
      language: nullableLocale,
      timezone: nullableTimezone,
      secret_ref: SecretRefSchema.optional(),
    })
    .strict(),
  'odoo.install_custom_module': z.object({ module: CustomModuleSpecSchema, secret_ref: SecretRefSchema.optional() }).strict(),
  // The briefing's integration, plus the Odoo secret (erp_config.secret_ref) its leads go to.
  'integration.configure': IntegrationSchema.extend({ secret_ref: SecretRefSchema.optional() }).strict(),
  'validation.run': z
    .object({
      checks: z.array(z.enum(VALIDATION_CHECKS)),
      domain: domain.nullable().default(null),
      /** The tenant secret with the Odoo login the odoo_login check signs in with; unset: ODOO_* from configuration. */
      odoo_secret_ref: SecretRefSchema.optional(),
    })
    .strict(),
} satisfies Record<StepAction, z.ZodTypeAny>;

export type StepParameters<A extends StepAction> = z.infer<(typeof STEP_PARAMETER_SCHEMAS)[A]>;
