import { isIPv4, isIPv6 } from 'node:net';
import { absoluteName } from '../dns-provider';

/**
 * Conversions between the canonical presentation format of `dns-provider.ts` and
 * the record data dns-packet encodes. One place, so the embedded provider can
 * refuse exactly the values its server could not put on the wire, and the client
 * prints what it receives in the same format the providers store.
 */
export const WIRE_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SOA'] as const;
export type WireType = (typeof WIRE_TYPES)[number];

export interface SoaFields {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export type WireData = string | Buffer[] | { preference: number; exchange: string } | SoaFields;

export function isWireType(type: string): type is WireType {
  return (WIRE_TYPES as readonly string[]).includes(type);
}

const bare = (name: string) => name.replace(/\.+$/, '').toLowerCase();
const uint32 = (text: string | undefined) => /^\d{1,10}$/.test(text ?? '') && Number(text) <= 0xffffffff;

function hostName(value: string, what: string): string {
  const name = bare(value.trim());
  // Labels of 1..63 octets, whole name at most 253: what fits on the wire.
  if (!name || name.length > 253 || name.split('.').some((label) => label.length < 1 || label.length > 63 || /\s/.test(label))) {
    throw new Error(`${what} ${JSON.stringify(value)} is not a valid host name`);
  }
  return name;
}

/** Presentation value → dns-packet `data` for its type. Throws on a value the type cannot carry. */
export function toWireData(type: string, value: string): WireData {
  const text = value.trim();
  switch (type) {
    case 'A':
      if (!isIPv4(text)) throw new Error(`A value ${JSON.stringify(value)} is not an IPv4 address`);
      return text;
    case 'AAAA':
      if (!isIPv6(text)) throw new Error(`AAAA value ${JSON.stringify(value)} is not an IPv6 address`);
      return text;
    case 'CNAME':
    case 'NS':
      return hostName(text, type);
    case 'MX': {
      const parts = text.split(/\s+/);
      if (parts.length !== 2 || !/^\d{1,5}$/.test(parts[0]) || Number(parts[0]) > 65535) {
        throw new Error(`MX value ${JSON.stringify(value)} is not "<preference> <exchange>"`);
      }
      return { preference: Number(parts[0]), exchange: hostName(parts[1], 'MX exchange') };
    }
    case 'TXT':
      return parseTxt(text);
    case 'SOA':
      return parseSoa(text);
    default:
      throw new Error(`record type ${type} is not served by the embedded server`);
  }
}

/** dns-packet `data` → canonical presentation value (the format `canonicalValue` produces). */
export function fromWireData(type: string, data: unknown): string {
  switch (type) {
    case 'A':
      return String(data);
    case 'AAAA':
      return String(data).toLowerCase();
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return absoluteName(String(data));
    case 'MX': {
      const mx = data as { preference?: number; exchange: string };
      return `${mx.preference ?? 0} ${absoluteName(mx.exchange)}`;
    }
    case 'TXT':
      return formatTxt((Array.isArray(data) ? data : [data]).map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(String(part)))));
    case 'SOA':
      return formatSoa(data as SoaFields);
    default:
      return Buffer.isBuffer(data) ? `\\# ${data.length} ${data.toString('hex')}` : JSON.stringify(data);
  }
}

/**
 * `"v=spf1 -all" "second"` → one buffer per character-string, each at most 255
 * octets: a longer string is split, as RFC 7208 §3.3 expects a publisher to do,
 * so a long DKIM key can be stored as one quoted string.
 */
export function parseTxt(value: string): Buffer[] {
  const strings: Buffer[] = [];
  let i = 0;
  const text = value.trim();
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const quoted = text[i] === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < text.length) {
      const ch = text[i];
      if (quoted && ch === '"') {
        closed = true;
        i++;
        break;
      }
      if (!quoted && /\s/.test(ch)) break;
      if (ch === '\\') {
        const digits = text.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(digits) && Number(digits) <= 255) {
          bytes.push(Number(digits));
          i += 4;
          continue;
        }
        if (i + 1 >= text.length) throw new Error(`TXT value ${JSON.stringify(value)} ends in a lone backslash`);
        i++;
      }
      const codePoint = text.codePointAt(i)!;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
    if (!closed) throw new Error(`TXT value ${JSON.stringify(value)} has an unterminated quoted string`);
    const buffer = Buffer.from(bytes);
    if (buffer.length === 0) strings.push(buffer);
    for (let start = 0; start < buffer.length; start += 255) strings.push(buffer.subarray(start, start + 255));
  }
  if (strings.length === 0) strings.push(Buffer.alloc(0));
  return strings;
}

/** Character-strings → `"a" "b"`: quotes and backslashes escaped, control octets as \DDD, other text as UTF-8. */
export function formatTxt(strings: Buffer[]): string {
  return strings
    .map((buffer) => {
      const escaped = buffer
        .toString('utf8')
        .replace(/[\\"]/g, '\\$&')
        .replace(/[\x00-\x1f\x7f]/g, (ch) => `\\${ch.charCodeAt(0).toString().padStart(3, '0')}`);
      return `"${escaped}"`;
    })
    .join(' ');
}

/** The text a TXT value carries, its character-strings joined: `"ab" "c"` and `"abc"` carry the same text. */
export function txtContent(value: string): string {
  return Buffer.concat(parseTxt(value)).toString('utf8');
}

export function parseSoa(value: string): SoaFields {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 7 || !parts.slice(2).every(uint32)) {
    throw new Error(`SOA value ${JSON.stringify(value)} is not "<mname> <rname> <serial> <refresh> <retry> <expire> <minimum>"`);
  }
  const [serial, refresh, retry, expire, minimum] = parts.slice(2).map(Number);
  return { mname: hostName(parts[0], 'SOA mname'), rname: hostName(parts[1], 'SOA rname'), serial, refresh, retry, expire, minimum };
}

export function formatSoa(soa: SoaFields): string {
  return `${absoluteName(soa.mname)} ${absoluteName(soa.rname)} ${soa.serial ?? 0} ${soa.refresh ?? 0} ${soa.retry ?? 0} ${soa.expire ?? 0} ${soa.minimum ?? 0}`;
}
