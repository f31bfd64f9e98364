import { lookup } from 'node:dns/promises';
import { request as httpRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, isIPv4, isIPv6, LookupFunction } from 'node:net';
import { within } from './connections';

/**
 * The one SSRF guard: every request the system sends to an address a user gave
 * (a briefing's logo_url, a tenant's own endpoint) goes through it. The host is
 * resolved, every address it resolves to is judged, and the connection then goes
 * to the address that was judged, so a rebinding DNS server gets no second
 * lookup to answer differently. Operator-configured endpoints (ODOO_URL,
 * PDNS_API_URL, HETZNER_API_URL) are not user input and do not use it.
 */

/** Ranges a fetch on a user's behalf must never reach: the machine itself, its private networks, cloud metadata (169.254.169.254) and anything not globally routed. */
const IPV4_BLOCKED: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'private (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'loopback (127.0.0.0/8)'],
  ['169.254.0.0', 16, 'link-local (169.254.0.0/16)'],
  ['172.16.0.0', 12, 'private (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0', 24, 'documentation (192.0.2.0/24)'],
  ['192.88.99.0', 24, '6to4 relay anycast (192.88.99.0/24)'],
  ['192.168.0.0', 16, 'private (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0', 24, 'documentation (198.51.100.0/24)'],
  ['203.0.113.0', 24, 'documentation (203.0.113.0/24)'],
  ['224.0.0.0', 4, 'multicast (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'reserved or broadcast (240.0.0.0/4)'],
];

const IPV6_BLOCKED: Array<[string, number, string]> = [
  ['::', 128, 'unspecified (::)'],
  ['::1', 128, 'loopback (::1)'],
  // Addresses that embed or translate to IPv4 could lead anywhere IPv4 can: refused rather than decoded.
  ['::', 96, 'IPv4-compatible (::/96)'],
  ['64:ff9b::', 96, 'NAT64 (64:ff9b::/96)'],
  ['64:ff9b:1::', 48, 'local NAT64 (64:ff9b:1::/48)'],
  ['100::', 64, 'discard-only (100::/64)'],
  ['2001::', 23, 'IETF protocol assignments incl. Teredo (2001::/23)'],
  ['2001:db8::', 32, 'documentation (2001:db8::/32)'],
  ['2002::', 16, '6to4 (2002::/16)'],
  ['fc00::', 7, 'unique local (fc00::/7)'],
  ['fe80::', 10, 'link-local (fe80::/10)'],
  ['fec0::', 10, 'site-local (fec0::/10)'],
  ['ff00::', 8, 'multicast (ff00::/8)'],
];

/** Why `address` (an IP literal) is not a public internet address, or null when it is. Anything that does not parse is refused too. */
export function nonPublicReason(address: string): string | null {
  const bare = bareAddress(address);
  if (isIPv4(bare)) return ipv4Reason(ipv4ToInt(bare));
  if (isIPv6(bare)) {
    const bytes = ipv6ToBytes(bare);
    // IPv4-mapped (::ffff:a.b.c.d): the connection goes to the IPv4 address, so judge that.
    if (isV4Mapped(bytes)) {
      const reason = ipv4Reason(bytes.readUInt32BE(12));
      return reason ? `IPv4-mapped ${reason}` : null;
    }
    for (const [network, prefix, reason] of IPV6_BLOCKED) {
      if (inPrefix(bytes, ipv6ToBytes(network), prefix)) return reason;
    }
    return null;
  }
  return `not an IP address: ${JSON.stringify(address)}`;
}

export function isPublicAddress(address: string): boolean {
  return nonPublicReason(address) === null;
}

/** A CIDR (or a single address) as 16 bytes and a prefix; IPv4 as its IPv4-mapped IPv6 form, so one comparison covers both. */
interface Cidr {
  text: string;
  bytes: Buffer;
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const [network, prefixText, extra] = text.trim().split('/');
  const family = isIP(network ?? '');
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) throw new Error(`not a CIDR: ${JSON.stringify(text)} (expected e.g. 10.0.0.0/8 or fd00::/8)`);
  return { text: text.trim(), bytes: toBytes(network), prefix: family === 4 ? prefix + 96 : prefix };
}

export function inCidr(address: string, cidr: Cidr): boolean {
  const bare = bareAddress(address);
  return isIP(bare) !== 0 && inPrefix(toBytes(bare), cidr.bytes, cidr.prefix);
}

export interface SsrfPolicy {
  /** Let every address through (development against local servers only). */
  allowPrivate: boolean;
  /** Non-public ranges that are allowed all the same. */
  allowCidrs: string[];
}

export interface SsrfGuardOptions {
  /** Bound on the DNS lookup. */
  lookupTimeoutMs?: number;
  /** The resolver; the system's (getaddrinfo, like every other client) unless a test must answer for a made-up name. */
  resolve?: (host: string) => Promise<ResolvedAddress[]>;
  /** Replaces the address policy (public only, plus the allowed ranges); only tests that must reach a loopback server use it. */
  refuseAddress?: (address: string) => string | null;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** A URL that passed the guard, with the address to connect to. */
export interface CheckedTarget {
  url: URL;
  host: string;
  addresses: ResolvedAddress[];
  pinned: ResolvedAddress;
}

/** The guard said no; `message` says why (the host, the address and its range). */
export class SsrfRefusedError extends Error {
  override readonly name = 'SsrfRefusedError';
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The address the request went to. */
  address: string;
}

export interface GuardedRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  maxBytes: number;
}

export class SsrfGuard {
  private readonly allowed: Cidr[];
  private readonly resolveHost: (host: string) => Promise<ResolvedAddress[]>;
  private readonly lookupTimeoutMs: number;
  private readonly refuseAddress: ((address: string) => string | null) | null;

  constructor(
    private readonly policy: SsrfPolicy,
    options: SsrfGuardOptions = {},
  ) {
    this.allowed = policy.allowCidrs.map(parseCidr);
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 5000;
    this.resolveHost = options.resolve ?? ((host) => lookup(host, { all: true, verbatim: true }));
    this.refuseAddress = options.refuseAddress ?? null;
  }

  /** Why the guard refuses to connect to `address`, or null when it may. */
  refusal(address: string): string | null {
    if (this.refuseAddress) return this.refuseAddress(address);
    const reason = nonPublicReason(address);
    if (reason === null || reason.startsWith('not an IP address')) return reason;
    if (this.policy.allowPrivate || this.allowed.some((cidr) => inCidr(address, cidr))) return null;
    return reason;
  }

  /**
   * Parses and resolves `url` and judges every address (the client may pick any
   * of them); throws SsrfRefusedError naming the reason. Only http and https,
   * no credentials in the URL.
   */
  async check(url: string | URL): Promise<CheckedTarget> {
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      throw new SsrfRefusedError('not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new SsrfRefusedError(`scheme ${parsed.protocol} is not fetched`);
    if (parsed.username || parsed.password) throw new SsrfRefusedError('URLs with credentials are not fetched');
    // A trailing dot names the same host (and some resolvers answer for it): judged like the name without it.
    const host = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    let addresses: ResolvedAddress[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await within(this.resolveHost(host), this.lookupTimeoutMs, `resolving ${host}`);
    } catch (error) {
      throw new SsrfRefusedError(`${host} does not resolve: ${(error as Error).message}`);
    }
    if (addresses.length === 0) throw new SsrfRefusedError(`${host} has no address`);
    for (const { address } of addresses) {
      const reason = this.refusal(address);
      if (reason) throw new SsrfRefusedError(`${host} resolves to ${address}, which is ${reason}`);
    }
    return { url: parsed, host, addresses, pinned: addresses[0] };
  }

  /** A `lookup` for node:http(s) that answers with the checked address only, whatever name it is asked for. */
  static pinnedLookup(pinned: ResolvedAddress): LookupFunction {
    return (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
  }

  /**
   * One HTTP request to a user-given URL: checked, connected to the checked
   * address (TLS still verifies the URL's host name), no redirects followed
   * (a 3xx comes back as is: its Location would need its own check), the body
   * capped at `maxBytes` and everything bounded by `timeoutMs`.
   */
  async request(url: string | URL, options: GuardedRequestOptions): Promise<GuardedResponse> {
    const target = await this.check(url);
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        req.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      const req = send(target.url, { method: options.method ?? 'GET', headers: options.headers, lookup: SsrfGuard.pinnedLookup(target.pinned) }, (res: IncomingMessage) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) return fail(new Error(`${declared} bytes is over the ${options.maxBytes}-byte limit`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) return fail(new Error(`more than ${options.maxBytes} bytes: over the limit`));
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), address: target.pinned.address });
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end(options.body);
    });
  }
}

function bareAddress(address: string): string {
  return address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

function ipv4Reason(value: number): string | null {
  for (const [network, prefix, reason] of IPV4_BLOCKED) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((value & mask) >>> 0) === ((ipv4ToInt(network) & mask) >>> 0)) return reason;
  }
  return null;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}

function isV4Mapped(bytes: Buffer): boolean {
  return bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Any IP literal as 16 bytes; IPv4 as ::ffff:a.b.c.d. */
function toBytes(address: string): Buffer {
  return isIPv4(address) ? ipv6ToBytes(`::ffff:${address}`) : ipv6ToBytes(address);
}

/** Expands an IPv6 literal (with `::` and an optional dotted IPv4 tail) to its 16 bytes. */
function ipv6ToBytes(address: string): Buffer {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToInt(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === null ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function inPrefix(bytes: Buffer, network: Buffer, prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const bits = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (network[bit / 8] & mask)) return false;
  }
  return true;
}
