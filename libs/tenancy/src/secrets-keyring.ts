import { AppConfig, developmentMasterKey, SecretBytes } from '@bf/config';

export class SecretsKeyringError extends Error {}

export interface MasterKey {
  id: string;
  key: SecretBytes;
}

/**
 * The master keys tenant secrets are sealed under. The first is active: every
 * new or rotated secret is sealed under it. The others only open what was sealed
 * before a rotation; once no row names an old key's id it can be dropped.
 */
export class SecretsKeyring {
  readonly active: MasterKey;
  private readonly byId: Map<string, MasterKey>;

  constructor(keys: MasterKey[]) {
    if (!keys.length) throw new SecretsKeyringError('a secrets keyring needs at least one master key');
    this.active = keys[0];
    this.byId = new Map(keys.map((key) => [key.id, key]));
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  key(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }
}

const DEV_FILE = 'secrets-master.key';
/** The id of the generated development key, so a later configured key can take over by rotation. */
export const DEV_MASTER_KEY_ID = 'dev';

/**
 * SECRETS_MASTER_KEYS (or SECRETS_MASTER_KEY + SECRETS_MASTER_KEY_ID). Production
 * must bring its own. Elsewhere one is generated once into the keys directory
 * (like forge-sign's development master key) so secrets work out of the box.
 */
export async function loadSecretsKeyring(config: AppConfig): Promise<SecretsKeyring> {
  if (config.secrets.masterKeys.length) return new SecretsKeyring(config.secrets.masterKeys);
  if (config.production) {
    throw new SecretsKeyringError(
      'tenant secrets are unavailable: NODE_ENV=production and neither SECRETS_MASTER_KEYS nor SECRETS_MASTER_KEY is set. ' +
        'Set SECRETS_MASTER_KEYS=k1:<base64 of 32 random bytes> (e.g. `openssl rand -base64 32`), or its _FILE variant.',
    );
  }
  const { key } = await developmentMasterKey(
    config.storage.keysDir,
    DEV_FILE,
    (file) => new SecretsKeyringError(`the development secrets master key file ${file} is not the base64 of 32 bytes`),
  );
  return new SecretsKeyring([{ id: DEV_MASTER_KEY_ID, key }]);
}
