import { z } from 'zod';
import { CustomModuleSpecSchema } from './custom-module.schema';
import { RiskLevelSchema } from './plan.schema';

/** Seed 001 S8.1 enums, upper-case as the seed writes them. */
export const IntentBusinessTypeSchema = z.enum(['SERVICE', 'PRODUCT', 'PLATFORM', 'HYBRID']);
export const MonetizationTypeSchema = z.enum([
  'SUBSCRIPTION',
  'TRANSACTION',
  'ONE_TIME',
  'FREEMIUM',
  'ADVERTISING',
  'COMMISSION',
  'HOURLY',
  'PROJECT_BASED',
]);
export const IndustrySchema = z.enum([
  'TECH',
  'HEALTHCARE',
  'FINANCE',
  'RETAIL',
  'EDUCATION',
  'MANUFACTURING',
  'HOSPITALITY',
  'REAL_ESTATE',
  'CONSULTING',
  'OTHER',
]);
export const ComplianceSensitivitySchema = z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

/** Seed 001 BusinessIntentInput. */
export const BusinessIntentInputSchema = z
  .object({
    vision: z.string().trim().min(3, 'describe the business in a few words').max(20000),
    target_audience: z.string().trim().max(2000).default(''),
    /** Country code or a country/city name. When absent, the resolver looks for one in the vision. */
    region: z.string().trim().min(2).max(100).optional(),
    monetization_type: MonetizationTypeSchema.optional(),
    compliance_sensitivity: ComplianceSensitivitySchema.default('MEDIUM'),
  })
  .strict();
export type BusinessIntentInput = z.input<typeof BusinessIntentInputSchema>;
export type ValidBusinessIntentInput = z.infer<typeof BusinessIntentInputSchema>;

/** Why a classification came out the way it did: the rule and the words that matched. */
export const ClassificationReasonSchema = z.object({
  value: z.string(),
  rule: z.string(),
  matched: z.array(z.string()),
});

/** Seed 001 ResolvedBusinessIntent, plus the locale facts the region decides and the reasons. */
export const ResolvedBusinessIntentSchema = z.object({
  intent_id: z.string(),
  vision: z.string(),
  language: z.enum(['en', 'de']),
  business_type: IntentBusinessTypeSchema,
  monetization_type: MonetizationTypeSchema,
  industry: IndustrySchema,
  risk_level: RiskLevelSchema,
  /** Why the risk level is what it is, one short sentence per factor (payments, health data, …). */
  risk_factors: z.array(z.string()),
  needs_website: z.boolean(),
  needs_erp: z.boolean(),
  website_template: z.string(),
  odoo_modules_required: z.array(z.string()),
  custom_modules_spec: z.array(CustomModuleSpecSchema),
  estimated_complexity_score: z.number().int().min(1).max(100),
  /** A business name derived from the vision, for the composed briefing. */
  suggested_business_name: z.string(),
  /** A DNS label derived from the name (lowercase letters, digits, hyphens). */
  domain_slug: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
  region: z.object({ country: z.string(), currency: z.string(), language: z.string(), timezone: z.string() }),
  reasons: z.record(ClassificationReasonSchema),
});
export type ResolvedBusinessIntent = z.infer<typeof ResolvedBusinessIntentSchema>;
