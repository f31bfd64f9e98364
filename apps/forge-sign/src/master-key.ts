import type { Logger } from 'pino';
import { AppConfig, developmentMasterKey, SecretBytes } from '@bf/config';

export class MasterKeyError extends Error {}

const DEV_FILE = 'master.key';

/**
 * The key that encrypts signing keys at rest. Production must bring its own:
 * a master key invented next to the data it protects protects nothing. Elsewhere
 * (development, tests, the demo) one is generated once into the keys directory so
 * the system works out of the box, with a warning.
 */
export async function loadMasterKey(config: AppConfig, log: Logger): Promise<SecretBytes> {
  if (config.signing.masterKey) return config.signing.masterKey;
  if (config.production) {
    throw new MasterKeyError(
      'forge-sign refuses to start: NODE_ENV=production and EVIDENCE_MASTER_KEY is not set. ' +
        'Set EVIDENCE_MASTER_KEY (or EVIDENCE_MASTER_KEY_FILE) to the base64 of 32 random bytes, e.g. `openssl rand -base64 32`.',
    );
  }
  const { path, key } = await developmentMasterKey(
    config.storage.keysDir,
    DEV_FILE,
    (file) => new MasterKeyError(`the development master key file ${file} is not the base64 of 32 bytes; delete it only if no signing key was encrypted under it`),
  );
  log.warn({ path }, 'EVIDENCE_MASTER_KEY is not set: using a generated development master key file. For development only; production refuses to start without EVIDENCE_MASTER_KEY');
  return key;
}
