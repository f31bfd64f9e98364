import { TemplateRegistry } from '@bf/templates';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOf } from '../../../../../test/support/preflight-subject';
import { TemplatesCheck } from './templates.check';

describe(TemplatesCheck.name, () => {
  const templatesDir = mkdtempSync(join(tmpdir(), 'bf-preflight-templates-'));
  const check = new TemplatesCheck(new TemplateRegistry(templatesDir));
  const variables = { business_name: 'Acme Consulting GmbH', domain: 'acme.example', pages: ['home'], primary_color: '#1e40af' };
  const website = (overrides: object = {}) => planOf(true, ['website.generate', 'website.deploy'], { parameters: variables, ...overrides });

  beforeAll(() => {
    const source = join(__dirname, '../../../../../templates/websites/modern_landing_v1');
    cpSync(source, join(templatesDir, 'websites/modern_landing_v1'), { recursive: true });
    cpSync(source, join(templatesDir, 'websites/broken_v1'), { recursive: true });
    writeFileSync(join(templatesDir, 'websites/broken_v1/manifest.json'), JSON.stringify({ template_id: 'broken_v1' }));
    cpSync(source, join(templatesDir, 'websites/stricter_v1'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8'));
    manifest.template_id = 'stricter_v1';
    manifest.variables.push({ name: 'vat_id', type: 'string', required: true });
    writeFileSync(join(templatesDir, 'websites/stricter_v1/manifest.json'), JSON.stringify(manifest));
  });
  afterAll(() => rmSync(templatesDir, { recursive: true, force: true }));

  it('passes when the template of every website.generate step is in the registry and accepts its variables, for a dry run too', async () => {
    expect(await check.run(website())).toEqual([
      { check: 'template:modern_landing_v1', passed: true, detail: expect.stringMatching(/^template modern_landing_v1@\S+ is in the template registry and accepts the variables of Step 1$/) },
    ]);
  });

  it('fails naming a template that does not exist', async () => {
    expect(await check.run(website({ templateId: 'vanished_v1' }))).toEqual([
      { check: 'template:vanished_v1', passed: false, detail: 'template vanished_v1 does not exist in the template registry' },
    ]);
  });

  it('fails for a template whose manifest no longer validates, naming the bad fields', async () => {
    const [result] = await check.run(website({ templateId: 'broken_v1' }));
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(/^template broken_v1 has an unusable manifest\.json: .*version/);
  });

  it('fails for a template that changed after review and now needs a variable the step does not give', async () => {
    const [result] = await check.run(website({ templateId: 'stricter_v1' }));
    expect(result).toMatchObject({ passed: false, detail: expect.stringMatching(/does not accept the variables of Step 1: vat_id is required$/) });
  });

  it('checks the default template for a step that names none, and nothing for a plan without a website', async () => {
    expect((await check.run(website({ templateId: null })))[0]).toMatchObject({ check: 'template:modern_landing_v1', passed: true });
    expect(await check.run(planOf(false, ['odoo.install_modules', 'validation.run']))).toEqual([]);
  });
});
