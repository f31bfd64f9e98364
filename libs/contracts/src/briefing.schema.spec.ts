import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BriefingSchema, BUSINESS_TYPES } from './briefing.schema';
import { STEP_PARAMETER_SCHEMAS } from './step-parameters';
import { parseWith } from './validation';

const completeExample = JSON.parse(readFileSync(join(__dirname, '../../../templates/briefings/acme-consulting.json'), 'utf8'));

function withChange(change: (briefing: any) => void) {
  const briefing = structuredClone(completeExample);
  change(briefing);
  return briefing;
}

describe('BriefingSchema', () => {
  it('accepts seed 000 "Complete Example" with every field', () => {
    const outcome = parseWith(BriefingSchema, completeExample);
    expect(outcome).toMatchObject({ ok: true });
    if (outcome.ok) {
      expect(outcome.value.website_config?.pages).toEqual(['home', 'about', 'services', 'team', 'contact']);
      expect(outcome.value.erp_config?.users[0]).toEqual({ name: 'Admin User', email: 'admin@acme.example', role: 'admin' });
      expect(outcome.value.integrations[0].config).toEqual({ create_lead: true, notify_email: 'sales@acme.example' });
    }
  });

  it('applies defaults to the Quick Start briefing', () => {
    const outcome = parseWith(BriefingSchema, { business_name: 'Acme', business_type: 'consulting' });
    expect(outcome.ok && outcome.value).toMatchObject({ dry_run: false, auto_rollback: true, integrations: [], priority: 10, country: 'DE' });
  });

  it.each(BUSINESS_TYPES)('accepts business type %s', (type) => {
    expect(parseWith(BriefingSchema, { ...completeExample, business_type: type }).ok).toBe(true);
  });

  it.each([
    ['business_type', (b: any) => (b.business_type = 'bakery')],
    ['business_name', (b: any) => (b.business_name = 'A')],
    ['contact_email', (b: any) => (b.contact_email = 'not-an-email')],
    ['contact_phone', (b: any) => (b.contact_phone = 'call me')],
    ['country', (b: any) => (b.country = 'Germany')],
    ['website_config.domain', (b: any) => (b.website_config.domain = 'acme')],
    ['website_config.primary_color', (b: any) => (b.website_config.primary_color = 'blue')],
    ['website_config.logo_url', (b: any) => (b.website_config.logo_url = 'ftp://acme.example/logo.png')],
    ['website_config.pages.1', (b: any) => (b.website_config.pages[1] = 'About Us!')],
    ['erp_config.modules.1', (b: any) => (b.erp_config.modules[1] = 'astrology')],
    ['erp_config.users.0.email', (b: any) => (b.erp_config.users[0].email = 'admin')],
    ['erp_config.users.0.role', (b: any) => (b.erp_config.users[0].role = 'emperor')],
    ['erp_config.currency', (b: any) => (b.erp_config.currency = 'euro')],
    ['erp_config.fiscal_year_start', (b: any) => (b.erp_config.fiscal_year_start = '13-01')],
    ['erp_config.timezone', (b: any) => (b.erp_config.timezone = 'Berlin time')],
    ['integrations.0.type', (b: any) => (b.integrations[0].type = 'carrier_pigeon')],
    ['priority', (b: any) => (b.priority = 1000)],
    ['dry_run', (b: any) => (b.dry_run = 'yes')],
  ])('rejects a bad %s, naming it by path', (path, change) => {
    const outcome = parseWith(BriefingSchema, withChange(change));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((error) => error.path)).toEqual([path]);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    const outcome = parseWith(BriefingSchema, { ...completeExample, dryrun: true });
    expect(outcome).toEqual({ ok: false, errors: [{ path: '(root)', message: 'unknown field(s): dryrun' }] });
  });

  it('reports every bad field at once', () => {
    const outcome = parseWith(BriefingSchema, { business_type: 'x', contact_email: 'y' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((error) => error.path).sort()).toEqual(['business_name', 'business_type', 'contact_email']);
  });

  it('applies the custom module generator rules at planning time, with paths relative to the briefing', () => {
    const outcome = parseWith(BriefingSchema, {
      business_name: 'Bolt GmbH',
      business_type: 'manufacturing',
      erp_config: { modules: ['inventory'], custom_modules: [{ module_name: 'bolt_partner', title: 'Partner Tweaks', models: [{ name: 'res.partner', description: 'Partners', fields: [{ name: 'x_grade', type: 'selection' }] }] }] },
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.errors.map((e) => e.path).sort()).toEqual(['erp_config.custom_modules.0.models.0.fields.0.selection', 'erp_config.custom_modules.0.models.0.name']);
    }
  });

  it('applies them to install_custom_module step parameters too (client-supplied graphs)', () => {
    const outcome = parseWith(STEP_PARAMETER_SCHEMAS['odoo.install_custom_module'], { module: { module_name: 'bolt_partner', title: 'T', models: [{ name: 'res.partner', extends: true, description: 'G', fields: [{ name: 'grade', type: 'char' }] }] } });
    expect(outcome).toEqual({ ok: false, errors: [{ path: 'module.models.0.fields.0.name', message: expect.stringMatching(/module prefix "bolt_"/) }] });
  });
});
