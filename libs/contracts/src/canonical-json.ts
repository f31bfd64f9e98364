import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level: the same value always gives the
 * same bytes. Written directly rather than by building a sorted copy first:
 * plans are hashed on every planning request and the copy was most of the garbage.
 * Like JSON.stringify, it drops undefined object members and writes Dates as ISO strings.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0) ?? 'null';
}

/**
 * Deeper than anything this system writes or hashes by orders of magnitude; a
 * value nested deeper (say an uploaded pack built to overflow the stack) is
 * refused with this error instead of a RangeError from deep recursion.
 */
export const MAX_CANONICAL_DEPTH = 256;

export class JsonNestingError extends Error {
  override readonly name = 'JsonNestingError';

  constructor() {
    super(`JSON nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
  }
}

function write(value: unknown, depth: number): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'object':
      if (depth >= MAX_CANONICAL_DEPTH) throw new JsonNestingError();
      if (Array.isArray(value)) return `[${value.map((item) => write(item, depth + 1) ?? 'null').join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return writeObject(value as Record<string, unknown>, depth + 1);
    default:
      return undefined;
  }
}

function writeObject(object: Record<string, unknown>, depth: number): string {
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const member = write(object[key], depth);
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `${out}}`;
}

/** Canonical JSON indented for people, ending in a newline: evidence and step files auditors read and hash. */
export function prettyCanonicalJson(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
