import { Industry, TextLanguage } from './rule-types';

/**
 * How a business name is drawn from the vision: the first run of up to
 * MAX_NAME_WORDS words that are not in NAME_SKIP_WORDS, as written ("Ich möchte
 * eine IT-Beratung in Berlin gründen" → "IT-Beratung"), plus the city when the
 * region came from one ("IT-Beratung Berlin"). Words are compared folded and
 * lowercase (see text/words.ts).
 */
export const MAX_NAME_WORDS = 3;
/** Words taken after "for/für" when the name itself is generic (see GENERIC_NAME_WORDS). */
export const MAX_OBJECT_WORDS = 3;
export const MAX_NAME_LENGTH = 60;

/**
 * Words that are never part of a name: before the name they are skipped, after
 * it they end it. Articles, pronouns, prepositions, "want to start" and the
 * like, and adjectives that describe the plan rather than the business. A word
 * written in capitals ("IT") is never skipped.
 */
export const NAME_SKIP_WORDS: readonly string[] = [
  // English
  'a', 'an', 'the', 'i', 'we', 'me', 'us', 'my', 'our', 'its', 'their', 'this', 'that', 'these', 'which', 'who', 'where', 'it', 'want', 'wants',
  'to', 'would', 'like', 'love', 'plan', 'planning', 'start', 'starting', 'open', 'opening', 'build', 'building', 'launch', 'launching',
  'run', 'running', 'create', 'creating', 'found', 'founding', 'set', 'up', 'is', 'are', 'be', 'will', 'am', 'with', 'for', 'in', 'at', 'on',
  'of', 'from', 'and', 'or', 'by', 'via', 'as', 'also', 'plus', 'selling', 'sells', 'sell', 'offering', 'offers', 'offer', 'providing',
  'provides', 'helping', 'helps', 'connecting', 'connects', 'earning', 'charging', 'billing', 'billed', 'taking', 'delivered', 'funded',
  'manufacture', 'manufactures', 'make', 'makes', 'produce', 'produces', 'develop', 'develops', 'design', 'designs', 'operate', 'operates',
  'provide', 'help', 'connect', 'going',
  'small', 'little', 'new', 'local', 'own', 'independent', 'tiny', 'big', 'modern', 'custom', 'bespoke',
  // German
  'ich', 'wir', 'mein', 'meine', 'meinen', 'unser', 'unsere', 'unseren', 'unserem', 'moechte', 'moechten', 'wollen', 'plane',
  'planen', 'ein', 'eine', 'einen', 'einem', 'einer', 'der', 'die', 'das', 'den', 'dem', 'des', 'gruenden', 'eroeffnen', 'starten',
  'aufbauen', 'betreiben', 'entwickeln', 'im', 'mit', 'fuer', 'von', 'vom', 'zu', 'zur', 'zum', 'auf', 'bei', 'und', 'oder', 'welche',
  'verkauft', 'verkaufen', 'anbieten', 'bietet', 'fertigen', 'produzieren', 'herstellen', 'bauen', 'verbindet', 'verdienen', 'ist', 'sind', 'als', 'auch', 'sowie', 'ueber', 'nach', 'aus', 'kleine', 'kleinen',
  'kleiner', 'neue', 'neuen', 'neuer', 'eigene', 'eigenen', 'eigener', 'lokale', 'lokalen',
];

/**
 * Words so general that a name made only of them says nothing ("App", "Online
 * Shop"). Such a name takes the object after "for/für/selling" when there is
 * one: "Onlineshop für Bio-Tee", "Online Shop for Handmade Furniture".
 */
export const GENERIC_NAME_WORDS: readonly string[] = [
  'online', 'shop', 'onlineshop', 'webshop', 'store', 'app', 'platform', 'plattform', 'marketplace', 'marktplatz', 'agency', 'agentur',
  'service', 'services', 'business', 'company', 'firma', 'unternehmen', 'startup', 'website', 'portal', 'software', 'saas', 'tool',
];
/** How far past a generic name the object may start ("Plattform, die Handwerker …"). */
export const OBJECT_LOOKAHEAD = 4;
/** Words that lead from a generic name to its object, and how the name spells them; "for" is the default. */
export const OBJECT_CONNECTORS: Record<string, Record<TextLanguage, string>> = {
  for: { en: 'for', de: 'für' },
  selling: { en: 'for', de: 'für' },
  fuer: { en: 'for', de: 'für' },
  von: { en: 'for', de: 'für' },
  of: { en: 'for', de: 'für' },
};

/** The city goes first in English ("Berlin Bakery"), last in German ("IT-Beratung Berlin"). */
export const CITY_FIRST: Record<TextLanguage, boolean> = { en: true, de: false };

/** When the vision yields no name: a plain name for the industry. */
export const FALLBACK_NAMES: Record<TextLanguage, Record<Industry, string>> = {
  en: {
    TECH: 'Tech Studio', HEALTHCARE: 'Health Practice', FINANCE: 'Finance Partners', RETAIL: 'Shop', EDUCATION: 'Academy',
    MANUFACTURING: 'Works', HOSPITALITY: 'Kitchen', REAL_ESTATE: 'Properties', CONSULTING: 'Consulting', OTHER: 'Business',
  },
  de: {
    TECH: 'Tech Studio', HEALTHCARE: 'Praxis', FINANCE: 'Finanzpartner', RETAIL: 'Laden', EDUCATION: 'Akademie',
    MANUFACTURING: 'Manufaktur', HOSPITALITY: 'Gasthaus', REAL_ESTATE: 'Immobilien', CONSULTING: 'Beratung', OTHER: 'Unternehmen',
  },
};

/** A DNS label needs something; used when the name has no letter a-z left after transliteration. */
export const FALLBACK_SLUG = 'business';
