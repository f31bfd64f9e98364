import { formatTxt, parseTxt } from './embedded/wire-values';

/**
 * One interface over every place DNS records can live: the embedded server
 * (PostgreSQL-backed), a PowerDNS Authoritative server (HTTP API) and the
 * Hetzner Cloud DNS API. The dns worker's step, the operators' records route and
 * the preflight all talk to this interface only.
 *
 * Names are absolute and canonical everywhere in this interface: lower case,
 * no trailing dot (`www.acme.example`). Values are in the zone-file presentation
 * format every provider accepts in some form, canonicalised by `canonicalValue`:
 *   A      `203.0.113.10`
 *   AAAA   `2001:db8::10`
 *   CNAME  `acme.example.`          (absolute, trailing dot)
 *   MX     `10 mail.acme.example.`  (preference, absolute exchange)
 *   TXT    `"v=spf1 -all"`          (quoted character-strings)
 * Each provider translates to and from its own wire shape.
 */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** All records of one name and type (an RRset): the unit every provider changes atomically. */
export interface RecordSet {
  name: string;
  /** A managed type, or any other type a zone holds (SOA, NS, SRV…), which we list but never change. */
  type: string;
  ttl: number;
  values: string[];
}

export interface DnsZone {
  /** Canonical zone name: `acme.example`. */
  name: string;
  /** The provider's handle for the zone (PowerDNS zone id `acme.example.`, Hetzner's numeric id, the embedded row id). */
  id: string;
}

/** Where the zone's authoritative answers can be asked for over DNS, to verify a change. */
export interface AuthoritativeServer {
  host: string;
  port: number;
}

export type DnsProviderName = 'embedded' | 'powerdns' | 'hetzner';

export interface DnsProvider {
  readonly name: DnsProviderName;
  /** The zone with exactly this name, or null when the provider has none. */
  findZone(zoneName: string): Promise<DnsZone | null>;
  /**
   * Creates the zone (with the provider's default SOA and NS). Callers only ask when
   * configuration allows it (DNS_CREATE_ZONES). A zone that already exists is
   * returned, not an error: the call is idempotent.
   */
  createZone(zoneName: string): Promise<DnsZone>;
  /** Every record set of the zone, including SOA and NS. */
  listRecordSets(zone: DnsZone): Promise<RecordSet[]>;
  /** One record set, or null. */
  getRecordSet(zone: DnsZone, name: string, type: string): Promise<RecordSet | null>;
  /** Replaces the record set with exactly these values and TTL (creates it when absent). Idempotent. Resolves once the change is applied. */
  upsertRecordSet(zone: DnsZone, recordSet: RecordSet): Promise<void>;
  /** Deletes the record set; one that does not exist is not an error. Resolves once the change is applied. */
  deleteRecordSet(zone: DnsZone, name: string, type: string): Promise<void>;
  /** Where to send a DNS query to see what this provider serves for the zone; null when it cannot be reached from here. */
  authoritativeServer(zone: DnsZone): Promise<AuthoritativeServer | null>;
}

/**
 * A provider's refusal or failure, with the provider's own message (never a
 * credential). `retryable` is true for 429, 5xx and network errors, which the
 * step retries with backoff, waiting at least `retryAfterMs` when the provider said so.
 */
export class DnsProviderError extends Error {
  override readonly name = 'DnsProviderError';

  constructor(
    readonly provider: DnsProviderName,
    message: string,
    readonly options: { status?: number; code?: string; retryable: boolean; retryAfterMs?: number },
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.options.retryable;
  }
}

/** `WWW.Acme.Example.` → `www.acme.example`. */
export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}

/** The FQDN form some providers want: `www.acme.example.`. */
export function absoluteName(name: string): string {
  return `${canonicalName(name)}.`;
}

/**
 * A value in the canonical presentation format for its type, so values from
 * different providers compare equal: host names absolute and lower case, TXT
 * quoted, IPv6 as given in lower case.
 */
export function canonicalValue(type: string, value: string): string {
  const trimmed = value.trim();
  switch (type) {
    case 'CNAME':
    case 'NS':
      return absoluteName(trimmed);
    case 'MX': {
      const [preference, exchange] = trimmed.split(/\s+/, 2);
      return `${Number(preference)} ${absoluteName(exchange ?? '')}`;
    }
    case 'TXT': {
      // The text is what counts, not how it was cut into strings: `"ab" "c"` is `"abc"`, re-cut at 255 octets as the wire needs.
      const quoted = trimmed.startsWith('"') ? trimmed : `"${trimmed.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      try {
        return formatTxt(rechunk(Buffer.concat(parseTxt(quoted))));
      } catch {
        return quoted; // not valid TXT syntax: compared as given, and refused by whichever provider validates it
      }
    }
    case 'AAAA':
      return compressIpv6(trimmed);
    default:
      return trimmed;
  }
}

/** RFC 5952 form (`2001:0DB8::0010` → `2001:db8::10`), as the WHATWG URL parser serialises IPv6 hosts. */
function compressIpv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

function rechunk(text: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < text.length; start += 255) chunks.push(text.subarray(start, start + 255));
  return chunks.length ? chunks : [Buffer.alloc(0)];
}

/** A record set with canonical name and values, values sorted: two equal sets compare equal as JSON. */
export function canonicalRecordSet(recordSet: RecordSet): RecordSet {
  return {
    name: canonicalName(recordSet.name),
    type: recordSet.type.toUpperCase(),
    ttl: recordSet.ttl,
    values: [...new Set(recordSet.values.map((value) => canonicalValue(recordSet.type.toUpperCase(), value)))].sort(),
  };
}
