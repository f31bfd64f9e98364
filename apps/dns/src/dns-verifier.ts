import { AuthoritativeServer, canonicalRecordSet, queryDns, RecordSet, sameValues } from '@bf/dns';

export interface RecordSetVerification {
  name: string;
  type: string;
  expected: string[];
  answer: string[];
  rcode: string | null;
  authoritative: boolean;
  matches: boolean;
  /** From the first query to the matching answer (or the last one). */
  ms: number;
  queries: number;
  error?: string;
}

export interface DnsVerification {
  checked: boolean;
  server: string | null;
  record_sets: RecordSetVerification[];
  all_match: boolean;
  /** What was, and was not, confirmed: we ask the authoritative server only. */
  propagation: string;
  reason?: string;
}

const PROPAGATION = 'authoritative answer confirmed; public resolvers not checked (their caches follow within the previous TTL)';

/**
 * Asks the zone's authoritative server, over UDP like any resolver would,
 * whether it serves what was written. Each record set is asked again until it
 * matches or the time is up: an authoritative server may serve from a cache for
 * a moment after an API change.
 */
export class DnsVerifier {
  constructor(private readonly timeoutMs: number) {}

  async verify(server: AuthoritativeServer | null, expected: RecordSet[], unavailableReason?: string): Promise<DnsVerification> {
    if (!server) {
      return { checked: false, server: null, record_sets: [], all_match: false, propagation: 'not checked', reason: unavailableReason ?? 'the provider has no authoritative server reachable from here' };
    }
    const deadline = performance.now() + this.timeoutMs;
    const recordSets: RecordSetVerification[] = [];
    for (const set of expected) recordSets.push(await this.verifyOne(server, canonicalRecordSet(set), deadline));
    const allMatch = recordSets.every((entry) => entry.matches);
    return { checked: true, server: `${server.host}:${server.port}`, record_sets: recordSets, all_match: allMatch, propagation: allMatch ? PROPAGATION : 'the authoritative server does not serve the change yet' };
  }

  private async verifyOne(server: AuthoritativeServer, set: RecordSet, deadline: number): Promise<RecordSetVerification> {
    const started = performance.now();
    let last: RecordSetVerification | undefined;
    for (let queries = 1; ; queries++) {
      last = await this.ask(server, set, queries, started, deadline);
      if (last.matches || performance.now() >= deadline) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async ask(server: AuthoritativeServer, set: RecordSet, queries: number, started: number, deadline: number): Promise<RecordSetVerification> {
    const base = { name: set.name, type: set.type, expected: set.values, queries };
    try {
      const timeoutMs = Math.max(200, Math.min(1000, deadline - performance.now()));
      const reply = await queryDns({ host: server.host, port: server.port, name: set.name, type: set.type as never, timeoutMs });
      const answer = reply.answers.filter((record) => record.type === set.type && record.name.replace(/\.$/, '').toLowerCase() === set.name).map((record) => record.value);
      const matches = reply.rcode === 'NOERROR' && reply.authoritative && sameValues(set, answer);
      return { ...base, answer: [...answer].sort(), rcode: reply.rcode, authoritative: reply.authoritative, matches, ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { ...base, answer: [], rcode: null, authoritative: false, matches: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
    }
  }
}
