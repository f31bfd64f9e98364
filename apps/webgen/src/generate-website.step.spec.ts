import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BriefingSchema } from '@bf/contracts';
import { TemplateRegistry, websiteVariables } from '@bf/templates';
import { servedFiles } from './generate-website.step';

describe('servedFiles', () => {
  const registry = new TemplateRegistry(join(__dirname, '../../../templates'));
  const briefing = BriefingSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../../templates/briefings/acme-consulting.json'), 'utf8')));

  it('publishes only the static export of a template with a public_root, at the site root', async () => {
    const manifest = (await registry.find('nextjs_business'))!;
    const rendered = await registry.render(manifest, websiteVariables(briefing));
    const served = servedFiles(manifest, rendered);
    expect(served.map((file) => file.output_path)).toContain('index.html');
    expect(served.some((file) => file.output_path === 'package.json' || file.output_path.startsWith('app/'))).toBe(false);
    expect(served.length).toBe(rendered.filter((file) => file.output_path.startsWith(`${manifest.public_root}/`)).length);
    const index = rendered.find((file) => file.output_path === `${manifest.public_root}/index.html`)!;
    expect(served.find((file) => file.output_path === 'index.html')!.sha256).toBe(index.sha256);
  });

  it('publishes everything of a template without one', async () => {
    const manifest = (await registry.find('modern_landing_v1'))!;
    const rendered = await registry.render(manifest, websiteVariables(briefing));
    expect(servedFiles(manifest, rendered)).toEqual(rendered);
  });
});
