import { API_KEY_PATTERN, hashKey, newKey, newPrefix, prefixOf, sameHash } from './api-key-format';

describe('API key format', () => {
  it('issues bfk_<prefix>_<secret> keys whose prefix is recoverable and unique enough', () => {
    const prefixes = new Set(Array.from({ length: 200 }, () => newPrefix()));
    expect(prefixes.size).toBe(200);
    const prefix = newPrefix();
    const key = newKey(prefix);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(prefixOf(key)).toBe(prefix);
    expect(newKey(prefix)).not.toBe(key);
  });

  it('recognises only well-formed keys', () => {
    for (const bad of ['', 'bfk_', 'bfk_ABCDEFGH_' + 'a'.repeat(43), 'bfk_abcdefgh_' + 'a'.repeat(42), 'xx_abcdefgh_' + 'a'.repeat(43), `bfk_abcdefgh_${'a'.repeat(43)} `]) {
      expect(prefixOf(bad)).toBeNull();
    }
  });

  it('hashes with the pepper as HMAC key, so another pepper gives another hash', () => {
    const key = newKey(newPrefix());
    const pepper = Buffer.from('x'.repeat(32));
    expect(hashKey(key, pepper)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key, pepper)).toBe(hashKey(key, Buffer.from('x'.repeat(32))));
    expect(hashKey(key, pepper)).not.toBe(hashKey(key, Buffer.from('y'.repeat(32))));
    expect(hashKey(key, null)).not.toBe(hashKey(key, pepper));
    expect(sameHash(hashKey(key, pepper), hashKey(key, pepper))).toBe(true);
    expect(sameHash(hashKey(key, pepper), hashKey(`${key}x`, pepper))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});
