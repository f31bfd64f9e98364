import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@bf/config';
import { DeployTargetCheck } from './deploy-target.check';
import { planOf } from '../../../../../test/support/preflight-subject';

describe(DeployTargetCheck.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'bf-preflight-deploy-'));
  const checkFor = (dataDir: string) => new DeployTargetCheck(loadConfig({ DATA_DIR: dataDir }));
  const livePlan = planOf(false, ['website.generate', 'website.deploy']);
  afterAll(() => {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a missing sites directory, writes a probe file there and removes it', async () => {
    const dataDir = join(root, 'fresh');
    expect(await checkFor(dataDir).run(livePlan)).toEqual([{ check: 'deploy_target', passed: true, detail: `${join(dataDir, 'sites')} is writable` }]);
    expect(readdirSync(join(dataDir, 'sites'))).toEqual([]);
  });

  it('fails when the sites directory cannot be made (DATA_DIR is under a regular file), naming the path and the cause', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    const [result] = await checkFor(join(file, 'data')).run(livePlan);
    expect(result).toEqual({ check: 'deploy_target', passed: false, detail: `the deploy target ${join(file, 'data', 'sites')} is not writable: not a directory (ENOTDIR)` });
  });

  it('fails when the sites path is a file', async () => {
    const dataDir = join(root, 'sites-is-a-file');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'sites'), '');
    const [result] = await checkFor(dataDir).run(livePlan);
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(/is not writable: .*\((EEXIST|ENOTDIR)\)$/);
  });

  // Root ignores permission bits, so a read-only directory only stops an unprivileged user.
  (process.getuid?.() === 0 ? it.skip : it)('fails for a read-only sites directory (not run as root: root ignores permission bits)', async () => {
    const dataDir = join(root, 'read-only');
    mkdirSync(join(dataDir, 'sites'), { recursive: true });
    chmodSync(join(dataDir, 'sites'), 0o555);
    try {
      const [result] = await checkFor(dataDir).run(livePlan);
      expect(result).toMatchObject({ passed: false, detail: expect.stringContaining('permission denied (EACCES)') });
    } finally {
      chmodSync(join(dataDir, 'sites'), 0o755);
    }
  });

  it('does not apply to a dry run (a dry-run deploy writes nothing) or to a plan without a deploy', async () => {
    const dataDir = join(root, 'untouched');
    expect(await checkFor(dataDir).run(planOf(true, ['website.generate', 'website.deploy']))).toEqual([]);
    expect(await checkFor(dataDir).run(planOf(false, ['odoo.install_modules']))).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });
});
