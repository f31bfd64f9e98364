import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BriefingSchema } from '@bf/contracts';
import { TemplateRegistry, websiteVariables } from '@bf/templates';

const run = promisify(execFile);
const root = join(__dirname, '../..');

/**
 * The nextjs_business template promises a project `next build` accepts. This
 * checks it with the real thing: the project's own package.json is installed
 * from the npm registry (cached per package.json under the temp dir), then
 * `next build` type-checks, compiles and statically exports every page.
 */
describe('nextjs_business: the generated project builds with next build', () => {
  const work = mkdtempSync(join(tmpdir(), 'bf-next-build-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function renderProject(pages: string[]): Promise<string> {
    const briefing = BriefingSchema.parse(JSON.parse(readFileSync(join(root, 'templates/briefings/acme-consulting.json'), 'utf8')));
    const registry = new TemplateRegistry(join(root, 'templates'));
    const manifest = (await registry.find('nextjs_business'))!;
    const files = await registry.render(manifest, { ...websiteVariables(briefing), pages });
    const dir = join(work, pages.join('-'));
    for (const file of files) {
      mkdirSync(dirname(join(dir, file.output_path)), { recursive: true });
      writeFileSync(join(dir, file.output_path), file.content);
    }
    rmSync(join(dir, 'out'), { recursive: true, force: true }); // the shipped export; next build must make its own
    return dir;
  }

  async function installedDependencies(packageJson: string): Promise<string> {
    const cache = join(tmpdir(), 'bf-next-build-cache', createHash('sha256').update(packageJson).digest('hex').slice(0, 16));
    if (!existsSync(join(cache, 'node_modules', '.bin', 'next'))) {
      mkdirSync(cache, { recursive: true });
      writeFileSync(join(cache, 'package.json'), packageJson);
      await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: cache, maxBuffer: 16 * 2 ** 20 });
    }
    return join(cache, 'node_modules');
  }

  it.each([[['home', 'about', 'services', 'team', 'contact']], [['home', 'blog', 'contact']]])(
    'builds and exports the pages %j',
    async (pages) => {
      const project = await renderProject(pages);
      symlinkSync(await installedDependencies(readFileSync(join(project, 'package.json'), 'utf8')), join(project, 'node_modules'));
      const build = await run(join(project, 'node_modules', '.bin', 'next'), ['build'], { cwd: project, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, maxBuffer: 16 * 2 ** 20 });
      expect(build.stdout).toMatch(/Compiled successfully/);
      expect(build.stdout).toMatch(/checking validity of types/);
      for (const page of pages) {
        const exported = page === 'home' ? join(project, 'out', 'index.html') : join(project, 'out', page, 'index.html');
        expect(existsSync(exported)).toBe(true);
      }
      expect(readFileSync(join(project, 'out', 'index.html'), 'utf8')).toContain('Acme Consulting GmbH');
    },
    240_000,
  );

  it('keeps its shipped static export in step with the project: one exported page per project route', async () => {
    const registry = new TemplateRegistry(join(root, 'templates'));
    const manifest = (await registry.find('nextjs_business'))!;
    const briefing = BriefingSchema.parse(JSON.parse(readFileSync(join(root, 'templates/briefings/acme-consulting.json'), 'utf8')));
    const files = await registry.render(manifest, { ...websiteVariables(briefing), pages: ['home', 'about', 'services', 'team', 'blog', 'contact'] });
    const routes = files.filter((f) => /^app\/([a-z]+\/)?page\.tsx$/.test(f.output_path)).map((f) => f.output_path.split('/').length === 2 ? 'home' : f.output_path.split('/')[1]).sort();
    // next build with trailingSlash writes out/<page>/index.html: the shipped export uses the same paths.
    const exported = files.filter((f) => /^out\/([a-z]+\/)?index\.html$/.test(f.output_path)).map((f) => (f.output_path === 'out/index.html' ? 'home' : f.output_path.split('/')[1])).sort();
    expect(exported).toEqual(routes);
  });
});
