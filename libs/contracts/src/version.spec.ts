import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYSTEM_VERSION } from './version';

it('reports the version package.json declares', () => {
  expect(SYSTEM_VERSION).toBe(JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')).version);
});
