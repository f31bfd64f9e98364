import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';
import ts from 'typescript';
import { BriefingSchema } from '@bf/contracts';
import { TemplateManifest } from './manifest.schema';
import { RenderedFile, TemplateRegistry } from './template-registry';
import { websiteVariables } from './briefing-variables';

const TEMPLATES_DIR = join(__dirname, '../../../templates');
const ACME = BriefingSchema.parse(JSON.parse(readFileSync(join(TEMPLATES_DIR, 'briefings/acme-consulting.json'), 'utf8')));
const ALL_PAGES = ['home', 'about', 'services', 'team', 'contact', 'blog', 'products', 'cart', 'checkout'];
const TEMPLATE_IDS = ['ecommerce_basic', 'modern_landing_v1', 'nextjs_business', 'static_landing'];

/** html-validate's recommended rules, minus purely stylistic ones. */
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'no-inline-style': 'off', 'long-title': 'off', 'no-trailing-whitespace': 'off', 'attribute-empty-style': 'off', 'tel-non-breaking': 'off' },
});

const registry = new TemplateRegistry(TEMPLATES_DIR);
const manifests = new Map<string, TemplateManifest>();
const text = (files: RenderedFile[], path: string) => files.find((file) => file.output_path === path)?.content.toString('utf8');
const htmlFiles = (files: RenderedFile[]) => files.filter((file) => file.output_path.endsWith('.html'));
const publicPath = (manifest: TemplateManifest, path: string) => (manifest.public_root ? `${manifest.public_root}/${path}` : path);

async function expectValidHtml(files: RenderedFile[]) {
  expect(htmlFiles(files).length).toBeGreaterThan(0);
  for (const file of htmlFiles(files)) {
    const report = await validator.validateString(file.content.toString('utf8'), file.output_path);
    const messages = report.results.flatMap((result) => result.messages.map((m) => `${file.output_path}:${m.line} ${m.ruleId} ${m.message}`));
    expect(messages).toEqual([]);
  }
}

beforeAll(async () => {
  for (const manifest of await registry.loadAll()) manifests.set(manifest.template_id, manifest);
});

describe('website templates', () => {
  it('loads the four templates at startup (seed 001 names map to ids without hyphens)', () => {
    expect([...manifests.keys()]).toEqual(TEMPLATE_IDS);
  });

  describe.each(TEMPLATE_IDS)('%s', (templateId) => {
    const render = (input: Record<string, unknown>) => registry.render(manifests.get(templateId)!, input);

    it('renders the Acme briefing as valid HTML5 with viewport, title, description, lang, sitemap, robots and an accessible contact form', async () => {
      const manifest = manifests.get(templateId)!;
      const files = await render(websiteVariables(ACME));
      await expectValidHtml(files);
      const index = text(files, publicPath(manifest, 'index.html'))!;
      expect(index).toMatch(/^<!DOCTYPE html>\n<html lang="de-DE">/);
      expect(index).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(index).toContain('<title>Acme Consulting GmbH – Expert IT Consulting Services</title>');
      expect(index).toContain('<meta name="description" content="Professional IT consulting for German businesses">');
      expect(text(files, publicPath(manifest, 'styles.css'))).toContain('--primary: #1e40af; --secondary: #64748b;');
      expect(index).toContain('href="tel:+493012345678"');
      expect(text(files, publicPath(manifest, 'robots.txt'))).toContain('Sitemap: https://acme.example/sitemap.xml');
      expect(text(files, publicPath(manifest, 'sitemap.xml'))).toContain('<loc>https://acme.example/</loc>');
      const contact = htmlFiles(files).map((file) => file.content.toString('utf8')).find((html) => html.includes('contact-form'))!;
      expect(contact).toContain('action="/api/v1/sites/acme.example/contact"');
      expect(contact).toMatch(/<label for="contact-name">/);
      expect(contact).toMatch(/id="contact-email" name="email" type="email" autocomplete="email" maxlength="254" required/);
      expect(contact).toMatch(/id="contact-message" name="message"[^>]*required/);
    });

    it('renders every page combination it supports, each as valid HTML', async () => {
      const supported = manifests.get(templateId)!.supported_pages!;
      const combos = [['home'], ['contact'], supported, ALL_PAGES, [...supported].reverse(), ...supported.map((page) => ['home', page])];
      for (const pages of combos) {
        const files = await render({ ...websiteVariables(ACME), pages });
        await expectValidHtml(files);
        const html = htmlFiles(files).map((file) => file.content.toString('utf8')).join('\n');
        for (const page of supported.filter((p) => p !== 'home')) {
          if (pages.includes(page)) expect(html).toContain(`id="${page}-heading"`);
        }
        // Every site has somewhere to send a message, listed or not.
        expect(html).toContain('/api/v1/sites/acme.example/contact');
      }
    });

    it('renders edge cases: a 100-character name, Arabic and Chinese text, only the required variables', async () => {
      const long = 'A'.repeat(50) + ' ' + 'B'.repeat(49);
      for (const input of [
        { ...websiteVariables(ACME), business_name: long },
        { business_name: 'شركة الاستشارات', domain: 'example.sa', tagline: 'خدمات تقنية المعلومات', language: 'ar', pages: ['home', 'about', 'contact'] },
        { business_name: '极客咨询有限公司', domain: 'example.cn', description: '专业的信息技术咨询', language: 'zh-CN', pages: ALL_PAGES },
        { business_name: 'Minimal', domain: 'minimal.example' },
      ]) {
        const files = await render(input);
        await expectValidHtml(files);
        expect(htmlFiles(files)[0].content.toString('utf8')).toContain(input.business_name);
      }
    });

    it('neutralises injection through variables: script tags, Handlebars expressions, attribute breaking', async () => {
      const files = await render({
        ...websiteVariables(ACME),
        business_name: '<script>alert(1)</script>',
        tagline: '{{constructor.constructor "alert(1)"}}',
        description: '" onmouseover="alert(1)',
        logo_url: 'https://cdn.example/logo.png?a="><script>alert(2)</script>',
      });
      for (const file of files) {
        const content = file.content.toString('utf8');
        expect(content).not.toContain('<script>alert');
        expect(content).not.toContain('" onmouseover="');
      }
      const index = htmlFiles(files)[0].content.toString('utf8');
      expect(index).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(index).toContain('{{constructor.constructor &quot;alert(1)&quot;}}');
      await expectValidHtml(files);
    });
  });

  it('nextjs_business ships a Next.js project (package.json, layout, a route per page) and its static export', async () => {
    const files = await registry.render(manifests.get('nextjs_business')!, { ...websiteVariables(ACME), business_name: 'Acme "</script><script>alert(1)</script>' });
    const paths = files.map((file) => file.output_path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'next.config.mjs', 'app/layout.tsx', 'app/page.tsx', 'app/about/page.tsx', 'app/services/page.tsx', 'app/team/page.tsx', 'app/contact/page.tsx', 'out/index.html', 'out/about/index.html', 'out/contact/index.html', 'out/sitemap.xml', 'out/robots.txt']));
    expect(paths).not.toContain('app/blog/page.tsx'); // Acme lists no blog page
    expect(JSON.parse(text(files, 'package.json')!).scripts.build).toBe('next build');
    expect(text(files, 'next.config.mjs')).toContain("output: 'export'");
    const site = text(files, 'app/site.ts')!;
    expect(site).toContain('name: "Acme \\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"');
    expect(site).toContain('pages: ["home","about","services","team","contact"] as string[]');
    expect(manifests.get('nextjs_business')!.public_root).toBe('out');
  });

  it('nextjs_business sources parse as TypeScript/TSX whatever the business name holds', async () => {
    const files = await registry.render(manifests.get('nextjs_business')!, { ...websiteVariables(ACME), business_name: 'A {b} `c` ${d} \\ \u2028 </script>', pages: ALL_PAGES });
    for (const file of files.filter((f) => /\.tsx?$/.test(f.output_path) && !f.output_path.endsWith('.d.ts'))) {
      const out = ts.transpileModule(file.content.toString('utf8'), { fileName: file.output_path, reportDiagnostics: true, compilerOptions: { jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ES2022 } });
      expect([file.output_path, out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))]).toEqual([file.output_path, []]);
    }
  });

  it('ecommerce_basic lists products, escaped', async () => {
    const files = await registry.render(manifests.get('ecommerce_basic')!, {
      ...websiteVariables(ACME),
      pages: ['home', 'products', 'cart', 'checkout', 'contact'],
      products: [{ name: 'Audit <b>', description: 'A day', price: 990 }, { name: 'Workshop' }, { description: 'no name' }, 'not an object'],
    });
    const products = text(files, 'products.html')!;
    expect(products).toContain('<h2>Audit &lt;b&gt;</h2>');
    expect(products).toContain('990 EUR');
    expect(text(files, 'checkout.html')).toContain('autocomplete="name"');
    await expectValidHtml(files);
  });
});
