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

describe(`${TemplateRegistry.name} safety and startup validation`, () => {
  const root = mkdtempSync(join(tmpdir(), 'bf-registry-safety-'));
  const websites = join(root, 'websites');
  const manifest = (id: string, extra: Record<string, unknown> = {}) => ({
    template_id: id,
    version: '1.0.0',
    type: 'website',
    name: id,
    description: id,
    variables: [
      { name: 'business_name', type: 'string', required: true },
      { name: 'tagline', type: 'string' },
    ],
    files: [{ path: 'index.html.hbs', output_path: 'index.html', is_template: true }],
    ...extra,
  });
  const template = (id: string, source: string, extra: Record<string, unknown> = {}) => {
    rmSync(websites, { recursive: true, force: true });
    mkdirSync(join(websites, id), { recursive: true });
    writeFileSync(join(websites, id, 'manifest.json'), JSON.stringify(manifest(id, extra)));
    writeFileSync(join(websites, id, 'index.html.hbs'), source);
    return new TemplateRegistry(root);
  };
  const render = async (registry: TemplateRegistry, id: string, input: Record<string, unknown>) =>
    (await registry.render((await registry.find(id))!, input))[0].content.toString('utf8');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('renders in strict mode: an absent optional variable is null, a name the manifest lacks is an error', async () => {
    let registry = template('t_v1', '<p>{{business_name}}{{#if tagline}} {{tagline}}{{/if}}</p>');
    expect(await render(registry, 't_v1', { business_name: 'Acme' })).toBe('<p>Acme</p>');
    registry = template('t_v1', '<p>{{busines_name}}</p>');
    await expect(render(registry, 't_v1', { business_name: 'Acme' })).rejects.toThrow(/"busines_name" not defined/);
  });

  it('renders Handlebars syntax and markup in values as text, and exposes no prototype', async () => {
    const registry = template('t_v1', '<h1 title="{{business_name}}">{{business_name}}</h1><p>{{tagline}}</p>');
    const html = await render(registry, 't_v1', { business_name: '<script>alert(1)</script>', tagline: '{{constructor.constructor "return process"}}' });
    expect(html).toBe('<h1 title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</h1><p>{{constructor.constructor &quot;return process&quot;}}</p>');
    const viaLookup = template('t_v1', '{{#with business_name}}{{lookup this "constructor"}}{{/with}}|{{lookup tagline "__proto__"}}');
    expect(await render(viaLookup, 't_v1', { business_name: 'x', tagline: 'y' })).toBe('|');
  });

  it('allows only registered helpers: an unknown helper fails at load and at render', async () => {
    const registry = template('t_v1', '{{#if (helperMissing business_name)}}x{{/if}}{{constructor business_name}}');
    await expect(registry.loadAll()).rejects.toThrow(/index\.html\.hbs.*unknown helper|You specified knownHelpersOnly/);
    await expect(render(registry, 't_v1', { business_name: 'x' })).rejects.toThrow();
  });

  it('loadAll passes a good template and names the file of every kind of broken one', async () => {
    expect((await template('t_v1', '<p>{{business_name}}</p>').loadAll()).map((m) => m.template_id)).toEqual(['t_v1']);
    const cases: [string, () => TemplateRegistry, RegExp][] = [
      ['path traversal in a manifest path', () => template('t_v1', 'x', { files: [{ path: '../secret', output_path: 'index.html', is_template: false }] }), /t_v1\/manifest\.json: files\.0\.path must be a relative path/],
      ['an absolute output path', () => template('t_v1', 'x', { files: [{ path: 'index.html.hbs', output_path: '/etc/cron.d/x', is_template: true }] }), /t_v1\/manifest\.json: files\.0\.output_path must be a relative path/],
      ['a dot-dot segment in an output path', () => template('t_v1', 'x', { files: [{ path: 'index.html.hbs', output_path: 'a/../../x', is_template: true }] }), /files\.0\.output_path must be a relative path/],
      ['a missing file', () => template('t_v1', 'x', { files: [{ path: 'gone.hbs', output_path: 'index.html', is_template: true }] }), /t_v1\/gone\.hbs: listed in .*manifest\.json but missing/],
      ['a folder that is not its id', () => template('t_v1', 'x', { template_id: 'other_v1' }), /t_v1\/manifest\.json: template_id other_v1 must equal its folder name t_v1/],
      ['a broken template', () => template('t_v1', '{{#each pages}}'), /t_v1\/index\.html\.hbs: Parse error/],
      ['unescaped output', () => template('t_v1', '{{{business_name}}}'), /t_v1\/index\.html\.hbs: unescaped output/],
      ['a default that breaks its own rule', () => template('t_v1', 'x', { variables: [{ name: 'color', type: 'color', default: 'blue' }] }), /default of color must be of type color/],
      ['an unknown variable type', () => template('t_v1', 'x', { variables: [{ name: 'x', type: 'date' }] }), /variables\.0\.type/],
    ];
    for (const [, make, message] of cases) await expect(make().loadAll()).rejects.toThrow(message);
    rmSync(websites, { recursive: true, force: true });
    mkdirSync(join(websites, 'bad_v1'), { recursive: true });
    writeFileSync(join(websites, 'bad_v1', 'manifest.json'), '{ not json');
    await expect(new TemplateRegistry(root).loadAll()).rejects.toThrow(/bad_v1\/manifest\.json: not JSON/);
  });

  it('emits a per-page file only when pages lists it; output names never come from variables', async () => {
    const registry = template('t_v1', '<p>{{business_name}}</p>', {
      variables: [
        { name: 'business_name', type: 'string', required: true },
        { name: 'pages', type: 'list', default: ['home'] },
      ],
      files: [
        { path: 'index.html.hbs', output_path: 'index.html', is_template: true },
        { path: 'index.html.hbs', output_path: 'about.html', is_template: true, page: 'about' },
      ],
    });
    const paths = async (input: Record<string, unknown>) => (await registry.render((await registry.find('t_v1'))!, input)).map((f) => f.output_path);
    expect(await paths({ business_name: 'x' })).toEqual(['index.html']);
    expect(await paths({ business_name: 'x', pages: ['home', 'about', '../../etc/passwd'] })).toEqual(['index.html', 'about.html']);
  });
});
