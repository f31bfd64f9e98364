import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateRegistry } from './template-registry';

describe(TemplateRegistry.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'bf-registry-'));
  const folder = join(root, 'websites', 'tiny_v1');
  const page = join(folder, 'index.html.hbs');
  const registry = new TemplateRegistry(root);

  beforeAll(() => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'manifest.json'),
      JSON.stringify({
        template_id: 'tiny_v1',
        version: '1.0.0',
        type: 'website',
        name: 'Tiny',
        description: 'one page',
        variables: [{ name: 'business_name', type: 'string', required: true }],
        files: [{ path: 'index.html.hbs', output_path: 'index.html', is_template: true }],
      }),
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const render = async (name: string) => {
    const [file] = await registry.render((await registry.find('tiny_v1'))!, { business_name: name });
    return file.content.toString('utf8');
  };

  it('renders the same output from a cached compilation, and escapes values', async () => {
    writeFileSync(page, '<h1>{{business_name}}</h1>');
    expect(await render('A & B')).toBe('<h1>A &amp; B</h1>');
    expect(await render('A & B')).toBe('<h1>A &amp; B</h1>');
  });

  it('picks up an edited template at once: the cache is keyed by the source', async () => {
    writeFileSync(page, '<h1>{{business_name}}</h1>');
    expect(await render('Acme')).toBe('<h1>Acme</h1>');
    writeFileSync(page, '<h2>{{business_name}}</h2>');
    expect(await render('Acme')).toBe('<h2>Acme</h2>');
  });

  it('fails on a broken template every time (never caches it), and renders again once it is fixed', async () => {
    writeFileSync(page, '{{#each pages}}');
    await expect(render('Acme')).rejects.toThrow(/Parse error/);
    await expect(render('Acme')).rejects.toThrow(/Parse error/);
    writeFileSync(page, '<p>{{business_name}}</p>');
    expect(await render('Acme')).toBe('<p>Acme</p>');
  });
});
