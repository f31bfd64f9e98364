import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretBytes } from './app-config';

/**
 * A development master key kept in `keysDir/fileName`: 32 random bytes
 * generated on first use (mode 0600, directory 0700) and read back afterwards,
 * so development, tests and the demo work without configuring one. Production
 * must never call this: a key generated next to the data it protects protects
 * nothing. A file that is not the base64 of 32 bytes throws `invalid(path)`
 * rather than being replaced: what was sealed under it would be lost.
 */
export async function developmentMasterKey(keysDir: string, fileName: string, invalid: (path: string) => Error): Promise<{ path: string; key: SecretBytes }> {
  const path = join(keysDir, fileName);
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  // 'wx': when two processes start together the first file wins and both read it back.
  await writeFile(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const text = (await readFile(path, 'utf8')).trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) throw invalid(path);
  return { path, key: SecretBytes.fromBase64(text) };
}
