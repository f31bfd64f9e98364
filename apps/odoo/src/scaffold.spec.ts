import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaffold } from './scaffold';

const TEMPLATES = join(__dirname, '../../../templates');

describe('odoo:scaffold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-scaffold-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await scaffold(argv, TEMPLATES, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  };
  const specFile = (name: string, spec: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(spec));
    return path;
  };
  const good = { module_name: 'acme_visits', title: 'Visits', models: [{ name: 'acme.visit', description: 'Visit', fields: [{ name: 'name', type: 'char', required: true }, { name: 'visited_on', type: 'date' }] }] };

  it('writes the module folder and its zip, and lists every file', async () => {
    const result = await run(['--spec', specFile('good.json', good), '--out', join(dir, 'out')]);
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/^acme_visits: \d+ file\(s\) in /);
    expect(readFileSync(join(dir, 'out', 'acme_visits', '__manifest__.py'), 'utf8')).toContain("'name': 'Visits'");
    expect(existsSync(join(dir, 'out', 'acme_visits', 'security', 'ir.model.access.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'out', 'acme_visits.zip')).subarray(0, 2).toString()).toBe('PK');
    // Not over an existing module without --force.
    expect((await run(['--spec', join(dir, 'good.json'), '--out', join(dir, 'out')])).code).toBe(2);
    expect((await run(['--spec', join(dir, 'good.json'), '--out', join(dir, 'out'), '--force'])).code).toBe(0);
  });

  it('names every problem of a bad spec by path and writes nothing', async () => {
    const bad = { ...good, module_name: '../evil', models: [{ name: 'res.partner', description: 'x', fields: [{ name: 'class', type: 'char' }] }] };
    const result = await run(['--spec', specFile('bad.json', bad), '--out', join(dir, 'bad-out')]);
    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(/module_name: /);
    expect(result.err.join('\n')).toMatch(/models\.0\.name: /);
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });

  it('explains its arguments', async () => {
    expect((await run([])).err.join('\n')).toMatch(/usage: npm run odoo:scaffold -- --spec FILE --out DIR/);
    expect((await run(['--spec', join(dir, 'missing.json'), '--out', dir])).err[0]).toMatch(/cannot read the spec/);
    expect((await run(['--bogus'])).code).toBe(2);
  });
});
