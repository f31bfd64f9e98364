import type { Answer } from 'dns-packet';
import { canonicalName, isWireType, toWireData } from '@bf/dns';
import { ZoneLookup, ZoneMatch, ZoneRecordSet } from './zone-lookup';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface Resolution {
  rcode: Rcode;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
}

// Enough for any sane chain inside one zone; stops loops (a → b → a) without tracking state across zones.
const MAX_CNAME_HOPS = 8;

/**
 * The authoritative decision for one question (RFC 1034 §4.3.2, without
 * delegations and wildcards, which the embedded zones never hold): answer,
 * CNAME (chased while the target stays in the zone), NODATA or NXDOMAIN, the
 * negative ones with the SOA so resolvers can cache them (RFC 2308). ANY is
 * answered with every record set of the name.
 */
export class AuthoritativeAnswerer {
  constructor(private readonly lookup: ZoneLookup) {}

  async resolve(askedName: string, type: string): Promise<Resolution> {
    const first = await this.lookup.find(canonicalName(askedName));
    if (!first) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [] };
    const answers: Answer[] = [];
    const visited = new Set<string>();
    let match: ZoneMatch = first;
    // The first owner is echoed as asked (0x20 case randomisation); chased owners are ours.
    let owner = askedName.replace(/\.+$/, '');
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      visited.add(canonicalName(owner));
      const sets = match.recordSets.filter((set) => isWireType(set.type));
      const wanted = type === 'ANY' ? sets : sets.filter((set) => set.type === type);
      if (wanted.length > 0) {
        for (const set of wanted) answers.push(...toAnswers(owner, set));
        return { rcode: 'NOERROR', authoritative: true, answers, authorities: [] };
      }
      const cname = sets.find((set) => set.type === 'CNAME');
      if (!cname) return this.negative(match, answers);
      answers.push(...toAnswers(owner, cname));
      const target = canonicalName(cname.values[0] ?? '');
      const inZone = target === first.zone || target.endsWith(`.${first.zone}`);
      if (!inZone || visited.has(target)) break;
      const next = await this.lookup.find(target);
      if (!next || next.zone !== first.zone) break;
      match = next;
      owner = target;
    }
    // The chain leaves the zone (or loops): the resolver follows it from here.
    return { rcode: 'NOERROR', authoritative: true, answers, authorities: [] };
  }

  private negative(match: ZoneMatch, answers: Answer[]): Resolution {
    // RFC 2308 §3: the SOA's TTL in a negative answer is min(SOA TTL, SOA MINIMUM): the negative-caching TTL.
    const authorities = match.soa ? soaForNegative(match.soa) : [];
    return { rcode: match.nameExists ? 'NOERROR' : 'NXDOMAIN', authoritative: true, answers, authorities };
  }
}

function soaForNegative(soa: ZoneRecordSet): Answer[] {
  return toAnswers(soa.name, soa).map((answer) => {
    const minimum = (answer as Answer & { data: { minimum: number } }).data.minimum;
    return { ...answer, ttl: Math.min(soa.ttl, minimum) } as Answer;
  });
}

function toAnswers(owner: string, set: ZoneRecordSet): Answer[] {
  return set.values.map((value) => ({ name: owner, type: set.type, class: 'IN', ttl: set.ttl, data: toWireData(set.type, value) }) as unknown as Answer);
}
