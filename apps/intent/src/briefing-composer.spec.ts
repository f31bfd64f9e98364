import { BriefingSchema, BusinessIntentInput, BusinessIntentInputSchema } from '@bf/contracts';
import { ZodError } from 'zod';
import { BriefingComposer } from './briefing-composer';
import { toDomainSlug } from './business-namer';
import { INTENT_CORPUS } from './intent-corpus';
import { IntentResolver } from './intent-resolver';

const resolver = new IntentResolver();
const composer = new BriefingComposer();
const compose = (raw: BusinessIntentInput) => {
  const input = BusinessIntentInputSchema.parse(raw);
  const intent = resolver.resolve(input);
  return { intent, briefing: composer.compose(input, intent) };
};
const corpus = INTENT_CORPUS.map((entry) => [entry.input.vision, entry.input] as const);

describe(BriefingComposer.name, () => {
  it.each(corpus)('composes a complete, valid seed 000 briefing from "%s"', (_, input) => {
    const { intent, briefing } = compose(input);
    expect(BriefingSchema.parse(briefing)).toEqual(briefing);
    expect(briefing).toMatchObject({
      business_name: intent.suggested_business_name,
      country: intent.region.country,
      contact_email: `info@${intent.domain_slug}.example`,
      website_config: { domain: `${intent.domain_slug}.example`, template: 'modern_landing_v1', logo_url: null },
      erp_config: {
        modules: intent.odoo_modules_required,
        users: [{ email: `admin@${intent.domain_slug}.example`, role: 'admin' }],
        currency: intent.region.currency,
        fiscal_year_start: '01-01',
        language: intent.region.language,
        timezone: intent.region.timezone,
        custom_modules: intent.custom_modules_spec,
      },
      auto_execute: false,
      dry_run: true,
      auto_rollback: true,
    });
    expect(briefing.website_config?.pages).toEqual(expect.arrayContaining(['home', 'contact']));
    expect(briefing.notes).toMatch(/composed from a business idea/i);
  });

  it.each(corpus)('adds the contact form integration to "%s" exactly when it has a CRM', (_, input) => {
    const { briefing } = compose(input);
    const hasCrm = briefing.erp_config!.modules.includes('crm');
    expect(briefing.integrations).toEqual(
      hasCrm
        ? [{ name: 'Contact Form to CRM', source: 'website', target: 'odoo', type: 'contact_form', enabled: true, config: { create_lead: true } }]
        : [],
    );
  });

  it('finds ideas with and without a CRM in the corpus, so the rule above is exercised both ways', () => {
    const crm = INTENT_CORPUS.map(({ input }) => compose(input).briefing.integrations.length > 0);
    expect(crm).toContain(true);
    expect(crm).toContain(false);
  });

  it('composes the German IT consulting idea like the seed 000 example', () => {
    const { briefing } = compose({ vision: 'Ich möchte eine IT-Beratung in Berlin gründen, mit Projektabrechnung für Mittelständler' });
    expect(briefing).toMatchObject({
      business_name: 'IT-Beratung Berlin',
      business_type: 'consulting',
      industry: 'Consulting',
      country: 'DE',
      contact_email: 'info@it-beratung-berlin.example',
      website_config: {
        domain: 'it-beratung-berlin.example',
        pages: ['home', 'about', 'services', 'team', 'contact'],
        features: ['blog', 'contact_form'],
        primary_color: '#1e40af',
        secondary_color: '#64748b',
        tagline: 'Kompetente Beratung für Ihr Unternehmen',
      },
      erp_config: {
        modules: ['crm', 'projects', 'timesheets', 'invoicing'],
        users: [{ name: 'Administrator', email: 'admin@it-beratung-berlin.example', role: 'admin' }],
        currency: 'EUR',
        language: 'de_DE',
        timezone: 'Europe/Berlin',
      },
    });
  });

  it.each([
    ['Ich möchte eine IT-Beratung in Berlin gründen', 'consulting'],
    ['We manufacture custom CNC machined parts in Stuttgart', 'manufacturing'],
    ['Onlineshop für Bio-Tee', 'ecommerce'],
    ['A SaaS tool for freelancers to track invoices', 'saas'],
    ['Desktop software for architects, sold as a perpetual license', 'saas'],
    ['A small bakery shop', 'retail'],
    ['A medical clinic for patients', 'service'],
  ])('maps "%s" to the seed business type %s', (vision, type) => {
    expect(compose({ vision, region: 'DE' }).briefing.business_type).toBe(type);
  });

  it('transliterates German letters in the domain and the addresses', () => {
    const { briefing } = compose({ vision: 'Wir eröffnen eine kleine Bäckerei in Köln' });
    expect(briefing).toMatchObject({
      business_name: 'Bäckerei Köln',
      contact_email: 'info@baeckerei-koeln.example',
      website_config: { domain: 'baeckerei-koeln.example' },
      erp_config: { users: [{ email: 'admin@baeckerei-koeln.example' }] },
    });
  });

  it.each([
    ['Straße & Söhne', 'strasse-soehne'],
    ['Über Öl und Äpfel', 'ueber-oel-und-aepfel'],
    ['Café Zürich', 'cafe-zuerich'],
    ['  --IT--Beratung--  ', 'it-beratung'],
    ['Ελληνικά', 'business'],
    ['a'.repeat(62) + ' b', 'a'.repeat(62)],
  ])('turns the name %j into the DNS label %s', (name, slug) => {
    expect(toDomainSlug(name)).toBe(slug);
  });

  it('writes the site copy in the language of the idea and names the audience', () => {
    const { briefing } = compose({ vision: 'A small bakery shop', region: 'Hamburg', target_audience: 'Families in the neighbourhood.' });
    expect(briefing.website_config).toMatchObject({
      tagline: 'Good food, warm welcome',
      description: 'Hamburg Bakery Shop welcomes guests in Germany. For Families in the neighbourhood.',
    });
  });

  it('fails loudly when a composition breaks the briefing schema', () => {
    const input = BusinessIntentInputSchema.parse({ vision: 'A small bakery shop', region: 'DE' });
    const intent = { ...resolver.resolve(input), odoo_modules_required: ['astrology'] };
    expect(() => composer.compose(input, intent)).toThrow(ZodError);
  });
});
