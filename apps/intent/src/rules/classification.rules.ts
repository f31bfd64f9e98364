import { BusinessKind, Industry, KeywordRule, Keywords, Monetization } from './rule-types';

/**
 * What the business is, how it earns money and which industry it is in: keyword
 * votes per value (notation: text/keyword-index.ts). Edit these tables, not the
 * resolver. intent-corpus.ts holds the ideas every change must still classify
 * correctly.
 */

export const BUSINESS_KIND_RULES: readonly KeywordRule<BusinessKind>[] = [
  {
    value: 'SERVICE',
    weight: 2,
    en: [
      'consult*', 'agency', 'agencies', 'service', 'services', 'advis*', 'coach*', 'repair*', 'clinic*', 'practice', 'firm', 'firms',
      'law firm*', 'lawyer*', 'accountant*', 'bookkeep*', 'freelanc*', 'tutor*', 'therap*', 'salon*', 'studio*', 'cleaning', 'maintenance',
      'install*', 'photograph*', 'workshop', 'support', 'hosting', 'software development', 'web development', 'boutique hotel*',
      'plumb*', 'electrician*', 'hairdress*', 'caregiv*',
    ],
    de: [
      '*beratung*', '*berater*', '*agentur*', '*dienstleist*', '*coaching*', '*praxis', '*praxen', '*kanzlei*', '*reparatur*',
      '*werkstatt*', '*service', '*services', '*betreuung*', '*pflegedienst*', '*reinigung*', '*schulung*', '*nachhilfe*', '*wartung*',
      'handwerk*', '*handwerker', 'friseur*', '*makler*', '*verwaltung', 'softwareentwicklung*', 'webentwicklung*', 'fotograf*', '*studio*',
    ],
  },
  {
    value: 'PRODUCT',
    weight: 2,
    en: [
      'shop', 'shops', '*shop', '*shops', 'store', 'stores', 'sell', 'sells', 'selling', 'sold', 'product', 'products', 'manufactur*',
      'goods', 'merchandise', 'merch', 'retail*', 'wholesale*', 'ecommerce', 'e commerce', 'handmade', 'boutique*', 'produce', 'produces',
      'producing', 'license', 'licence', 'licenses', 'licences', 'bakery', 'bakeries', 'brewery', 'breweries',
    ],
    de: [
      '*laden', '*ladens', 'ladengesch*', '*verkauf*', 'verkaufen', 'verkauft', '*produkt', '*produkte',
      'herstell*', '*herstellung*', 'hergestellt', 'handgemacht*', '*manufaktur*', 'fertigen', 'fertigt', '*fertigung*', 'produzier*',
      '*handel', 'kaufhaus*', '*bäckerei*', '*brauerei*', '*rösterei*',
    ],
  },
  {
    // Heavier than the others: a platform usually names the services or goods it brokers.
    value: 'PLATFORM',
    weight: 3,
    en: [
      'platform*', 'marketplace*', 'saas', 'app', 'apps', 'software', 'portal*', 'as a service', 'web app*', 'online community',
      'magazine*', 'news site*', 'news website*', 'blog', 'podcast*', 'directory', 'peer to peer',
    ],
    de: ['*plattform*', '*marktplatz*', '*portal*', '*software*', '*magazin*'],
  },
  // Any match decides, whatever the other scores: the idea says outright that it combines things.
  { value: 'HYBRID', weight: 1, en: ['hybrid*', 'combin*'], de: ['hybrid*', 'kombin*', 'sowohl'] },
];

/**
 * A business that sells goods and provides services: both kinds scored and the
 * weaker reached this share of the stronger. A platform that names the
 * services it brokers stays a platform, so PLATFORM is not part of the mix.
 */
export const HYBRID_MIX = { kinds: ['SERVICE', 'PRODUCT'] as const, minShareOfStronger: 0.5 };

/** When no kind keyword matched, the industry's usual kind. */
export const BUSINESS_KIND_BY_INDUSTRY: Record<Industry, BusinessKind> = {
  TECH: 'PLATFORM',
  HEALTHCARE: 'SERVICE',
  FINANCE: 'SERVICE',
  RETAIL: 'PRODUCT',
  EDUCATION: 'SERVICE',
  MANUFACTURING: 'PRODUCT',
  HOSPITALITY: 'SERVICE',
  REAL_ESTATE: 'SERVICE',
  CONSULTING: 'SERVICE',
  OTHER: 'SERVICE',
};

export const MONETIZATION_RULES: readonly KeywordRule<Monetization>[] = [
  {
    value: 'SUBSCRIPTION',
    weight: 3,
    en: ['subscri*', 'monthly', 'weekly', 'yearly', 'recurring', 'membership*', 'members', 'saas', 'per month', 'a month', 'retainer*', 'per seat'],
    de: [
      '*abo', '*abos', 'abonn*', 'abomodell*', 'monatlich*', 'wöchentlich*', 'jährlich*', '*mitgliedschaft*', 'mitglieder', 'monatsbeitrag*',
      'mitgliedsbeitrag*', 'pro monat', 'im monat', 'wiederkehrend*', '*flatrate*',
    ],
  },
  {
    value: 'TRANSACTION',
    weight: 2,
    en: [
      'sell', 'sells', 'selling', 'sold', 'per sale', 'shop', 'shops', '*shop', '*shops', 'store', 'stores', 'checkout', 'buy*', 'purchas*',
      'ecommerce', 'e commerce', 'retail*', 'orders', 'online order*', 'per order', 'pay per*',
    ],
    de: ['*verkauf*', 'verkaufen', 'verkauft', '*laden', '*ladens', 'bestell*', '*bestellung*', 'kaufen', 'kauft', 'käufer*', '*handel'],
  },
  {
    value: 'ONE_TIME',
    weight: 3,
    en: [
      'one time', 'one off', 'onetime', 'once off', 'pay once', 'single payment*', 'single purchase*', 'lifetime deal*', 'lifetime licen*',
      'lifetime access', 'perpetual licen*', 'flat fee*',
    ],
    de: ['einmalig*', '*einmalzahlung*', 'einmalkauf*', 'einmalpreis*', '*pauschal*', 'lebenslang*', 'kauflizenz*', 'dauerlizenz*'],
  },
  {
    value: 'FREEMIUM',
    weight: 4,
    en: [
      'freemium', 'free tier*', 'free plan*', 'free version*', 'free basic*', 'free to use', 'free forever', 'premium feature*',
      'premium plan*', 'premium tier*', 'premium version*', 'paid upgrade*', 'upgrade to premium',
    ],
    de: [
      'freemium', '*basisversion*', '*gratisversion*', 'premium funktion*', 'premiumfunktion*', 'premium version*', 'premiumversion*',
      'premium abo*', 'premiumabo*',
    ],
  },
  // "Free" on its own is weak evidence: a free first consultation is no freemium model.
  { value: 'FREEMIUM', weight: 2, en: [], de: ['kostenlos*', 'gratis*'] },
  {
    value: 'ADVERTISING',
    weight: 4,
    en: ['advertis*', 'ads', 'ad supported', 'ad revenue', 'ad space', 'sponsor*', 'banner ad*', 'display ad*', 'paid placement*'],
    de: ['werbung', 'werbefinanz*', 'werbeeinnahm*', 'werbepl*', 'werbebanner*', 'werbekund*', 'werbeanzeige*', 'anzeigen', 'anzeigenkund*'],
  },
  {
    value: 'COMMISSION',
    weight: 3,
    en: [
      'marketplace*', 'commission*', 'broker*', 'affiliate*', 'take rate', 'cut of', 'booking fee*', 'transaction fee*', 'service fee*',
      'referral fee*', 'intermediar*', 'matchmak*', 'per booking', 'per referral', 'per lead',
    ],
    de: [
      '*marktplatz*', 'provision', 'provisionen', 'provisions*', 'courtage', '*vermittlung*', 'vermittl*', '*makler*', 'gebühr pro buchung',
      '*buchungsgebühr*', '*servicegebühr*',
    ],
  },
  {
    value: 'HOURLY',
    weight: 3,
    en: [
      'hourly', 'per hour', 'an hour', 'by the hour', 'timesheet*', 'time tracking', 'billable hour*', 'day rate*', 'daily rate*',
      'time and material*',
    ],
    de: [
      '*stundensatz*', '*stundensätz*', 'stundenbasis', 'pro stunde', 'je stunde', 'stundenweise', 'stündlich*', 'nach stunden',
      'nach aufwand', '*tagessatz*', '*tagessätz*', 'zeiterfass*', '*zeiterfassung*', 'stundenabrechnung*', 'stundenlohn*',
      'stundenpreis*', 'stundenhonorar*',
    ],
  },
  {
    value: 'PROJECT_BASED',
    weight: 2,
    en: [
      'project', 'projects', 'per project', 'project based', 'fixed price*', 'fixed fee*', 'fixed bid', 'engagement*', 'milestone*',
      'advertising agency', 'advertising agencies', 'commissioned',
    ],
    de: ['projekt*', '*projekt', '*projekte', '*festpreis*', 'auftrag', 'aufträge', '*auftrag', '*aufträge', 'auftragsarbeit*', 'werbeagentur*'],
  },
  // Advice and agency work is usually sold per engagement, but the words say little about pricing.
  { value: 'PROJECT_BASED', weight: 1, en: ['consult*', 'agency', 'agencies'], de: ['*beratung*', '*agentur*'] },
];

/** When no monetization keyword matched: the industry's usual model if listed, else the business kind's. */
export const MONETIZATION_BY_INDUSTRY: Partial<Record<Industry, Monetization>> = {
  HOSPITALITY: 'TRANSACTION',
  RETAIL: 'TRANSACTION',
  MANUFACTURING: 'TRANSACTION',
  HEALTHCARE: 'TRANSACTION',
  EDUCATION: 'ONE_TIME',
  REAL_ESTATE: 'COMMISSION',
};
export const MONETIZATION_BY_BUSINESS_KIND: Record<BusinessKind, Monetization> = {
  SERVICE: 'PROJECT_BASED',
  PRODUCT: 'TRANSACTION',
  PLATFORM: 'SUBSCRIPTION',
  HYBRID: 'TRANSACTION',
};

/**
 * Listed first = wins a tie. The regulated industries come first so that an
 * ambiguous idea is assessed with the higher risk.
 */
export const INDUSTRY_RULES: readonly KeywordRule<Exclude<Industry, 'OTHER'>>[] = [
  {
    value: 'HEALTHCARE',
    weight: 4,
    en: [
      'health', 'healthcare', 'health care', 'clinic*', 'medical', 'medicine', 'patient*', 'therap*', 'doctor*', 'physician*', 'dentist*',
      'dental', 'physio*', 'nursing', 'nurse', 'nurses', 'care home*', 'home care', 'elderly care', 'pharma*', 'psycholog*', 'psychiatr*',
      'hospital', 'hospitals', 'telemedicine', 'telehealth', 'mental health', 'diagnos*', 'veterinar*', 'midwi*', 'caregiv*',
    ],
    de: [
      '*gesundheit*', '*klinik*', '*praxis', '*praxen', '*arzt', '*ärzte', '*ärztin', 'ärztlich*', '*medizin*', '*patient*', '*therapie*',
      '*therapeut*', '*pflegedienst*', 'altenpflege*', 'krankenpflege*', '*pflegeheim*', '*psycholog*', '*apotheke*', 'krankenhaus*',
      'heilprakt*', '*zahnarzt*', 'zahnmedizin*', '*physio*', 'hebamme*', 'tierarzt*',
    ],
  },
  {
    value: 'FINANCE',
    weight: 4,
    en: [
      'finance', 'financial', 'financing', 'fintech', 'bank', 'banks', 'banking', 'insurance', 'insurer*', 'insurtech', 'investment*',
      'investing', 'asset manag*', 'wealth manag*', 'loan', 'loans', 'lending', 'credit', 'credit card*', 'payment provider*',
      'payment processing', 'payment service*', 'accounting', 'bookkeep*', 'accountant*', 'tax', 'taxes', 'tax return*', 'tax advi*',
      'crypto*', 'stock trading', 'mortgage*', 'pension fund*', 'retirement planning',
    ],
    de: [
      'finanz*', '*finanzberat*', '*finanzdienst*', '*finanzplan*', 'bank', 'banken', 'onlinebank*', 'neobank*', '*versicherung*', 'versicher*', 'kredit*', '*kredit', '*kredite',
      'zahlungsdienst*', 'zahlungsverkehr*', 'zahlungsabwicklung*', '*steuerberat*', '*steuerkanzlei*', '*buchhaltung*', 'geldanlage*',
      'vermögensverwalt*', '*anlageberat*', 'krypto*', 'darlehen*', 'hypothek*', 'altersvorsorge*', 'steuererklärung*',
    ],
  },
  {
    value: 'CONSULTING',
    weight: 3,
    en: [
      'consult*', 'advisory', 'adviser*', 'advisor*', 'advise', 'advising', 'coaching', 'business coach*', 'marketing agenc*',
      'digital agenc*', 'design agenc*', 'creative agenc*', 'pr agenc*', 'advertising agenc*', 'interim manag*', 'recruiting', 'recruitment',
    ],
    de: ['*beratung*', '*berater*', '*coaching*', '*marketingagentur*', '*werbeagentur*', '*designagentur*', '*digitalagentur*', '*personalvermittlung*'],
  },
  {
    value: 'EDUCATION',
    weight: 3,
    en: [
      'school*', 'course', 'courses', 'online course*', 'training*', 'tutor*', 'teach*', 'education*', 'learn*', 'e learning', 'elearning',
      'academy', 'academies', 'lesson*', 'student*', 'pupil*', 'workshops', 'bootcamp*', 'kindergarten*', 'daycare', 'preschool*',
      'university', 'universities', 'classes', 'exam prep*',
    ],
    de: [
      '*schule*', '*schulung*', 'kurs*', '*kurs', '*kurse', '*kursen', '*nachhilfe*', 'lern*', '*unterricht*', '*bildung*', '*akademie*',
      '*seminar*', 'schüler*', 'studenten', 'kita', 'kitas', '*kindergarten*', 'lehrer*', '*lehrgang*',
    ],
  },
  {
    value: 'REAL_ESTATE',
    weight: 3,
    en: [
      'real estate', 'property', 'properties', 'property manag*', 'landlord*', 'tenant', 'tenants', 'apartment*', 'housing', 'realtor*',
      'letting agen*', 'estate agen*', 'coworking', 'co working', 'office space*', 'condo', 'condos', 'condominium*', 'homeowner*',
      'home buyer*', 'facility manag*', 'rental propert*',
    ],
    de: [
      '*immobilie*', '*makler*', '*wohnung', '*wohnungen', 'wohnungs*', '*hausverwaltung*', 'hausverwalt*', '*mieter*', '*wohnraum*',
      '*grundstück*', '*gewerbefläche*', '*bürofläche*', '*eigentümer*', '*bauträger*',
    ],
  },
  { value: 'REAL_ESTATE', weight: 1, en: [], de: ['*vermietung*'] },
  {
    value: 'HOSPITALITY',
    weight: 3,
    en: [
      'restaurant*', 'hotel*', 'cafe', 'cafes', 'coffee shop*', 'coffeeshop*', 'catering', 'caterer*', 'bar', 'bars', 'pub', 'pubs',
      'bistro*', 'hostel*', 'guesthouse*', 'guest house*', 'bed and breakfast', 'food truck*', 'bakery', 'bakeries', 'tourism',
      'tourist*', 'tour operator*', 'travel agenc*', 'holiday rental*', 'vacation rental*', 'holiday apartment*', 'pizzeria*',
      'ice cream*', 'meal kit*', 'dining', 'brewpub*', 'boutique hotel*', 'wine bar*', 'takeaway', 'food delivery',
    ],
    de: [
      '*restaurant*', '*hotel*', '*cafe', '*cafes', '*gastronomie*', 'gastro*', '*bäckerei*', 'backstube*', '*konditorei*', '*catering*',
      '*imbiss*', '*kneipe*', 'pension', '*ferienwohnung*', 'gasthaus*', '*gasthof*', '*tourismus*', 'reisebüro*', '*lieferdienst*',
      '*biergarten*', '*eisdiele*', '*eiscafe*', '*mittagstisch*', 'speisekarte*', '*frühstück*', '*brauhaus*', 'weinbar*',
    ],
  },
  {
    value: 'MANUFACTURING',
    weight: 3,
    en: [
      'manufactur*', 'factory', 'factories', 'production', 'produce', 'produces', 'producing', 'fabricat*', 'assembly', 'machining',
      'machined', 'machinery', 'cnc', 'industrial', 'metalwork*', 'woodwork*', '3d print*', 'brewery', 'breweries', 'roaster*', 'roastery',
      'carpent*', 'joiner*', 'furniture maker*', 'spare parts', 'prototyp*', 'foundry',
    ],
    de: [
      '*herstell*', 'hergestellt', '*fabrik*', '*produktion*', '*fertigung*', 'fertigen', 'fertigt', '*manufaktur*', '*maschinenbau*',
      '*maschinen', '*metallbau*', '*tischlerei*', '*schreinerei*', '*brauerei*', '*rösterei*', 'produzier*', '*druckerei*', '3d druck*',
      '*zulieferer*', '*werkzeugbau*', '*gießerei*',
    ],
  },
  {
    value: 'RETAIL',
    weight: 2,
    en: [
      'shop', 'shops', '*shop', '*shops', 'store', 'stores', 'online store*', 'retail*', 'fashion', 'boutique*', 'clothing', 'apparel',
      'ecommerce', 'e commerce', 'jewel*', 'grocer*', 'florist*', 'cosmetic*', 'toys', 'sneaker*', 'merchandise', 'wholesale*',
      'supermarket*', 'concept store*', 'furniture', 'gifts',
    ],
    de: [
      '*laden', '*ladens', 'ladengesch*', '*handel', '*handels', 'mode', '*mode', '*boutique*',
      '*kleidung*', '*schmuck*', '*supermarkt*', '*kosmetik*', '*möbel*', '*spielwaren*', 'kaufhaus*',
    ],
  },
  {
    value: 'TECH',
    weight: 2,
    en: [
      'IT', 'software', 'saas', 'app', 'apps', 'tech', 'technology', 'technologies', 'cloud', 'developer*', 'web develop*',
      'software develop*', 'web design*', 'hosting', 'cyber*', 'AI', 'artificial intelligence', 'machine learning', 'data analytic*',
      'api', 'apis', 'devops', 'programming', 'it services', 'it support', 'blockchain', 'iot', 'tech startup',
    ],
    de: ['*software*', 'KI', 'EDV', '*technologie*', '*informatik*', 'programmier*', 'webdesign*', 'webentwicklung*', '*hosting*', 'digitalisier*', '*cloud*'],
  },
  { value: 'TECH', weight: 1, en: ['digital*', 'online platform*'], de: ['digital*'] },
];

/**
 * Phrases that claim their words without voting, so that a shorter keyword
 * cannot match inside them ("of course" is not a course). Added to every table.
 */
export const NEUTRAL_PHRASES: Keywords = {
  en: ['of course', 'in order to', 'intellectual property'],
  // Verbs ending in "laden" (to load), so that `*laden` only finds shops ("Fahrradladen", "Hofladen").
  de: [
    'auf jeden fall', 'herunterladen', 'heruntergeladen', 'runterladen', 'hochladen', 'hochgeladen', 'einladen', 'eingeladen', 'aufladen',
    'aufgeladen', 'nachladen', 'entladen', 'beladen', 'überladen', 'ausladen',
  ],
};

/** Added to the monetization table only: a free first meeting says nothing about how the business earns. */
export const MONETIZATION_NEUTRAL_PHRASES: Keywords = {
  en: ['free of charge', 'free consultation*', 'free first consultation*', 'free quote*'],
  de: ['kostenlose erstberatung', 'kostenloses erstgespräch', 'kostenlose beratung', 'kostenloses angebot'],
};
