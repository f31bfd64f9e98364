import Module from 'node:module';
import { join } from 'node:path';

/**
 * Jest maps `@bf/<lib>` for test files (moduleNameMapper) but not for its global
 * setup and teardown, which load the migrations. This applies the same mapping
 * there: `@bf/<lib>` → `libs/<lib>/src`.
 */
const root = join(__dirname, '../..');
const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request: string, ...rest: unknown[]) {
  const lib = /^@bf\/([a-z-]+)$/.exec(request);
  return resolve.call(this, lib ? join(root, 'libs', lib[1], 'src') : request, ...rest);
};
