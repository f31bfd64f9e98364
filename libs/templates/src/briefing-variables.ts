import { Briefing } from '@bf/contracts';

/**
 * The template variables a briefing supplies to its website template. The
 * planner puts exactly these into the Generate Website step, and the gateway
 * checks them against the template's manifest at planning time.
 */
export function websiteVariables(briefing: Briefing): Record<string, unknown> {
  const site = briefing.website_config;
  if (!site) return {};
  return {
    business_name: briefing.business_name,
    domain: site.domain,
    pages: site.pages,
    features: site.features,
    primary_color: site.primary_color,
    ...(site.secondary_color ? { secondary_color: site.secondary_color } : {}),
    ...(site.tagline ? { tagline: site.tagline } : {}),
    ...(site.description ? { description: site.description } : {}),
    ...(site.logo_url ? { logo_url: site.logo_url } : {}),
    ...(briefing.contact_email ? { contact_email: briefing.contact_email } : {}),
    ...(briefing.contact_phone ? { contact_phone: briefing.contact_phone } : {}),
    // <html lang>: the briefing's language (erp_config.language, de_DE → de-DE); templates default to en.
    ...(briefing.erp_config?.language ? { language: briefing.erp_config.language.replace('_', '-') } : {}),
  };
}
