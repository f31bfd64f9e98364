import { IntegrationErrorKind, httpStatusKind, measureIntegrationCall } from '@bf/observability';
import { AuthoritativeServer, DnsProvider, DnsProviderError, DnsProviderName, DnsZone, RecordSet } from './dns-provider';

/**
 * Any DnsProvider, with every call counted and timed in
 * bf_integration_call_duration_seconds / bf_integration_call_errors_total
 * (integration="dns", provider = the provider's name, operation = the method).
 * The factory wraps every provider it builds in one, so the dns worker, the
 * records routes and the preflight are all measured without touching them.
 * Zone and record names stay out of the labels.
 */
export class MeasuredDnsProvider implements DnsProvider {
  constructor(private readonly inner: DnsProvider) {}

  get name(): DnsProviderName {
    return this.inner.name;
  }

  findZone(zoneName: string): Promise<DnsZone | null> {
    return this.measure('find_zone', () => this.inner.findZone(zoneName));
  }
  createZone(zoneName: string): Promise<DnsZone> {
    return this.measure('create_zone', () => this.inner.createZone(zoneName));
  }
  listRecordSets(zone: DnsZone): Promise<RecordSet[]> {
    return this.measure('list_record_sets', () => this.inner.listRecordSets(zone));
  }
  getRecordSet(zone: DnsZone, name: string, type: string): Promise<RecordSet | null> {
    return this.measure('get_record_set', () => this.inner.getRecordSet(zone, name, type));
  }
  upsertRecordSet(zone: DnsZone, recordSet: RecordSet): Promise<void> {
    return this.measure('upsert_record_set', () => this.inner.upsertRecordSet(zone, recordSet));
  }
  deleteRecordSet(zone: DnsZone, name: string, type: string): Promise<void> {
    return this.measure('delete_record_set', () => this.inner.deleteRecordSet(zone, name, type));
  }
  authoritativeServer(zone: DnsZone): Promise<AuthoritativeServer | null> {
    return this.measure('authoritative_server', () => this.inner.authoritativeServer(zone));
  }

  private measure<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return measureIntegrationCall({ integration: 'dns', provider: this.inner.name, operation }, work, { classify: dnsErrorKind });
  }
}

/** The bounded kind of a provider's failure, from what DnsProviderError carries (status, code; the message only where a provider sets no code). */
export function dnsErrorKind(error: unknown): IntegrationErrorKind {
  if (!(error instanceof DnsProviderError)) return socketErrorKind(error);
  const { status, code } = error.options;
  if (code === 'not_configured') return 'config';
  if (code === 'timeout' || /no answer within|still running after/.test(error.message)) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  // the embedded provider refuses invalid changes itself, with 422 and a code of its own: a refusal, not HTTP
  if (error.provider === 'embedded') return status === undefined ? 'other' : 'fault';
  if (status !== undefined) return httpStatusKind(status);
  if (code === 'network' || /did not answer|ECONN|ENOTFOUND|EAI_AGAIN|socket hang up/.test(error.message)) return 'network';
  return 'other';
}

/** A failure below the providers (a socket, a DNS query): timed out, unreachable, or something else. */
export function socketErrorKind(error: unknown): IntegrationErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ETIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return 'network';
  return 'other';
}
