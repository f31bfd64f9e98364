import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@bf/config';
import { DiskSpaceCheck } from './disk-space.check';

describe(DiskSpaceCheck.name, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-preflight-disk-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('passes when the filesystem of DATA_DIR has the configured minimum free, and says how much there is', async () => {
    const [result] = await new DiskSpaceCheck(loadConfig({ DATA_DIR: dataDir, PREFLIGHT_MIN_FREE_MB: '1' })).run();
    expect(result).toEqual({ check: 'disk_space', passed: true, detail: expect.stringMatching(new RegExp(`^\\d+ MB free on the filesystem of ${dataDir} \\(minimum 1 MB\\)$`)) });
  });

  it('fails when the minimum cannot be met, naming PREFLIGHT_MIN_FREE_MB', async () => {
    const [result] = await new DiskSpaceCheck(loadConfig({ DATA_DIR: dataDir, PREFLIGHT_MIN_FREE_MB: String(1024 ** 4) })).run();
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(new RegExp(`^only \\d+ MB free on the filesystem of ${dataDir}; PREFLIGHT_MIN_FREE_MB requires ${1024 ** 4} MB$`));
  });

  it('measures the nearest existing parent when DATA_DIR does not exist yet', async () => {
    const [result] = await new DiskSpaceCheck(loadConfig({ DATA_DIR: join(dataDir, 'not/yet/made'), PREFLIGHT_MIN_FREE_MB: '0' })).run();
    expect(result.passed).toBe(true);
  });

  it('defaults to a 200 MB minimum', () => {
    expect(loadConfig({}).preflight).toEqual({ minFreeMb: 200, timeoutMs: 3000 });
  });
});
