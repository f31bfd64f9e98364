// Lets a child process run the TypeScript sources directly, as the tests do
// (`node -r ./test/support/ts-register.js apps/planner/src/main.ts`): .ts files
// are compiled with swc and the repository's .swcrc, and `@bf/<lib>` resolves
// to libs/<lib>/src like jest's moduleNameMapper. Plain JavaScript, so it needs no build.
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '../..');
const { $schema, ...swcrc } = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swcrc, filename, swcrc: false, configFile: false });
  module._compile(code, filename);
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@bf\/([a-z-]+)$/.exec(request);
  return resolve.call(this, lib ? join(root, 'libs', lib[1], 'src') : request, ...rest);
};
