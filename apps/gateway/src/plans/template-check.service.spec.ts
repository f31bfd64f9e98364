import { TemplateRegistry } from '@bf/templates';
import { BadRequestException } from '@nestjs/common';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BriefingSchema } from '@bf/contracts';
import { TemplateCheckService } from './template-check.service';

describe(TemplateCheckService.name, () => {
  const templatesDir = mkdtempSync(join(tmpdir(), 'bf-template-check-'));
  const check = new TemplateCheckService(new TemplateRegistry(templatesDir));
  const acme = JSON.parse(readFileSync(join(__dirname, '../../../../templates/briefings/acme-consulting.json'), 'utf8'));

  beforeAll(() => {
    cpSync(join(__dirname, '../../../../templates/websites'), join(templatesDir, 'websites'), { recursive: true });
    // A stricter copy: the briefing schema allows what this template's rules do not.
    const manifest = JSON.parse(readFileSync(join(templatesDir, 'websites/static_landing/manifest.json'), 'utf8'));
    manifest.variables = manifest.variables.map((v: any) =>
      v.name === 'business_name' ? { ...v, validation: { max_length: 10 } } : v.name === 'tagline' ? { ...v, validation: { pattern: '^[A-Z]+$' } } : v.name === 'pages' ? { ...v, validation: { enum: ['home', 'contact'] } } : v,
    );
    writeFileSync(join(templatesDir, 'websites/static_landing/manifest.json'), JSON.stringify(manifest));
  });
  afterAll(() => rmSync(templatesDir, { recursive: true, force: true }));

  const briefing = (template: string) => BriefingSchema.parse({ ...acme, website_config: { ...acme.website_config, template } });

  it('passes the Acme briefing for every shipped template', async () => {
    for (const template of ['modern_landing_v1', 'nextjs_business', 'ecommerce_basic']) await expect(check.assertUsable(briefing(template))).resolves.toBeUndefined();
  });

  it('answers 400 listing every bad variable by name at once', async () => {
    const error = await check.assertUsable(briefing('static_landing')).catch((e) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse().details).toEqual([
      { path: 'website_config.template(static_landing).business_name', message: 'must have at most 10 characters' },
      { path: 'website_config.template(static_landing).tagline', message: 'must match ^[A-Z]+$' },
      { path: 'website_config.template(static_landing).pages', message: 'items about, services, team must each be one of home, contact' },
    ]);
  });
});
