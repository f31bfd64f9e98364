import { BusinessIntentInput, ResolvedBusinessIntent } from '@bf/contracts';

/**
 * Business ideas in English and German with the classification each must get.
 * The resolver's rules are tuned against this corpus: a rule change that moves
 * any entry shows up in intent-resolver.spec.ts. Together the entries cover
 * every business type, monetization type and industry.
 */
export interface CorpusEntry {
  input: BusinessIntentInput;
  expected: Pick<ResolvedBusinessIntent, 'business_type' | 'monetization_type' | 'industry'> & {
    language?: ResolvedBusinessIntent['language'];
    region?: Partial<ResolvedBusinessIntent['region']>;
    /** Modules that must be among odoo_modules_required. */
    modules?: string[];
    /** Modules that must not be. */
    notModules?: string[];
    risk_level?: ResolvedBusinessIntent['risk_level'];
    custom_modules?: string[];
  };
}

export const INTENT_CORPUS: readonly CorpusEntry[] = [
  // --- consulting and professional services
  {
    input: { vision: 'Ich möchte eine IT-Beratung in Berlin gründen, mit Projektabrechnung für Mittelständler' },
    expected: {
      business_type: 'SERVICE', monetization_type: 'PROJECT_BASED', industry: 'CONSULTING', language: 'de', risk_level: 'low',
      region: { country: 'DE', currency: 'EUR', language: 'de_DE', timezone: 'Europe/Berlin' }, modules: ['crm', 'projects', 'timesheets', 'invoicing'],
      custom_modules: [],
    },
  },
  {
    input: { vision: 'A marketing agency in Rotterdam for consumer brands, billed per project' },
    expected: { business_type: 'SERVICE', monetization_type: 'PROJECT_BASED', industry: 'CONSULTING', language: 'en', region: { country: 'NL', language: 'nl_NL', timezone: 'Europe/Amsterdam' } },
  },
  {
    input: { vision: 'Management consulting for family businesses, with a monthly retainer', region: 'CH' },
    expected: { business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'CONSULTING', region: { currency: 'CHF' }, modules: ['crm', 'subscriptions'] },
  },
  {
    input: { vision: 'Vertriebsagentur für Industriemaschinen auf Provisionsbasis', region: 'Österreich' },
    expected: { business_type: 'SERVICE', monetization_type: 'COMMISSION', industry: 'MANUFACTURING', language: 'de', region: { country: 'AT', timezone: 'Europe/Vienna' } },
  },
  // --- technology
  {
    input: { vision: 'A SaaS tool for freelancers to track invoices, with a free tier and paid premium plans', region: 'Berlin' },
    expected: { business_type: 'PLATFORM', monetization_type: 'FREEMIUM', industry: 'TECH', modules: ['subscriptions', 'sales'] },
  },
  {
    input: { vision: 'Freelance web developer billing clients by the hour', region: 'Amsterdam' },
    expected: { business_type: 'SERVICE', monetization_type: 'HOURLY', industry: 'TECH', region: { country: 'NL', currency: 'EUR' }, modules: ['timesheets', 'invoicing'] },
  },
  {
    input: { vision: 'Softwareentwicklung und Cloud-Hosting für Handwerksbetriebe, abgerechnet nach Aufwand', region: 'München' },
    expected: { business_type: 'SERVICE', monetization_type: 'HOURLY', industry: 'TECH', language: 'de', region: { country: 'DE', timezone: 'Europe/Berlin' } },
  },
  {
    input: { vision: 'Desktop software for architects, sold as a perpetual license', region: 'Seattle' },
    expected: { business_type: 'PRODUCT', monetization_type: 'ONE_TIME', industry: 'TECH', region: { country: 'US', currency: 'USD', language: 'en_US', timezone: 'America/Los_Angeles' } },
  },
  {
    input: { vision: 'An IT support company for law firms in Vienna with a monthly helpdesk retainer' },
    expected: { business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'TECH', region: { country: 'AT' }, modules: ['helpdesk', 'subscriptions'] },
  },
  {
    input: { vision: 'A mobile puzzle game app with ads and in-app purchases', region: 'San Francisco' },
    expected: { business_type: 'PLATFORM', monetization_type: 'ADVERTISING', industry: 'TECH', region: { timezone: 'America/Los_Angeles' } },
  },
  // --- healthcare
  {
    input: { vision: 'A medical clinic for patients with subscription care plans', region: 'London', compliance_sensitivity: 'HIGH' },
    expected: {
      business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'HEALTHCARE', risk_level: 'critical',
      region: { country: 'GB', currency: 'GBP', language: 'en_GB', timezone: 'Europe/London' }, custom_modules: ['x_patient_appointments'],
    },
  },
  {
    input: { vision: 'Zahnarztpraxis in München mit Online-Terminbuchung für Kassen- und Privatpatienten' },
    expected: {
      business_type: 'SERVICE', monetization_type: 'TRANSACTION', industry: 'HEALTHCARE', language: 'de', risk_level: 'high',
      region: { country: 'DE', timezone: 'Europe/Berlin' }, modules: ['calendar', 'contacts'], custom_modules: ['x_patient_appointments'],
    },
  },
  {
    input: { vision: 'Physiotherapie-Praxis in Düsseldorf mit Hausbesuchen', compliance_sensitivity: 'HIGH' },
    expected: { business_type: 'SERVICE', monetization_type: 'TRANSACTION', industry: 'HEALTHCARE', risk_level: 'high', region: { country: 'DE' } },
  },
  {
    input: { vision: 'An online therapy platform connecting patients with licensed psychologists for a booking fee', region: 'Madrid', compliance_sensitivity: 'CRITICAL' },
    expected: { business_type: 'PLATFORM', monetization_type: 'COMMISSION', industry: 'HEALTHCARE', risk_level: 'critical', region: { country: 'ES' } },
  },
  // --- finance
  {
    input: { vision: 'Steuerberatung für Selbstständige in Wien, Abrechnung nach Stundensatz' },
    expected: { business_type: 'SERVICE', monetization_type: 'HOURLY', industry: 'FINANCE', language: 'de', risk_level: 'high', region: { country: 'AT', language: 'de_DE', timezone: 'Europe/Vienna' } },
  },
  {
    input: { vision: 'Fintech app for instant peer-to-peer loans, taking a commission on every loan', region: 'Frankfurt', compliance_sensitivity: 'HIGH' },
    expected: { business_type: 'PLATFORM', monetization_type: 'COMMISSION', industry: 'FINANCE', risk_level: 'critical', custom_modules: ['x_marketplace'] },
  },
  {
    input: { vision: 'Accounting and bookkeeping firm for small businesses in Edinburgh, fixed monthly fee' },
    expected: { business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'FINANCE', region: { country: 'GB' }, modules: ['crm'] },
  },
  {
    input: { vision: 'Versicherungsmakler für Gewerbekunden in Stuttgart, Vergütung über Courtage' },
    expected: { business_type: 'SERVICE', monetization_type: 'COMMISSION', industry: 'FINANCE', language: 'de', region: { country: 'DE' } },
  },
  // --- retail and e-commerce
  {
    input: { vision: 'An online shop selling handmade furniture with monthly subscription boxes', region: 'US' },
    expected: {
      business_type: 'PRODUCT', monetization_type: 'SUBSCRIPTION', industry: 'RETAIL', region: { country: 'US', currency: 'USD', timezone: 'America/New_York' },
      modules: ['ecommerce', 'subscriptions', 'sales', 'invoicing'],
    },
  },
  {
    input: { vision: 'Onlineshop für Bio-Tee mit Versand in ganz Deutschland' },
    expected: {
      business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'RETAIL', language: 'de', risk_level: 'medium', region: { country: 'DE' },
      modules: ['ecommerce', 'sales', 'inventory'], notModules: ['crm'],
    },
  },
  {
    input: { vision: 'Mode-Boutique in Mailand mit eigenem Onlineshop' },
    expected: { business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'RETAIL', language: 'de', region: { country: 'IT', language: 'it_IT', timezone: 'Europe/Rome' }, modules: ['ecommerce', 'point_of_sale'] },
  },
  {
    input: { vision: 'We sell refurbished smartphones and accessories', region: 'Lyon' },
    expected: { business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'OTHER', region: { country: 'FR', language: 'fr_FR', timezone: 'Europe/Paris' }, modules: ['ecommerce'] },
  },
  // --- education
  {
    input: { vision: 'Wir entwickeln eine Lern-App für Schüler mit kostenloser Basisversion und Premium-Funktionen', region: 'AT' },
    expected: { business_type: 'PLATFORM', monetization_type: 'FREEMIUM', industry: 'EDUCATION', language: 'de', region: { country: 'AT', currency: 'EUR' }, custom_modules: ['x_course_enrollment'] },
  },
  {
    input: { vision: 'A language school in Madrid offering English courses for adults' },
    expected: { business_type: 'SERVICE', monetization_type: 'ONE_TIME', industry: 'EDUCATION', region: { country: 'ES', currency: 'EUR', language: 'es_ES', timezone: 'Europe/Madrid' } },
  },
  {
    input: { vision: 'Online-Nachhilfe für Mathe und Physik, Abrechnung pro Stunde über unsere Plattform', region: 'DE' },
    expected: { business_type: 'PLATFORM', monetization_type: 'HOURLY', industry: 'EDUCATION', language: 'de' },
  },
  {
    input: { vision: 'An online course platform for photographers with a one-time payment per course', region: 'NL' },
    expected: { business_type: 'PLATFORM', monetization_type: 'ONE_TIME', industry: 'EDUCATION', region: { country: 'NL', timezone: 'Europe/Amsterdam' } },
  },
  {
    input: { vision: 'Sprachschule in Zürich mit Deutschkursen für Erwachsene, bezahlt wird einmalig pro Kurs' },
    expected: { business_type: 'SERVICE', monetization_type: 'ONE_TIME', industry: 'EDUCATION', language: 'de', region: { country: 'CH', currency: 'CHF', language: 'de_CH', timezone: 'Europe/Zurich' } },
  },
  // --- manufacturing
  {
    input: { vision: 'We manufacture custom CNC machined parts for the automotive industry in Stuttgart' },
    expected: { business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'MANUFACTURING', region: { country: 'DE' }, modules: ['manufacturing', 'inventory', 'purchase'], notModules: ['ecommerce'] },
  },
  {
    input: { vision: 'Wir produzieren Naturkosmetik in einer kleinen Manufaktur in Freiburg und verkaufen über Drogerien und unseren Webshop' },
    expected: { business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'MANUFACTURING', language: 'de', modules: ['manufacturing', 'ecommerce'] },
  },
  {
    input: { vision: 'Craft brewery in Leeds selling beer by the crate to retailers' },
    expected: { business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'MANUFACTURING', region: { country: 'GB', currency: 'GBP' } },
  },
  // --- hospitality
  {
    input: { vision: 'A small bakery shop', region: 'Hamburg', compliance_sensitivity: 'LOW' },
    expected: { business_type: 'PRODUCT', monetization_type: 'TRANSACTION', industry: 'HOSPITALITY', risk_level: 'low', modules: ['point_of_sale'], notModules: ['ecommerce'] },
  },
  {
    input: { vision: 'Boutique hotel in Vienna with direct online booking' },
    expected: { business_type: 'SERVICE', monetization_type: 'TRANSACTION', industry: 'HOSPITALITY', region: { country: 'AT' }, custom_modules: ['x_room_booking'] },
  },
  {
    input: { vision: 'Ein italienisches Restaurant in Köln mit Mittagstisch und Catering' },
    expected: { business_type: 'SERVICE', monetization_type: 'TRANSACTION', industry: 'HOSPITALITY', language: 'de', region: { country: 'DE' }, modules: ['point_of_sale'], custom_modules: ['x_table_reservation'] },
  },
  {
    input: { vision: 'An online store selling subscription meal kits, delivered weekly to busy families in Zurich' },
    expected: { business_type: 'PRODUCT', monetization_type: 'SUBSCRIPTION', industry: 'HOSPITALITY', region: { country: 'CH', currency: 'CHF' }, modules: ['ecommerce', 'subscriptions'], notModules: ['point_of_sale'] },
  },
  {
    input: { vision: 'Ice cream parlour in Rome' },
    expected: { business_type: 'SERVICE', monetization_type: 'TRANSACTION', industry: 'HOSPITALITY', region: { country: 'IT', currency: 'EUR', language: 'it_IT', timezone: 'Europe/Rome' } },
  },
  // --- real estate
  {
    input: { vision: 'A real estate agency in Manchester earning a commission on every property sale' },
    expected: { business_type: 'SERVICE', monetization_type: 'COMMISSION', industry: 'REAL_ESTATE', region: { country: 'GB' }, custom_modules: ['x_real_estate'] },
  },
  {
    input: { vision: 'Hausverwaltung für Eigentümergemeinschaften in Hamburg, monatliche Gebühr pro Wohnung' },
    expected: { business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'REAL_ESTATE', language: 'de', risk_level: 'medium', custom_modules: ['x_real_estate'] },
  },
  {
    input: { vision: 'Property management software for landlords, sold as a monthly subscription', region: 'Boston' },
    expected: { business_type: 'PLATFORM', monetization_type: 'SUBSCRIPTION', industry: 'REAL_ESTATE', region: { country: 'US', timezone: 'America/New_York' } },
  },
  {
    input: { vision: 'Ein Immobilienmakler-Büro in Frankfurt, Provision vom Käufer' },
    expected: { business_type: 'SERVICE', monetization_type: 'COMMISSION', industry: 'REAL_ESTATE', language: 'de', region: { country: 'DE' } },
  },
  {
    input: { vision: 'Coworking space in Barcelona with monthly desk memberships' },
    expected: { business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'REAL_ESTATE', region: { country: 'ES' } },
  },
  // --- everything else
  {
    input: { vision: 'A news website for cyclists funded by advertising and sponsored posts', region: 'UK' },
    expected: { business_type: 'PLATFORM', monetization_type: 'ADVERTISING', industry: 'OTHER', region: { country: 'GB' } },
  },
  {
    input: { vision: 'Ein werbefinanziertes Stadtmagazin für Leipzig mit Veranstaltungstipps' },
    expected: { business_type: 'PLATFORM', monetization_type: 'ADVERTISING', industry: 'OTHER', language: 'de', region: { country: 'DE' } },
  },
  {
    input: { vision: 'Ein Online-Marktplatz für gebrauchte Fahrräder, wir verdienen an einer Provision pro Verkauf', region: 'DE' },
    expected: { business_type: 'PLATFORM', monetization_type: 'COMMISSION', industry: 'OTHER', language: 'de', custom_modules: ['x_marketplace'] },
  },
  {
    input: { vision: 'Eine Plattform, die Handwerker mit Hausbesitzern verbindet; wir verdienen eine Vermittlungsgebühr pro Auftrag', region: 'Schweiz' },
    expected: { business_type: 'PLATFORM', monetization_type: 'COMMISSION', industry: 'OTHER', language: 'de', region: { country: 'CH', currency: 'CHF' } },
  },
  {
    input: { vision: 'Wedding photography studio in Paris with one-off packages' },
    expected: { business_type: 'SERVICE', monetization_type: 'ONE_TIME', industry: 'OTHER', region: { country: 'FR', currency: 'EUR' } },
  },
  {
    input: { vision: 'A yoga studio in Barcelona with monthly memberships and drop-in sessions' },
    expected: { business_type: 'SERVICE', monetization_type: 'SUBSCRIPTION', industry: 'OTHER', region: { country: 'ES', timezone: 'Europe/Madrid' } },
  },
  // --- hybrid: goods and services together
  {
    input: { vision: 'Autowerkstatt in Linz: Reparatur und Verkauf von Gebrauchtwagen' },
    expected: { business_type: 'HYBRID', monetization_type: 'TRANSACTION', industry: 'OTHER', language: 'de', region: { country: 'AT' }, modules: ['projects', 'sales', 'inventory'] },
  },
  {
    input: { vision: 'A bike repair workshop that also sells bikes and parts in its own store', region: 'Bristol' },
    expected: { business_type: 'HYBRID', monetization_type: 'TRANSACTION', industry: 'RETAIL', region: { country: 'GB' }, modules: ['point_of_sale'] },
  },
  {
    input: { vision: 'A hybrid café and bookshop with reading evenings', region: 'Cologne' },
    expected: { business_type: 'HYBRID', monetization_type: 'TRANSACTION', industry: 'HOSPITALITY', region: { country: 'DE' } },
  },
  {
    input: { vision: 'Fahrradladen mit eigener Werkstatt: Verkauf und Reparatur von E-Bikes', region: 'Regensburg' },
    expected: { business_type: 'HYBRID', monetization_type: 'TRANSACTION', industry: 'RETAIL', language: 'de', region: { country: 'DE' }, modules: ['point_of_sale'] },
  },
];
