import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GeneratedFile } from './generator';

/**
 * A throwaway directory holding a plugin's files under `<dir>/<slug>/`: each step
 * that needs files on disk writes its own and removes it afterwards, so no step
 * depends on another's disk (workers may run on different hosts).
 */
export async function withPluginWorkspace<T>(slug: string, files: readonly GeneratedFile[], work: (pluginDir: string, workspace: string) => Promise<T>): Promise<T> {
  const workspace = await mkdtemp(join(tmpdir(), 'bf-forge-'));
  try {
    const pluginDir = join(workspace, slug);
    for (const file of files) {
      const target = join(pluginDir, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content, { mode: 0o644 });
    }
    return await work(pluginDir, workspace);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
