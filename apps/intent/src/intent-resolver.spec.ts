import {
  BusinessIntentInput,
  BusinessIntentInputSchema,
  CustomModuleSpecSchema,
  IndustrySchema,
  IntentBusinessTypeSchema,
  KNOWN_ODOO_MODULES,
  MonetizationTypeSchema,
  ResolvedBusinessIntentSchema,
  RISK_LEVELS,
} from '@bf/contracts';
import { INTENT_CORPUS } from './intent-corpus';
import { IntentResolver, MissingRegionError, UnsupportedRegionError } from './intent-resolver';

const resolver = new IntentResolver();
const resolve = (input: BusinessIntentInput) => resolver.resolve(BusinessIntentInputSchema.parse(input));
const riskRank = (input: BusinessIntentInput) => RISK_LEVELS.indexOf(resolve(input).risk_level);
const corpus = INTENT_CORPUS.map((entry) => [entry.input.vision, entry] as const);

const GERMAN_EXAMPLE = 'Ich möchte eine IT-Beratung in Berlin gründen, mit Projektabrechnung für Mittelständler';

describe(IntentResolver.name, () => {
  describe('the corpus', () => {
    it.each(corpus)('classifies "%s"', (_, { input, expected }) => {
      const intent = resolve(input);
      expect(intent).toMatchObject({
        business_type: expected.business_type,
        monetization_type: expected.monetization_type,
        industry: expected.industry,
        ...(expected.language ? { language: expected.language } : {}),
        ...(expected.risk_level ? { risk_level: expected.risk_level } : {}),
        region: expected.region ?? {},
      });
      expect(intent.odoo_modules_required).toEqual(expect.arrayContaining(expected.modules ?? []));
      for (const module of expected.notModules ?? []) expect(intent.odoo_modules_required).not.toContain(module);
      if (expected.custom_modules) expect(intent.custom_modules_spec.map((spec) => spec.module_name)).toEqual(expected.custom_modules);
      expect(ResolvedBusinessIntentSchema.parse(intent)).toEqual(intent);
    });

    it('covers every business type, monetization type and industry, in English and German', () => {
      const count = (values: readonly string[], pick: (e: (typeof INTENT_CORPUS)[number]) => string) =>
        Object.fromEntries(values.map((value) => [value, INTENT_CORPUS.filter((e) => pick(e) === value).length]));
      const coverage = {
        business_type: count(IntentBusinessTypeSchema.options, (e) => e.expected.business_type),
        monetization_type: count(MonetizationTypeSchema.options, (e) => e.expected.monetization_type),
        industry: count(IndustrySchema.options, (e) => e.expected.industry),
        language: count(['en', 'de'], (e) => resolve(e.input).language),
      };
      expect(INTENT_CORPUS.length).toBeGreaterThanOrEqual(40);
      for (const counts of Object.values(coverage)) for (const [value, n] of Object.entries(counts)) expect([value, n > 0]).toEqual([value, true]);
    });

    it.each(corpus)('gives byte-identical output for "%s", also from a fresh resolver', (_, { input }) => {
      const first = JSON.stringify(resolve(input));
      expect(JSON.stringify(resolve(input))).toBe(first);
      expect(JSON.stringify(new IntentResolver().resolve(BusinessIntentInputSchema.parse(input)))).toBe(first);
    });

    it.each(corpus)('explains every classification of "%s"', (_, { input }) => {
      const { reasons, ...intent } = resolve(input);
      expect(reasons).toMatchObject({
        business_type: { value: intent.business_type },
        monetization_type: { value: intent.monetization_type },
        industry: { value: intent.industry },
        risk_level: { value: intent.risk_level },
        region: { value: intent.region.country },
        modules: { value: intent.odoo_modules_required.join(', ') },
      });
      for (const reason of Object.values(reasons)) expect(reason.rule).toMatch(/^\w+: ./);
      expect(reasons.region.matched.length).toBeGreaterThan(0);
    });

    it.each(corpus)('selects known modules for "%s" once each, in ODOO_MODULES order', (_, { input }) => {
      const modules = resolve(input).odoo_modules_required;
      expect(modules.length).toBeGreaterThan(0);
      expect(modules).toEqual([...new Set(modules)].sort((a, b) => KNOWN_ODOO_MODULES.indexOf(a) - KNOWN_ODOO_MODULES.indexOf(b)));
      expect(modules.every((module) => KNOWN_ODOO_MODULES.includes(module))).toBe(true);
    });

    it.each(corpus)('suggests a usable name and DNS label for "%s"', (_, { input }) => {
      const { suggested_business_name: name, domain_slug: slug } = resolve(input);
      expect(name.length).toBeGreaterThanOrEqual(2);
      expect(name.length).toBeLessThanOrEqual(60);
      expect(slug).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    });
  });

  it('resolves the German IT consulting idea without a region to a consulting service in Berlin', () => {
    const intent = resolve({ vision: GERMAN_EXAMPLE });
    expect(intent).toMatchObject({
      language: 'de',
      business_type: 'SERVICE',
      monetization_type: 'PROJECT_BASED',
      industry: 'CONSULTING',
      region: { country: 'DE', currency: 'EUR', language: 'de_DE', timezone: 'Europe/Berlin' },
      suggested_business_name: 'IT-Beratung Berlin',
      domain_slug: 'it-beratung-berlin',
      custom_modules_spec: [],
      needs_website: true,
      needs_erp: true,
    });
    expect(intent.odoo_modules_required).toEqual(['crm', 'projects', 'timesheets', 'invoicing']);
    expect(intent.reasons.industry.matched).toEqual(['beratung']);
    expect(intent.reasons.monetization_type.matched).toContain('projektabrechnung');
    expect(intent.reasons.region).toEqual({ value: 'DE', rule: 'region: not given; the idea names Berlin (DE)', matched: ['berlin'] });
    expect(intent.intent_id).toMatch(/^intent_[0-9a-f]{12}$/);
  });

  describe('keyword matching', () => {
    it.each([
      ['"it" the pronoun is not IT', 'We make it simple for people who struggle with paperwork', 'OTHER'],
      ['"IT" as a whole word is', 'IT services for law firms', 'TECH'],
      ['a German compound counts by its head noun', 'Unternehmensberatung für Handwerksbetriebe', 'CONSULTING'],
      ['the longest keyword wins a word', 'Steuerberatung für Freiberufler', 'FINANCE'],
      ['"workshops" are teaching, not shops', 'Pottery workshops for beginners', 'EDUCATION'],
      ['umlauts typed as ae/oe/ue still match', 'Zahnaerztin mit eigener Praxis', 'HEALTHCARE'],
      ['a verb ending in "laden" is no shop', 'Eine Seite, auf der man Fotos hochladen kann', 'OTHER'],
    ])('%s', (_, vision, industry) => {
      expect(resolve({ vision, region: 'DE' }).industry).toBe(industry);
    });

    it('lets an explicit monetization type win over the keywords', () => {
      const intent = resolve({ vision: GERMAN_EXAMPLE, monetization_type: 'HOURLY' });
      expect(intent.monetization_type).toBe('HOURLY');
      expect(intent.reasons.monetization_type).toEqual({ value: 'HOURLY', rule: 'monetization_type: given in the input', matched: [] });
    });

    it('falls back to what is usual for the industry when the idea has no words for kind or monetization', () => {
      const intent = resolve({ vision: 'Pizzeria', region: 'Napoli' });
      expect(intent).toMatchObject({ business_type: 'SERVICE', monetization_type: 'TRANSACTION', industry: 'HOSPITALITY' });
      expect(intent.reasons.business_type.rule).toMatch(/no kind keyword matched; usual kind for HOSPITALITY/);
    });

    it('falls back to OTHER when no industry keyword matches', () => {
      expect(resolve({ vision: 'Something nobody has thought of yet', region: 'DE' }).industry).toBe('OTHER');
    });

    it('reads the target audience too', () => {
      expect(resolve({ vision: 'A new kind of place to meet', target_audience: 'Restaurant owners in Vienna' })).toMatchObject({
        industry: 'HOSPITALITY',
        region: { country: 'AT' },
      });
    });
  });

  describe('region', () => {
    it.each([
      ['DE', 'DE', 'EUR', 'de_DE', 'Europe/Berlin'],
      ['Deutschland', 'DE', 'EUR', 'de_DE', 'Europe/Berlin'],
      ['Muenchen', 'DE', 'EUR', 'de_DE', 'Europe/Berlin'],
      ['Berlin, Germany', 'DE', 'EUR', 'de_DE', 'Europe/Berlin'],
      ['at', 'AT', 'EUR', 'de_DE', 'Europe/Vienna'],
      ['Österreich', 'AT', 'EUR', 'de_DE', 'Europe/Vienna'],
      ['Wien', 'AT', 'EUR', 'de_DE', 'Europe/Vienna'],
      ['Schweiz', 'CH', 'CHF', 'de_CH', 'Europe/Zurich'],
      ['Zurich', 'CH', 'CHF', 'de_CH', 'Europe/Zurich'],
      ['Genf', 'CH', 'CHF', 'fr_CH', 'Europe/Zurich'],
      ['UK', 'GB', 'GBP', 'en_GB', 'Europe/London'],
      ['Großbritannien', 'GB', 'GBP', 'en_GB', 'Europe/London'],
      ['Edinburgh', 'GB', 'GBP', 'en_GB', 'Europe/London'],
      ['USA', 'US', 'USD', 'en_US', 'America/New_York'],
      ['New York', 'US', 'USD', 'en_US', 'America/New_York'],
      ['Chicago', 'US', 'USD', 'en_US', 'America/Chicago'],
      ['San Francisco', 'US', 'USD', 'en_US', 'America/Los_Angeles'],
      ['Frankreich', 'FR', 'EUR', 'fr_FR', 'Europe/Paris'],
      ['France', 'FR', 'EUR', 'fr_FR', 'Europe/Paris'],
      ['Niederlande', 'NL', 'EUR', 'nl_NL', 'Europe/Amsterdam'],
      ['The Hague', 'NL', 'EUR', 'nl_NL', 'Europe/Amsterdam'],
      ['ES', 'ES', 'EUR', 'es_ES', 'Europe/Madrid'],
      ['Spanien', 'ES', 'EUR', 'es_ES', 'Europe/Madrid'],
      ['Teneriffa', 'ES', 'EUR', 'es_ES', 'Atlantic/Canary'],
      ['IT', 'IT', 'EUR', 'it_IT', 'Europe/Rome'],
      ['Mailand', 'IT', 'EUR', 'it_IT', 'Europe/Rome'],
    ])('maps the region %s to %s, %s, %s, %s', (region, country, currency, language, timezone) => {
      expect(resolve({ vision: 'A small bakery', region }).region).toEqual({ country, currency, language, timezone });
    });

    it.each([
      ['Ich möchte eine Bäckerei in Köln eröffnen', 'DE'],
      ['A consultancy for startups in Lyon', 'FR'],
      ['Ein Onlineshop für ganz Österreich', 'AT'],
      ['A tea shop for all of Spain, based in Barcelona', 'ES'],
      ['Yoga classes across Germany, starting in Vienna', 'AT'],
    ])('finds the region in the idea: %s → %s', (vision, country) => {
      expect(resolve({ vision }).region.country).toBe(country);
    });

    it('prefers the region given over a place named in the idea', () => {
      const intent = resolve({ vision: 'A bakery like the ones in London', region: 'DE' });
      expect(intent.region.country).toBe('DE');
      expect(intent.suggested_business_name).not.toMatch(/London/);
    });

    it.each(['Atlantis', 'Paris, Texas', 'Canada', 'Berlin, France'])('rejects the unsupported region %s and lists the supported ones', (region) => {
      const attempt = () => resolve({ vision: 'A bakery', region });
      expect(attempt).toThrow(UnsupportedRegionError);
      expect(attempt).toThrow(new RegExp(`^unsupported region '${region}'.*DE \\(Germany\\).*AT.*CH.*GB.*US.*FR.*NL.*ES.*IT \\(Italy\\)`));
    });

    it('asks for a region when none is given and the idea names none', () => {
      const attempt = () => resolve({ vision: 'A bakery with fresh bread every morning' });
      expect(attempt).toThrow(MissingRegionError);
      expect(attempt).toThrow(/^region is required: .*give "region"/);
    });
  });

  describe('risk', () => {
    const bakery = { vision: 'A small bakery selling bread and cakes', region: 'DE' };

    it.each([
      ['a clinic', { vision: 'A medical clinic for patients', region: 'DE' }],
      ['a dental practice', { vision: 'Zahnarztpraxis in Berlin' }],
      ['an investment adviser', { vision: 'Independent financial advice and investment management', region: 'DE' }],
      ['a tax office', { vision: 'Steuerberatung in Hamburg' }],
    ])('rates %s riskier than a bakery', (_, idea) => {
      expect(riskRank(idea)).toBeGreaterThan(riskRank(bakery));
    });

    it('rises with compliance sensitivity', () => {
      const levels = (['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const).map((compliance_sensitivity) => riskRank({ ...bakery, compliance_sensitivity }));
      expect(levels).toEqual([...levels].sort());
      expect(levels[3]).toBeGreaterThan(levels[0]);
    });

    it('gives one sentence per factor that adds to the score', () => {
      const intent = resolve({ vision: 'A medical clinic for patients with subscription care plans', region: 'London', compliance_sensitivity: 'HIGH' });
      expect(intent.risk_factors).toHaveLength(3); // monetization, compliance, industry; a service adds nothing
      expect(intent.risk_factors.join(' ')).toMatch(/health data/);
      expect(intent.reasons.risk_level.rule).toBe(
        'risk_level: score 70 = business_type SERVICE 0 + monetization SUBSCRIPTION 10 + compliance HIGH 25 + industry HEALTHCARE 35',
      );
      expect(resolve({ ...bakery, compliance_sensitivity: 'LOW' }).risk_factors).toHaveLength(3); // goods, per-sale payments, food hygiene
    });
  });

  describe('payments', () => {
    it.each([
      ['an online shop', 'An online shop for handmade jewellery', ['ecommerce', 'sales', 'invoicing'], /online shop.*payment provider/],
      ['a German Onlineshop', 'Onlineshop für Bio-Tee', ['ecommerce', 'sales', 'invoicing'], /online shop.*payment provider/],
      ['a subscription', 'Monthly coffee subscription for offices', ['subscriptions', 'sales', 'invoicing'], /recurring payments/],
      ['an Abo', 'Kaffee im Abo für Büros', ['subscriptions', 'sales', 'invoicing'], /recurring payments/],
    ])('adds payment modules and a payment risk factor for %s', (_, vision, modules, factor) => {
      const intent = resolve({ vision, region: 'DE' });
      expect(intent.odoo_modules_required).toEqual(expect.arrayContaining(modules));
      expect(intent.risk_factors.join(' ')).toMatch(factor);
    });

    it('adds neither to a consultancy that bills projects', () => {
      const intent = resolve({ vision: GERMAN_EXAMPLE });
      expect(intent.odoo_modules_required).not.toEqual(expect.arrayContaining(['ecommerce']));
      expect(intent.odoo_modules_required).not.toEqual(expect.arrayContaining(['subscriptions']));
      expect(intent.risk_factors.join(' ')).not.toMatch(/payment/);
    });

    it('gives a walk-in shop a till rather than a web shop', () => {
      const modules = resolve({ vision: 'Ein kleiner Blumenladen in Leipzig' }).odoo_modules_required;
      expect(modules).toContain('point_of_sale');
      expect(modules).not.toContain('ecommerce');
    });
  });

  describe('custom modules', () => {
    it.each([
      ['A medical clinic for patients', ['x_patient_appointments']],
      ['A real estate agency for rental apartments', ['x_real_estate']],
      ['Ein Restaurant mit Mittagstisch', ['x_table_reservation']],
      ['A small hotel with twelve rooms', ['x_room_booking']],
      ['A marketplace for vintage cameras, earning a commission per sale', ['x_marketplace']],
      [GERMAN_EXAMPLE, []],
    ])('plans %s → %j', (vision, expected) => {
      const specs = resolve({ vision, region: 'DE' }).custom_modules_spec;
      expect(specs.map((spec) => spec.module_name)).toEqual(expected);
      for (const spec of specs) expect(CustomModuleSpecSchema.parse(spec)).toEqual(spec);
    });

    it('installs the Odoo modules a custom module depends on', () => {
      expect(resolve({ vision: 'A medical clinic for patients', region: 'DE' }).odoo_modules_required).toEqual(expect.arrayContaining(['calendar', 'contacts']));
    });
  });

  describe('naming', () => {
    it.each([
      [GERMAN_EXAMPLE, undefined, 'IT-Beratung Berlin', 'it-beratung-berlin'],
      ['Zahnarztpraxis in München mit Online-Terminbuchung', undefined, 'Zahnarztpraxis München', 'zahnarztpraxis-muenchen'],
      ['Wir eröffnen eine kleine Bäckerei in Köln', undefined, 'Bäckerei Köln', 'baeckerei-koeln'],
      ['Onlineshop für Bio-Tee', 'DE', 'Onlineshop für Bio-Tee', 'onlineshop-fuer-bio-tee'],
      ['An online shop selling handmade furniture', 'US', 'Online Shop for Handmade Furniture', 'online-shop-for-handmade-furniture'],
      ['Eine Plattform, die Handwerker mit Hausbesitzern verbindet', 'CH', 'Plattform für Handwerker', 'plattform-fuer-handwerker'],
      ['IT consulting for small businesses', 'Munich', 'Munich IT Consulting', 'munich-it-consulting'],
      ['A small bakery shop', 'Hamburg', 'Hamburg Bakery Shop', 'hamburg-bakery-shop'],
      ['We want to', 'DE', 'Business', 'business'],
    ])('names "%s" (region %s) %s', (vision, region, name, slug) => {
      expect(resolve({ vision, region })).toMatchObject({ suggested_business_name: name, domain_slug: slug });
    });

    it('keeps a name drawn from long words to 60 characters', () => {
      const vision = Array.from({ length: 500 }, (_, i) => (i < 3 ? `Superkalifragilistischexpialigetischwort${i}` : `wort${i}`)).join(' ');
      const intent = resolve({ vision, region: 'DE' });
      expect(intent.suggested_business_name.length).toBeLessThanOrEqual(60);
      expect(intent.domain_slug.length).toBeLessThanOrEqual(63);
    });
  });
});
