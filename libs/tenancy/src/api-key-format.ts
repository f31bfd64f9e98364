import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The wire format of an API key: `bfk_<8 lower-case characters>_<43 base64url characters>`.
 * The first part (`bfk_xxxxxxxx`) is the key's public prefix: stored in clear,
 * unique, safe to log and show, and how a presented key finds its row. The rest
 * is 32 random bytes that exist only in the caller's hands.
 */
export const API_KEY_PATTERN = /^(bfk_[a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Used as the HMAC key when no API_KEY_PEPPER is configured. The secret part of
 * every key is 256 random bits, so even an unpeppered hash cannot be reversed or
 * guessed; the pepper adds that a database dump alone cannot confirm a key.
 */
const UNPEPPERED = Buffer.from('business-factory api key v1 (no pepper configured)');

export function newPrefix(): string {
  const bytes = randomBytes(8);
  return `bfk_${[...bytes].map((byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('')}`;
}

export function newKey(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The prefix of a well-formed key, or null. */
export function prefixOf(key: string): string | null {
  return API_KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** Keyed hash of the whole key (hex): HMAC-SHA-256 under the pepper. */
export function hashKey(key: string, pepper: Buffer | null): string {
  return createHmac('sha256', pepper && pepper.length ? pepper : UNPEPPERED).update(key, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
