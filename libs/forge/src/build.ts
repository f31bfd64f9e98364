import { join } from 'node:path';
import { ForgeStepFailure } from './steps';
import { GeneratedFile } from './generator';
import { runProcess } from './php';

export interface BuildReport {
  phpVersion: string;
  linted: string[];
  composer: 'absent' | 'valid';
}

/**
 * `php -l` on every PHP file (of a plugin written out under `root`), and
 * composer.json validity when there is one. The first failure stops the build
 * with php's own message, paths relative to the plugin.
 */
export async function buildPlugin(root: string, files: readonly GeneratedFile[], phpBin: string, phpVersion: string, log: (line: string) => void): Promise<BuildReport> {
  const linted: string[] = [];
  for (const file of files.filter((f) => f.path.endsWith('.php'))) {
    const outcome = await runProcess(phpBin, ['-n', '-d', 'display_errors=1', '-l', join(root, file.path)], { cwd: root, timeoutMs: 30_000 });
    const message = `${outcome.stdout}${outcome.stderr}`.split(root + '/').join('').trim();
    if (outcome.code !== 0) {
      log(`php -l ${file.path}: ${message}`);
      throw new ForgeStepFailure(`php -l ${file.path} failed: ${message}`, { file: file.path, php: message });
    }
    log(`php -l ${file.path}: ok`);
    linted.push(file.path);
  }
  const composer = files.find((file) => file.path === 'composer.json');
  if (composer) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(composer.content.toString('utf8'));
    } catch (error) {
      throw new ForgeStepFailure(`composer.json is not valid JSON: ${(error as Error).message}`);
    }
    const name = (parsed as { name?: unknown })?.name;
    if (typeof name !== 'string' || !/^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/.test(name)) {
      throw new ForgeStepFailure('composer.json: "name" must be vendor/package in lowercase');
    }
    log('composer.json: valid');
  }
  return { phpVersion, linted, composer: composer ? 'valid' : 'absent' };
}
