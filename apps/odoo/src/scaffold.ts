import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@bf/config';
import { CustomModuleSpecError } from '@bf/contracts';
import { CustomModuleGenerator } from './custom-module';

export interface ScaffoldIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: npm run odoo:scaffold -- --spec FILE --out DIR [--force]';

/**
 * `npm run odoo:scaffold -- --spec FILE --out DIR`: renders a custom Odoo module
 * from a spec, without any Odoo, for review and for checks (design.md). Writes
 * `DIR/<module_name>/…` and `DIR/<module_name>.zip` (the same bytes the
 * install step delivers). Exit codes: 0 written, 2 bad arguments or spec.
 */
export async function scaffold(argv: string[], templatesDir: string, io: ScaffoldIo): Promise<number> {
  let args: { spec?: string; out?: string; force?: boolean };
  try {
    args = parseArgs({ args: argv, options: { spec: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!args.spec || !args.out) {
    io.err(USAGE);
    return 2;
  }
  let spec: unknown;
  try {
    spec = JSON.parse(await readFile(resolve(args.spec), 'utf8'));
  } catch (error) {
    io.err(`cannot read the spec ${args.spec}: ${(error as Error).message}`);
    return 2;
  }
  let generated;
  try {
    generated = await new CustomModuleGenerator(templatesDir).generate(spec);
  } catch (error) {
    if (!(error instanceof CustomModuleSpecError)) throw error;
    io.err(`the spec ${args.spec} is not a module we can generate:`);
    for (const problem of error.errors) io.err(`  ${problem.path || '(spec)'}: ${problem.message}`);
    return 2;
  }
  const out = resolve(args.out);
  const moduleDir = join(out, generated.module_name);
  if (existsSync(moduleDir) && !args.force) {
    io.err(`${moduleDir} exists; pass --force to overwrite it`);
    return 2;
  }
  for (const file of generated.files) {
    await mkdir(dirname(join(out, file.path)), { recursive: true });
    await writeFile(join(out, file.path), file.content);
  }
  await writeFile(join(out, `${generated.module_name}.zip`), generated.zip);
  io.out(`${generated.module_name}: ${generated.files.length} file(s) in ${moduleDir}`);
  for (const file of generated.files) io.out(`  ${file.sha256.slice(0, 12)}  ${file.path}`);
  io.out(`zip: ${join(out, `${generated.module_name}.zip`)} (sha256 ${generated.zip_sha256})`);
  return 0;
}

if (require.main === module) {
  scaffold(process.argv.slice(2), loadConfig().storage.templatesDir, { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`odoo:scaffold failed: ${error.message}`);
      process.exit(1);
    },
  );
}
