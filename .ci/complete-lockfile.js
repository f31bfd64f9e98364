#!/usr/bin/env node
/**
 * The npm registry mirror on these machines serves only Linux builds of
 * platform-specific optional packages (e.g. @swc/core-darwin-arm64 answers 404),
 * so `npm install` leaves them out of package-lock.json and `npm ci` then
 * rejects the lock ("Missing: … from lock file"). The public registry would
 * record them as optional entries with `os`/`cpu`, which npm skips on other
 * platforms. This adds exactly those entries, derived from the package name.
 * Run after `npm install` whenever dependencies change: node .ci/complete-lockfile.js
 */
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'sunos', 'openbsd', 'netbsd', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part) || part === 'armv7' || part === 'gnueabihf');
  if (!os || !cpu) return undefined;
  return { os: [os], cpu: [cpu === 'gnueabihf' || cpu === 'armv7' ? 'arm' : cpu] };
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `${location ? `${location}/` : ''}node_modules/${dep}`.replace(/^\//, '');
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[target] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[hoisted] = { version: String(range).replace(/^[\^~=]/, ''), ...platform, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform-specific optional entr${added === 1 ? 'y' : 'ies'}`);
