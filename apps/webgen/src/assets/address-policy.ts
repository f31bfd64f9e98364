import { isIPv4, isIPv6 } from 'node:net';

/**
 * Ranges a fetch on a user's behalf must never reach: the worker's own machine,
 * its private networks, cloud metadata (169.254.169.254) and anything not
 * globally routed. A URL from a briefing is user input, so its host could name
 * any of them.
 */
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

/**
 * Why `address` (an IP literal) is not a public internet address, or null when
 * it is. Anything that does not parse is refused too.
 */
export function nonPublicReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return ipv4Reason(ipv4ToInt(bare));
  if (isIPv6(bare)) {
    const bytes = ipv6ToBytes(bare);
    // IPv4-mapped (::ffff:a.b.c.d): the connection goes to the IPv4 address, so judge that.
    if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
      const mapped = bytes.readUInt32BE(12);
      const reason = ipv4Reason(mapped);
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
