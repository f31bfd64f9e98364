/**
 * The regions the factory can set up a business in. A region decides currency,
 * the Odoo language (an Odoo locale) and the timezone. Names are keywords in the
 * notation of text/keyword-index.ts; place names are whole words unless marked,
 * so "Bern" does not match "Bernstein". Add a country here and it becomes
 * supported everywhere, including in the error message that lists them.
 */
export interface CountryRule {
  code: string;
  currency: string;
  /** Odoo locale. */
  language: string;
  timezone: string;
  /** The English name, for messages. */
  name: string;
  /** How the country reads after "in" in an English and a German sentence. */
  label: { en: string; de: string };
  /** Names in text (English and German). */
  names: readonly string[];
  /** Accepted only in the explicit `region` field: two-letter codes are ordinary words in free text ("it", "es", "us"). */
  codes: readonly string[];
}

export interface CityRule {
  country: string;
  /** How the city is written in a business name, per language of the idea. */
  label: { en: string; de: string };
  names: readonly string[];
  /** Where the country spans several timezones or languages. */
  timezone?: string;
  language?: string;
}

export const COUNTRIES: readonly CountryRule[] = [
  {
    code: 'DE', currency: 'EUR', language: 'de_DE', timezone: 'Europe/Berlin', name: 'Germany', label: { en: 'Germany', de: 'Deutschland' },
    names: ['germany', 'deutschland*', 'bundesrepublik'], codes: ['de', 'deu'],
  },
  {
    // Odoo ships no de_AT locale; Austrian businesses use de_DE.
    code: 'AT', currency: 'EUR', language: 'de_DE', timezone: 'Europe/Vienna', name: 'Austria', label: { en: 'Austria', de: 'Österreich' },
    names: ['austria', 'österreich*'], codes: ['at', 'aut'],
  },
  {
    code: 'CH', currency: 'CHF', language: 'de_CH', timezone: 'Europe/Zurich', name: 'Switzerland', label: { en: 'Switzerland', de: 'der Schweiz' },
    names: ['switzerland', 'schweiz', 'suisse', 'svizzera', 'schweizweit'], codes: ['ch', 'che'],
  },
  {
    code: 'GB', currency: 'GBP', language: 'en_GB', timezone: 'Europe/London', name: 'United Kingdom', label: { en: 'the United Kingdom', de: 'Großbritannien' },
    names: ['united kingdom', 'great britain', 'britain', 'england', 'scotland', 'wales', 'northern ireland', 'großbritannien', 'grossbritannien', 'vereinigtes königreich', 'UK'],
    codes: ['gb', 'uk', 'gbr'],
  },
  {
    code: 'US', currency: 'USD', language: 'en_US', timezone: 'America/New_York', name: 'United States', label: { en: 'the United States', de: 'den USA' },
    // Not "America": Latin and South America are not the United States.
    names: ['united states', 'usa', 'US', 'vereinigte staaten'], codes: ['us', 'usa'],
  },
  {
    code: 'FR', currency: 'EUR', language: 'fr_FR', timezone: 'Europe/Paris', name: 'France', label: { en: 'France', de: 'Frankreich' },
    names: ['france', 'frankreich'], codes: ['fr', 'fra'],
  },
  {
    code: 'NL', currency: 'EUR', language: 'nl_NL', timezone: 'Europe/Amsterdam', name: 'Netherlands', label: { en: 'the Netherlands', de: 'den Niederlanden' },
    names: ['netherlands', 'niederlande', 'niederlanden', 'holland', 'nederland'], codes: ['nl', 'nld'],
  },
  {
    code: 'ES', currency: 'EUR', language: 'es_ES', timezone: 'Europe/Madrid', name: 'Spain', label: { en: 'Spain', de: 'Spanien' },
    names: ['spain', 'spanien', 'españa'], codes: ['es', 'esp'],
  },
  {
    code: 'IT', currency: 'EUR', language: 'it_IT', timezone: 'Europe/Rome', name: 'Italy', label: { en: 'Italy', de: 'Italien' },
    names: ['italy', 'italien', 'italia'], codes: ['it', 'ita'],
  },
];

const city = (country: string, en: string, names: readonly string[], extra: Partial<CityRule> & { de?: string } = {}): CityRule => ({
  country,
  label: { en, de: extra.de ?? en },
  names,
  ...(extra.timezone ? { timezone: extra.timezone } : {}),
  ...(extra.language ? { language: extra.language } : {}),
});

/**
 * Only names that are not also everyday words: no Nice, Bath, Reading, Essen
 * (German for food), Zug (train) or Halle (hall).
 */
export const CITIES: readonly CityRule[] = [
  city('DE', 'Berlin', ['berlin', 'berliner']),
  city('DE', 'Hamburg', ['hamburg']),
  city('DE', 'Munich', ['münchen', 'munich', 'münchner'], { de: 'München' }),
  city('DE', 'Cologne', ['köln', 'cologne', 'kölner'], { de: 'Köln' }),
  city('DE', 'Frankfurt', ['frankfurt']),
  city('DE', 'Stuttgart', ['stuttgart', 'stuttgarter']),
  city('DE', 'Düsseldorf', ['düsseldorf', 'dusseldorf']),
  city('DE', 'Leipzig', ['leipzig', 'leipziger']),
  city('DE', 'Dresden', ['dresden', 'dresdner']),
  city('DE', 'Hanover', ['hannover', 'hanover'], { de: 'Hannover' }),
  city('DE', 'Nuremberg', ['nürnberg', 'nuremberg'], { de: 'Nürnberg' }),
  city('DE', 'Bremen', ['bremen']),
  city('DE', 'Dortmund', ['dortmund']),
  city('DE', 'Bonn', ['bonn']),
  city('DE', 'Mannheim', ['mannheim']),
  city('DE', 'Karlsruhe', ['karlsruhe']),
  city('DE', 'Freiburg', ['freiburg']),
  city('DE', 'Münster', ['münster']),
  city('DE', 'Heidelberg', ['heidelberg']),
  city('DE', 'Potsdam', ['potsdam']),
  city('DE', 'Augsburg', ['augsburg']),
  city('DE', 'Regensburg', ['regensburg']),
  city('DE', 'Mainz', ['mainz']),
  city('DE', 'Wiesbaden', ['wiesbaden']),
  city('DE', 'Aachen', ['aachen']),
  city('DE', 'Rostock', ['rostock']),
  city('AT', 'Vienna', ['wien', 'vienna', 'wiener'], { de: 'Wien' }),
  city('AT', 'Graz', ['graz']),
  city('AT', 'Linz', ['linz']),
  city('AT', 'Salzburg', ['salzburg']),
  city('AT', 'Innsbruck', ['innsbruck']),
  city('AT', 'Klagenfurt', ['klagenfurt']),
  city('CH', 'Zurich', ['zürich', 'zurich', 'zürcher'], { de: 'Zürich' }),
  city('CH', 'Geneva', ['genf', 'geneva', 'genève'], { de: 'Genf', language: 'fr_CH' }),
  city('CH', 'Lausanne', ['lausanne'], { language: 'fr_CH' }),
  city('CH', 'Basel', ['basel', 'basle']),
  city('CH', 'Bern', ['bern', 'berne']),
  city('CH', 'Lucerne', ['luzern', 'lucerne'], { de: 'Luzern' }),
  city('CH', 'Lugano', ['lugano'], { language: 'it_IT' }),
  city('CH', 'St. Gallen', ['st gallen', 'sankt gallen']),
  city('CH', 'Winterthur', ['winterthur']),
  city('GB', 'London', ['london', 'londoner']),
  city('GB', 'Manchester', ['manchester']),
  city('GB', 'Birmingham', ['birmingham']),
  city('GB', 'Edinburgh', ['edinburgh']),
  city('GB', 'Glasgow', ['glasgow']),
  city('GB', 'Liverpool', ['liverpool']),
  city('GB', 'Bristol', ['bristol']),
  city('GB', 'Leeds', ['leeds']),
  city('GB', 'Cardiff', ['cardiff']),
  city('GB', 'Belfast', ['belfast']),
  city('GB', 'Oxford', ['oxford']),
  city('GB', 'Cambridge', ['cambridge']),
  city('GB', 'Brighton', ['brighton']),
  city('GB', 'Sheffield', ['sheffield']),
  city('GB', 'Nottingham', ['nottingham']),
  city('US', 'New York', ['new york', 'nyc', 'brooklyn', 'manhattan']),
  city('US', 'Boston', ['boston']),
  city('US', 'Miami', ['miami']),
  city('US', 'Atlanta', ['atlanta']),
  city('US', 'Philadelphia', ['philadelphia']),
  city('US', 'Washington', ['washington dc', 'washington d c']),
  city('US', 'Chicago', ['chicago'], { timezone: 'America/Chicago' }),
  city('US', 'Austin', ['austin'], { timezone: 'America/Chicago' }),
  city('US', 'Dallas', ['dallas'], { timezone: 'America/Chicago' }),
  city('US', 'Houston', ['houston'], { timezone: 'America/Chicago' }),
  city('US', 'Denver', ['denver'], { timezone: 'America/Denver' }),
  city('US', 'San Francisco', ['san francisco', 'bay area', 'silicon valley'], { timezone: 'America/Los_Angeles' }),
  city('US', 'Los Angeles', ['los angeles'], { timezone: 'America/Los_Angeles' }),
  city('US', 'San Diego', ['san diego'], { timezone: 'America/Los_Angeles' }),
  city('US', 'Seattle', ['seattle'], { timezone: 'America/Los_Angeles' }),
  city('US', 'Las Vegas', ['las vegas'], { timezone: 'America/Los_Angeles' }),
  city('FR', 'Paris', ['paris', 'parisian', 'pariser']),
  city('FR', 'Lyon', ['lyon']),
  city('FR', 'Marseille', ['marseille']),
  city('FR', 'Toulouse', ['toulouse']),
  city('FR', 'Nantes', ['nantes']),
  city('FR', 'Strasbourg', ['strasbourg', 'straßburg'], { de: 'Straßburg' }),
  city('FR', 'Lille', ['lille']),
  city('FR', 'Montpellier', ['montpellier']),
  city('NL', 'Amsterdam', ['amsterdam', 'amsterdamer']),
  city('NL', 'Rotterdam', ['rotterdam']),
  city('NL', 'Utrecht', ['utrecht']),
  city('NL', 'The Hague', ['den haag', 'the hague'], { de: 'Den Haag' }),
  city('NL', 'Eindhoven', ['eindhoven']),
  city('NL', 'Groningen', ['groningen']),
  city('ES', 'Madrid', ['madrid']),
  city('ES', 'Barcelona', ['barcelona']),
  city('ES', 'Valencia', ['valencia']),
  city('ES', 'Seville', ['sevilla', 'seville'], { de: 'Sevilla' }),
  city('ES', 'Málaga', ['málaga']),
  city('ES', 'Bilbao', ['bilbao']),
  city('ES', 'Mallorca', ['mallorca', 'majorca']),
  city('ES', 'Ibiza', ['ibiza']),
  city('ES', 'Tenerife', ['tenerife', 'teneriffa'], { de: 'Teneriffa', timezone: 'Atlantic/Canary' }),
  city('ES', 'Gran Canaria', ['gran canaria'], { timezone: 'Atlantic/Canary' }),
  city('IT', 'Rome', ['rome', 'rom', 'roma'], { de: 'Rom' }),
  city('IT', 'Milan', ['milan', 'mailand', 'milano'], { de: 'Mailand' }),
  city('IT', 'Naples', ['naples', 'neapel', 'napoli'], { de: 'Neapel' }),
  city('IT', 'Turin', ['turin', 'torino']),
  city('IT', 'Florence', ['florence', 'florenz', 'firenze'], { de: 'Florenz' }),
  city('IT', 'Venice', ['venice', 'venedig', 'venezia'], { de: 'Venedig' }),
  city('IT', 'Bologna', ['bologna']),
  city('IT', 'Genoa', ['genoa', 'genua', 'genova'], { de: 'Genua' }),
  city('IT', 'Palermo', ['palermo']),
  city('IT', 'Verona', ['verona']),
];
