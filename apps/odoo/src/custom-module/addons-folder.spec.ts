import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddonsFolder, ForeignAddonError, moduleContentHash, OWNERSHIP_MARKER } from './addons-folder';
import { GeneratedModule } from './custom-module.generator';

const file = (path: string, text: string) => ({ path, content: Buffer.from(text), sha256: createHash('sha256').update(text).digest('hex') });
const generated = (version: string): GeneratedModule => ({
  module_name: 'acme_x',
  files: [file('acme_x/__init__.py', ''), file('acme_x/__manifest__.py', `{'name': 'X', 'version': '${version}'}`)],
  zip: Buffer.alloc(0),
  zip_sha256: '',
});

describe('AddonsFolder', () => {
  let root: string;
  let folder: AddonsFolder;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bf-addons-unit-'));
    folder = new AddonsFolder(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes, then leaves identical content alone, then replaces its own folder', async () => {
    expect((await folder.write(generated('1'), 'k1')).action).toBe('written');
    expect((await folder.write(generated('1'), 'k2')).action).toBe('unchanged');
    const replaced = await folder.write(generated('2'), 'k2');
    expect(replaced.action).toBe('replaced');
    expect(replaced.marker).toEqual({ module_name: 'acme_x', content_sha256: moduleContentHash(generated('2')), written_by: 'k2' });
    expect(readFileSync(join(root, 'acme_x', '__manifest__.py'), 'utf8')).toContain("'2'");
    expect(readdirSync(root)).toEqual(['acme_x']);
  });

  it.each([
    ['no marker', null],
    ['an unreadable marker', '{not json'],
    ['a marker for another module', JSON.stringify({ module_name: 'other', content_sha256: 'x', written_by: 'k' })],
  ])('takes a folder with %s for foreign and never writes or removes it', async (_label, marker) => {
    mkdirSync(join(root, 'acme_x'));
    writeFileSync(join(root, 'acme_x', '__manifest__.py'), 'theirs');
    if (marker !== null) writeFileSync(join(root, 'acme_x', OWNERSHIP_MARKER), marker);
    expect(await folder.inspect('acme_x')).toEqual({ kind: 'foreign' });
    await expect(folder.write(generated('1'), 'k')).rejects.toBeInstanceOf(ForeignAddonError);
    expect(await folder.remove('acme_x')).toBe('foreign');
    expect(readFileSync(join(root, 'acme_x', '__manifest__.py'), 'utf8')).toBe('theirs');
    expect(readdirSync(root)).toEqual(['acme_x']);
  });

  it('removes only its own folder, and says when there is nothing to remove', async () => {
    await folder.write(generated('1'), 'k');
    await folder.markInstalled('acme_x', 'k');
    expect(await folder.inspect('acme_x')).toMatchObject({ kind: 'ours', marker: { installed_by: 'k' } });
    expect(await folder.remove('acme_x')).toBe('removed');
    expect(await folder.remove('acme_x')).toBe('absent');
    expect(readdirSync(root)).toEqual([]);
  });
});
