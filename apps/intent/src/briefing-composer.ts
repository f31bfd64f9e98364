import { Briefing, BriefingInput, BriefingSchema, BusinessType, ResolvedBusinessIntent, ValidBusinessIntentInput } from '@bf/contracts';
import {
  ADMIN_USER_NAME,
  AUDIENCE_SENTENCE,
  BRIEFING_TYPE_RULES,
  CONTACT_FORM_INTEGRATION_NAME,
  DESCRIPTIONS,
  FEATURE_BY_MODULE,
  FEATURES_BY_TYPE,
  INDUSTRY_LABELS,
  PAGE_BY_INDUSTRY,
  PAGES_BY_TYPE,
  PRIMARY_COLOR_BY_INDUSTRY,
  SECONDARY_COLOR,
  TAGLINES,
} from './rules/briefing.rules';
import { COUNTRIES } from './rules/region.rules';

/**
 * `.example` is reserved (RFC 2606): a composed briefing can be planned and run
 * dry without touching anyone's real domain or mailbox. The user replaces it
 * with their own domain before a live run.
 */
const RESERVED_TLD = 'example';
const MAX_DESCRIPTION = 2000;
const COUNTRY_BY_CODE = new Map(COUNTRIES.map((country) => [country.code, country]));
const FINAL_PUNCTUATION = /[.!?]+$/;

/**
 * Turns a resolved intent into a complete seed 000 briefing, ready for the
 * planner. Pure: the same intent always gives the same briefing. The rules are
 * in rules/briefing.rules.ts.
 */
export class BriefingComposer {
  /** @throws ZodError when the composition breaks the briefing schema: a bug in the rules, not in the input. */
  compose(input: ValidBusinessIntentInput, intent: ResolvedBusinessIntent): Briefing {
    const type = briefingType(intent);
    const domain = `${intent.domain_slug}.${RESERVED_TLD}`;
    const hasCrm = intent.odoo_modules_required.includes('crm');
    const draft: BriefingInput = {
      business_name: intent.suggested_business_name,
      business_type: type,
      industry: INDUSTRY_LABELS[intent.industry],
      country: intent.region.country,
      contact_email: `info@${domain}`,
      website_config: {
        domain,
        template: intent.website_template,
        pages: pages(type, intent),
        features: features(type, intent),
        primary_color: PRIMARY_COLOR_BY_INDUSTRY[intent.industry],
        secondary_color: SECONDARY_COLOR,
        logo_url: null,
        tagline: TAGLINES[intent.language][intent.industry],
        description: description(input, intent),
      },
      erp_config: {
        modules: intent.odoo_modules_required,
        users: [{ name: ADMIN_USER_NAME[intent.language], email: `admin@${domain}`, role: 'admin' }],
        currency: intent.region.currency,
        fiscal_year_start: '01-01',
        language: intent.region.language,
        timezone: intent.region.timezone,
        custom_modules: intent.custom_modules_spec,
      },
      // Website enquiries become CRM leads, so only when there is a CRM to receive them.
      integrations: hasCrm
        ? [{ name: CONTACT_FORM_INTEGRATION_NAME, source: 'website', target: 'odoo', type: 'contact_form', enabled: true, config: { create_lead: true } }]
        : [],
      auto_execute: false,
      // A composed briefing is a proposal: it runs dry until someone has reviewed it.
      dry_run: true,
      auto_rollback: true,
      priority: 10,
      notes:
        `Composed from a business idea by the intent resolver (${intent.intent_id}): ${intent.business_type}, ` +
        `${intent.monetization_type}, ${intent.industry}, risk ${intent.risk_level}. Review the name and the .${RESERVED_TLD} domain before a live run.`,
    };
    return BriefingSchema.parse(draft);
  }
}

function briefingType(intent: ResolvedBusinessIntent): BusinessType {
  const rule = BRIEFING_TYPE_RULES.find(({ when }) =>
    (!when.industries || when.industries.includes(intent.industry)) &&
    (!when.kinds || when.kinds.includes(intent.business_type)) &&
    (!when.monetization || when.monetization.includes(intent.monetization_type)) &&
    (!when.modules || when.modules.every((module) => intent.odoo_modules_required.includes(module))),
  );
  return rule!.type; // the last rule has no conditions
}

function pages(type: BusinessType, intent: ResolvedBusinessIntent): string[] {
  const pages = [...PAGES_BY_TYPE[type]];
  const extra = PAGE_BY_INDUSTRY[intent.industry];
  if (extra && !pages.includes(extra)) pages.splice(pages.indexOf('contact'), 0, extra);
  return pages;
}

function features(type: BusinessType, intent: ResolvedBusinessIntent): string[] {
  const extra = intent.odoo_modules_required.flatMap((module) => FEATURE_BY_MODULE[module] ?? []);
  return [...new Set([...FEATURES_BY_TYPE[type], ...extra])];
}

function description(input: ValidBusinessIntentInput, intent: ResolvedBusinessIntent): string {
  const country = COUNTRY_BY_CODE.get(intent.region.country)?.label[intent.language] ?? intent.region.country;
  // Replacer functions, so a "$" in the user's words is not read as a replacement pattern.
  const body = DESCRIPTIONS[intent.language][intent.industry].replace('{name}', () => intent.suggested_business_name).replace('{country}', () => country);
  const audience = input.target_audience ? AUDIENCE_SENTENCE[intent.language].replace('{audience}', () => trimSentence(input.target_audience)) : '';
  return truncate(body + audience, MAX_DESCRIPTION);
}

function trimSentence(text: string): string {
  return text.trim().replace(FINAL_PUNCTUATION, '');
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}
