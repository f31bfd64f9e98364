import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertProductionReady, ConfigError, loadConfig, productionConfigProblems } from './app-config';

const PEPPER = `pepper-${randomBytes(24).toString('hex')}`;
const MASTER = randomBytes(32).toString('base64');

describe('production refuses development fallbacks', () => {
  const production = (env: NodeJS.ProcessEnv) => loadConfig({ NODE_ENV: 'production', ...env });

  it('names API_KEY_PEPPER and the secrets master key when they are missing, never a value', () => {
    const refusal = (() => {
      try {
        assertProductionReady(production({ SECRETS_MASTER_KEY: MASTER }));
        return null;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect(refusal!.message).toMatch(/NODE_ENV=production.*API_KEY_PEPPER/);
    expect(refusal!.message).not.toMatch(/SECRETS_MASTER_KEYS/);
    expect(refusal!.message).not.toContain(MASTER);

    expect(() => assertProductionReady(production({ API_KEY_PEPPER: PEPPER }))).toThrow(/SECRETS_MASTER_KEYS/);
    expect(() => assertProductionReady(production({ API_KEY_PEPPER: PEPPER }))).not.toThrow(new RegExp(PEPPER));
    expect(productionConfigProblems(production({}))).toHaveLength(2);
    // A process asks only for what it uses: a worker resolving secret_refs needs no pepper, one reading no secret needs neither.
    expect(productionConfigProblems(production({}), ['SECRETS_MASTER_KEYS'])).toEqual([expect.stringMatching(/^SECRETS_MASTER_KEYS/)]);
    expect(() => assertProductionReady(production({}), [])).not.toThrow();
  });

  it('starts with both set, directly or from files, and development keeps its fallbacks', () => {
    expect(() => assertProductionReady(production({ API_KEY_PEPPER: PEPPER, SECRETS_MASTER_KEYS: `k2:${MASTER}` }))).not.toThrow();
    expect(() => assertProductionReady(production({ API_KEY_PEPPER: PEPPER, SECRETS_MASTER_KEY: MASTER }))).not.toThrow();
    const dir = mkdtempSync(join(tmpdir(), 'bf-prod-config-'));
    writeFileSync(join(dir, 'pepper'), `${PEPPER}\n`);
    writeFileSync(join(dir, 'keys'), `k1:${MASTER}\n`);
    expect(() => assertProductionReady(production({ API_KEY_PEPPER_FILE: join(dir, 'pepper'), SECRETS_MASTER_KEYS_FILE: join(dir, 'keys') }))).not.toThrow();
    expect(productionConfigProblems(loadConfig({}))).toEqual([]);
    expect(productionConfigProblems(loadConfig({ NODE_ENV: 'development' }))).toEqual([]);
    // A weak pepper is refused by validation, naming the variable only.
    expect(() => loadConfig({ NODE_ENV: 'production', API_KEY_PEPPER: 'short-one' })).toThrow(/API_KEY_PEPPER: must be at least 32 characters/);
    expect(() => loadConfig({ NODE_ENV: 'production', API_KEY_PEPPER: 'short-one' })).not.toThrow(/short-one/);
  });
});
