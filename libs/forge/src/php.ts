import { execFile } from 'node:child_process';

export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a program without a shell (arguments are never interpreted), collecting its output. */
export function runProcess(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; maxOutputBytes?: number }): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args as string[],
      { cwd: options.cwd, env: options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: options.maxOutputBytes ?? 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(error);
        const failed = error as (Error & { code?: number | string; signal?: NodeJS.Signals; killed?: boolean }) | null;
        resolve({
          code: failed ? (typeof failed.code === 'number' ? failed.code : null) : 0,
          signal: failed?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
          timedOut: Boolean(failed?.killed && failed.signal === 'SIGKILL'),
        });
      },
    );
  });
}

/** The installed PHP's version (`8.2.36`), or undefined when the binary is not there. */
export async function phpVersion(phpBin: string): Promise<string | undefined> {
  try {
    const outcome = await runProcess(phpBin, ['-n', '-r', 'echo PHP_VERSION;'], { timeoutMs: 10_000 });
    return outcome.code === 0 ? outcome.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}
