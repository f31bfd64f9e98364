import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';

/** `KEY=value` lines of a .env file (comments and blank lines skipped, surrounding quotes removed). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trim().startsWith('#')) continue;
    values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

export async function readEnvFile(path: string): Promise<Record<string, string> | null> {
  try {
    return parseEnvFile(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Master keys and the API key pepper the deployment needs, generated for whichever is missing. */
export function generatedSecrets(existing: Record<string, string | undefined>): Record<string, string> {
  const base64 = () => randomBytes(32).toString('base64');
  return {
    ...(existing.EVIDENCE_MASTER_KEY ? {} : { EVIDENCE_MASTER_KEY: base64() }),
    ...(existing.SECRETS_MASTER_KEYS || existing.SECRETS_MASTER_KEY ? {} : { SECRETS_MASTER_KEYS: `k1:${base64()}` }),
    ...(existing.API_KEY_PEPPER ? {} : { API_KEY_PEPPER: base64() }),
  };
}

/**
 * Writes the .env, readable by its owner only (0600: it holds master keys). Never
 * replaces an existing file unless `force`; returns false when it left one alone.
 */
export async function writeEnvFile(path: string, values: Record<string, string>, force: boolean): Promise<boolean> {
  const text = [
    '# Written by `npm run factory -- init`. Holds master keys: keep it private (mode 0600) and out of version control.',
    '# Losing SECRETS_MASTER_KEYS or EVIDENCE_MASTER_KEY makes what they encrypt unreadable; losing API_KEY_PEPPER invalidates every API key.',
    ...Object.entries(values).map(([name, value]) => `${name}=${value}`),
    '',
  ].join('\n');
  try {
    await writeFile(path, text, { mode: 0o600, flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  // An overwritten file keeps its old mode; make it private either way.
  await chmod(path, 0o600);
  return true;
}
