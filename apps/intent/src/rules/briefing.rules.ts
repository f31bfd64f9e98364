import { BusinessType } from '@bf/contracts';
import { BusinessKind, Industry, Monetization, TextLanguage } from './rule-types';

/**
 * How BriefingComposer turns a resolved intent into a seed 000 briefing.
 *
 * Seed 000 knows six business types; the intent has four kinds, eight
 * monetizations and ten industries. The first rule whose conditions all hold
 * decides: what the business makes or advises on (consulting, manufacturing)
 * says most about the site and ERP it needs, then how it sells (an online shop
 * is ecommerce, a platform or a software product is saas), then what it is (goods → retail), and
 * everything else is a service.
 */
export const BRIEFING_TYPE_RULES: readonly {
  when: { industries?: readonly Industry[]; kinds?: readonly BusinessKind[]; monetization?: readonly Monetization[]; modules?: readonly string[] };
  type: BusinessType;
}[] = [
  { when: { industries: ['CONSULTING'] }, type: 'consulting' },
  { when: { industries: ['MANUFACTURING'] }, type: 'manufacturing' },
  { when: { modules: ['ecommerce'] }, type: 'ecommerce' },
  { when: { kinds: ['PLATFORM'] }, type: 'saas' },
  { when: { industries: ['TECH'], kinds: ['PRODUCT'] }, type: 'saas' },
  { when: { kinds: ['PRODUCT'] }, type: 'retail' },
  { when: { industries: ['RETAIL'] }, type: 'retail' },
  { when: {}, type: 'service' },
];

/** Website pages per briefing type; the seed example's consulting site first. */
export const PAGES_BY_TYPE: Record<BusinessType, readonly string[]> = {
  consulting: ['home', 'about', 'services', 'team', 'contact'],
  service: ['home', 'about', 'services', 'contact'],
  saas: ['home', 'features', 'pricing', 'about', 'contact'],
  ecommerce: ['home', 'shop', 'about', 'contact'],
  retail: ['home', 'products', 'about', 'location', 'contact'],
  manufacturing: ['home', 'products', 'about', 'contact'],
};
/** An industry page, inserted before "contact". */
export const PAGE_BY_INDUSTRY: Partial<Record<Industry, string>> = {
  HEALTHCARE: 'appointments',
  EDUCATION: 'courses',
  HOSPITALITY: 'menu',
  REAL_ESTATE: 'properties',
};

export const FEATURES_BY_TYPE: Record<BusinessType, readonly string[]> = {
  consulting: ['blog', 'contact_form'],
  service: ['contact_form'],
  saas: ['pricing_table', 'newsletter', 'contact_form'],
  ecommerce: ['product_catalog', 'cart', 'contact_form'],
  retail: ['product_catalog', 'opening_hours', 'contact_form'],
  manufacturing: ['product_catalog', 'contact_form'],
};
/** A feature the site gets when the ERP has the module behind it. */
export const FEATURE_BY_MODULE: Record<string, string> = {
  calendar: 'appointment_booking',
  subscriptions: 'subscription_plans',
  helpdesk: 'support_portal',
};

/** One colour per industry, so the same idea always looks the same; the secondary is the seed's slate. */
export const PRIMARY_COLOR_BY_INDUSTRY: Record<Industry, string> = {
  CONSULTING: '#1e40af',
  TECH: '#7c3aed',
  HEALTHCARE: '#0f766e',
  FINANCE: '#1e3a8a',
  RETAIL: '#db2777',
  EDUCATION: '#ca8a04',
  MANUFACTURING: '#b45309',
  HOSPITALITY: '#c2410c',
  REAL_ESTATE: '#0369a1',
  OTHER: '#2563eb',
};
export const SECONDARY_COLOR = '#64748b';

/** The briefing's free-text industry (English, like the seed's "IT Consulting"). */
export const INDUSTRY_LABELS: Record<Industry, string> = {
  TECH: 'Information Technology',
  HEALTHCARE: 'Healthcare',
  FINANCE: 'Financial Services',
  RETAIL: 'Retail',
  EDUCATION: 'Education',
  MANUFACTURING: 'Manufacturing',
  HOSPITALITY: 'Hospitality',
  REAL_ESTATE: 'Real Estate',
  CONSULTING: 'Consulting',
  OTHER: 'General Business',
};

/** Site copy in the language of the idea. */
export const TAGLINES: Record<TextLanguage, Record<Industry, string>> = {
  en: {
    TECH: 'Software that works for you',
    HEALTHCARE: 'Care you can count on',
    FINANCE: 'Your finances in good hands',
    RETAIL: 'Quality products, delivered',
    EDUCATION: 'Learn with confidence',
    MANUFACTURING: 'Made with precision',
    HOSPITALITY: 'Good food, warm welcome',
    REAL_ESTATE: 'Find the right place',
    CONSULTING: 'Expert advice for your business',
    OTHER: 'Here for you',
  },
  de: {
    TECH: 'Software, die für Sie arbeitet',
    HEALTHCARE: 'Versorgung, auf die Sie sich verlassen können',
    FINANCE: 'Ihre Finanzen in guten Händen',
    RETAIL: 'Gute Produkte, schnell geliefert',
    EDUCATION: 'Mit Sicherheit dazulernen',
    MANUFACTURING: 'Präzise gefertigt',
    HOSPITALITY: 'Gutes Essen, herzlicher Empfang',
    REAL_ESTATE: 'Der richtige Ort für Sie',
    CONSULTING: 'Kompetente Beratung für Ihr Unternehmen',
    OTHER: 'Für Sie da',
  },
};

/** `{name}` and `{country}` (as it reads after "in") are filled in. */
export const DESCRIPTIONS: Record<TextLanguage, Record<Industry, string>> = {
  en: {
    TECH: '{name} builds and runs software for customers in {country}.',
    HEALTHCARE: '{name} provides healthcare services in {country}.',
    FINANCE: '{name} offers financial services in {country}.',
    RETAIL: '{name} sells quality products to customers in {country}.',
    EDUCATION: '{name} offers courses and learning in {country}.',
    MANUFACTURING: '{name} manufactures products in {country}.',
    HOSPITALITY: '{name} welcomes guests in {country}.',
    REAL_ESTATE: '{name} helps people find, rent and manage property in {country}.',
    CONSULTING: '{name} provides professional consulting in {country}.',
    OTHER: '{name} serves customers in {country}.',
  },
  de: {
    TECH: '{name} entwickelt und betreibt Software für Kunden in {country}.',
    HEALTHCARE: '{name} bietet Gesundheitsleistungen in {country}.',
    FINANCE: '{name} bietet Finanzdienstleistungen in {country}.',
    RETAIL: '{name} verkauft hochwertige Produkte an Kunden in {country}.',
    EDUCATION: '{name} bietet Kurse und Weiterbildung in {country}.',
    MANUFACTURING: '{name} fertigt Produkte in {country}.',
    HOSPITALITY: '{name} empfängt Gäste in {country}.',
    REAL_ESTATE: '{name} hilft beim Finden, Mieten und Verwalten von Immobilien in {country}.',
    CONSULTING: '{name} bietet professionelle Beratung in {country}.',
    OTHER: '{name} ist für Kunden in {country} da.',
  },
};
/** Appended to the description when the input names a target audience. */
export const AUDIENCE_SENTENCE: Record<TextLanguage, string> = { en: ' For {audience}.', de: ' Für {audience}.' };
export const ADMIN_USER_NAME: Record<TextLanguage, string> = { en: 'Admin User', de: 'Administrator' };
export const CONTACT_FORM_INTEGRATION_NAME = 'Contact Form to CRM';
