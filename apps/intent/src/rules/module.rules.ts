import { BusinessKind, Industry, Keywords, Monetization } from './rule-types';

/**
 * Which Odoo modules (briefing words, the keys of ODOO_MODULES in
 * libs/contracts) an idea needs. The selection is the union of everything that
 * applies, in ODOO_MODULES order. Seed 001: a service business gets projects, a
 * subscription business gets subscriptions.
 */

/**
 * CRM is for businesses that win customers through enquiries and quotes.
 * A shop or a restaurant sells over the counter or checkout and gets it only
 * when its words call for it (B2B, leads).
 */
export const MODULES_BY_BUSINESS_KIND: Record<BusinessKind, readonly string[]> = {
  SERVICE: ['crm', 'projects', 'invoicing'],
  PRODUCT: ['sales', 'inventory', 'invoicing'],
  PLATFORM: ['crm', 'sales', 'invoicing'],
  HYBRID: ['crm', 'projects', 'sales', 'inventory', 'invoicing'],
};

export const MODULES_BY_MONETIZATION: Record<Monetization, readonly string[]> = {
  SUBSCRIPTION: ['subscriptions', 'sales', 'invoicing'],
  TRANSACTION: ['sales', 'invoicing'],
  ONE_TIME: ['sales', 'invoicing'],
  FREEMIUM: ['subscriptions', 'sales', 'invoicing'],
  ADVERTISING: ['crm', 'sales', 'invoicing'],
  COMMISSION: ['crm', 'sales', 'invoicing'],
  HOURLY: ['timesheets', 'invoicing'],
  // Projects are billed on the effort recorded against them.
  PROJECT_BASED: ['projects', 'timesheets', 'invoicing'],
};

export const MODULES_BY_INDUSTRY: Record<Industry, readonly string[]> = {
  TECH: [],
  HEALTHCARE: ['calendar', 'contacts'],
  FINANCE: ['crm'],
  RETAIL: ['inventory'],
  EDUCATION: ['calendar'],
  MANUFACTURING: ['manufacturing', 'inventory', 'purchase'],
  // A till comes from walk-in words (PHYSICAL_STORE_KEYWORDS): a meal-kit delivery needs none.
  HOSPITALITY: [],
  REAL_ESTATE: ['crm', 'calendar'],
  CONSULTING: ['crm'],
  OTHER: [],
};

/** Words that call for a module whatever the classification. */
export const MODULE_KEYWORD_RULES: readonly (Keywords & { modules: readonly string[] })[] = [
  {
    modules: ['crm'],
    en: ['b2b', 'leads', 'lead generation', 'sales pipeline', 'key account*', 'businesses', 'companies', 'corporate client*', 'enterprise client*'],
    de: ['*mittelständ*', '*mittelstand*', 'firmenkunden', 'geschäftskunden', 'gewerbekunden', 'akquise', 'kundenakquise', 'unternehmenskunden'],
  },
  { modules: ['projects'], en: ['project', 'projects'], de: ['projekt*', '*projekt', '*projekte'] },
  {
    modules: ['timesheets'],
    en: ['timesheet*', 'time tracking', 'billable hour*', 'by the hour', 'hourly'],
    de: ['zeiterfass*', '*zeiterfassung*', 'stundenzettel*', 'stundenabrechnung*', '*stundensatz*'],
  },
  {
    modules: ['helpdesk'],
    en: ['helpdesk', 'help desk', 'support ticket*', 'ticketing', 'customer support', 'customer service', 'it support', 'tech support'],
    de: ['*kundendienst*', '*kundensupport*', '*kundenservice*', '*helpdesk*', 'supportanfrage*', 'ticketsystem*'],
  },
  {
    modules: ['calendar'],
    en: ['appointment*', 'booking', 'bookings', 'reservation*', 'schedul*', 'viewings'],
    de: ['termin', 'termine', 'terminen', '*terminbuchung*', '*terminvereinbarung*', '*terminplan*', '*buchung', '*buchungen', '*reservierung*'],
  },
  {
    modules: ['employees'],
    en: ['employee*', 'staff', 'shift plan*', 'rota', 'workforce', 'team of'],
    de: ['*mitarbeiter*', 'angestellte*', '*schichtplan*', '*personalplanung*', 'belegschaft'],
  },
  {
    modules: ['inventory'],
    en: ['warehouse*', 'stock', 'inventory', 'spare parts', 'shipping', 'fulfil*', 'fulfill*'],
    de: ['*lager', '*lagers', 'lagerhal*', '*lagerbestand*', '*ersatzteil*', '*versand*'],
  },
  {
    modules: ['purchase'],
    en: ['supplier*', 'procure*', 'purchasing', 'vendor*', 'wholesale*', 'sourcing'],
    de: ['*lieferant*', '*beschaffung*', '*zulieferer*', '*großhandel*', '*wareneinkauf*'],
  },
  {
    modules: ['point_of_sale'],
    en: ['point of sale', 'cash register*', 'till', 'tills'],
    de: ['kasse', '*kassensystem*', '*registrierkasse*'],
  },
];

/**
 * Words of a shop that takes orders and payments on its website: the business
 * gets the e-commerce modules and the online-payments risk factor.
 */
export const ONLINE_SHOP_KEYWORDS: Keywords = {
  en: ['online shop*', 'online store*', 'webshop*', 'web shop*', 'onlineshop*', 'ecommerce', 'e commerce', 'checkout', 'online order*', 'online sales', 'dropshipping', 'shopify'],
  de: ['*onlineshop*', '*webshop*', '*onlinehandel*', '*versandhandel*', 'online verkauf*', 'onlineverkauf*', 'online bestell*', 'onlinebestell*'],
};

/**
 * Words of a shop people walk into: the business gets a till (point_of_sale).
 * Matched together with ONLINE_SHOP_KEYWORDS, so "online store" is online and
 * not a store.
 */
export const PHYSICAL_STORE_KEYWORDS: Keywords = {
  en: [
    'store', 'stores', 'bakery', 'bakeries', 'cafe', 'cafes', 'restaurant*', 'bar', 'bars', 'pub', 'pubs', 'kiosk*', 'boutique*',
    'salon*', 'market stall*', 'showroom*', 'parlour*', 'parlor*', 'walk in', 'shop floor', 'local shop*', 'corner shop*', 'farm shop*',
  ],
  de: [
    '*laden', '*ladens', 'ladengesch*', 'ladenlokal*', '*bäckerei*', '*cafe', '*restaurant*', '*imbiss*',
    '*kneipe*', '*boutique*', '*filiale*', '*kiosk*', '*eisdiele*', '*werkstatt*', 'verkaufsraum*',
  ],
};

/** Claim their words in the module tables without calling for a module. */
export const MODULE_NEUTRAL_PHRASES: Keywords = {
  en: ['stock trading', 'stock photo*'],
  de: [],
};

/**
 * A consumer-goods business that sells per transaction and names no shop people
 * walk into is taken to sell online. Not a manufacturer: it sells to businesses
 * on quotes and orders, not through a checkout.
 */
export const SELLS_ONLINE_BY_DEFAULT = {
  kinds: ['PRODUCT', 'HYBRID'] as readonly BusinessKind[],
  monetization: ['TRANSACTION'] as readonly Monetization[],
  industries: ['RETAIL', 'OTHER'] as readonly Industry[],
};

export const ECOMMERCE_MODULES: readonly string[] = ['ecommerce', 'sales', 'invoicing'];
export const PHYSICAL_STORE_MODULES: readonly string[] = ['point_of_sale'];
