import { z } from 'zod';
import { AppConfig } from '@bf/config';
import { STEP_PARAMETER_SCHEMAS } from '@bf/contracts';
import { canonicalRecordSet, RecordSet } from '@bf/dns';
import { PermanentStepError } from '@bf/step-sdk';

export type DnsStepParameters = z.infer<(typeof STEP_PARAMETER_SCHEMAS)['dns.configure']>;

/** Marks the names this system manages, like external-dns's TXT registry, for anyone reading the zone. */
export const OWNERSHIP_PREFIX = '_bf-owner';

/**
 * The record sets that point `domain` at the web host: apex A/AAAA at the
 * configured addresses, www as a CNAME of the apex, MX and TXT as given, and
 * (DNS_OWNERSHIP_TXT) a TXT marker naming what is managed here.
 */
export function desiredRecordSets(parameters: DnsStepParameters, dns: AppConfig['dns']): RecordSet[] {
  const { domain } = parameters;
  const ttl = parameters.ttl ?? dns.ttl;
  const sets: RecordSet[] = [];
  for (const choice of parameters.records) {
    switch (choice) {
      case 'A':
        sets.push({ name: domain, type: 'A', ttl, values: [dns.webAddresses.ipv4] });
        break;
      case 'AAAA':
        if (!dns.webAddresses.ipv6) throw new PermanentStepError('records include AAAA but DNS_WEB_IPV6 is not set: the web host has no IPv6 address to point at');
        sets.push({ name: domain, type: 'AAAA', ttl, values: [dns.webAddresses.ipv6] });
        break;
      case 'www CNAME':
        sets.push({ name: `www.${domain}`, type: 'CNAME', ttl, values: [`${domain}.`] });
        break;
      case 'MX':
        sets.push({ name: domain, type: 'MX', ttl, values: (parameters.mx ?? []).map((mx) => `${mx.preference} ${mx.exchange}.`) });
        break;
      case 'TXT':
        sets.push({ name: domain, type: 'TXT', ttl, values: parameters.txt ?? [] });
        break;
    }
  }
  if (dns.ownershipTxt) {
    const managed = sets.map((set) => `${set.name === domain ? '@' : set.name.slice(0, -domain.length - 1)}/${set.type}`).join(' ');
    sets.push({ name: `${OWNERSHIP_PREFIX}.${domain}`, type: 'TXT', ttl, values: ['heritage=business-factory', `managed=${managed}`] });
  }
  return sets.map(canonicalRecordSet);
}
