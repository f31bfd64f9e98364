import { getDomain } from 'tldts';
import { canonicalName } from './dns-provider';

export class DomainNameError extends Error {}

/**
 * The registrable domain of a host name by the Public Suffix List
 * (`shop.acme.co.uk` → `acme.co.uk`): where a zone is normally cut. Private
 * suffixes count (`acme.github.io` is its own registrant's), and a name under
 * a TLD the list doesn't know (`.example`, `.internal`) keeps its last two labels.
 */
export function registrableDomain(host: string): string {
  const name = canonicalName(host);
  const domain = getDomain(name, { allowPrivateDomains: true });
  if (!domain) throw new DomainNameError(`${host} has no registrable domain (is it a public suffix or an IP address?)`);
  return domain;
}

/**
 * The zone names that could hold `host`'s records, most specific first, down to
 * its registrable domain: a delegated sub-zone (`shop.acme.co.uk`) wins over
 * its parent, and nothing above the registrable domain is ever tried.
 */
export function candidateZones(host: string): string[] {
  const name = canonicalName(host);
  const registrable = registrableDomain(name);
  const labels = name.split('.');
  const depth = registrable.split('.').length;
  const candidates: string[] = [];
  for (let start = 0; labels.length - start >= depth; start++) candidates.push(labels.slice(start).join('.'));
  return candidates;
}
