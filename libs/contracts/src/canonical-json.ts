import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level: the same value always gives the
 * same bytes. Written directly rather than by building a sorted copy first:
 * plans are hashed on every planning request and the copy was most of the garbage.
 * Like JSON.stringify, it drops undefined object members and writes Dates as ISO strings.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return writeObject(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function writeObject(object: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const member = write(object[key]);
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
