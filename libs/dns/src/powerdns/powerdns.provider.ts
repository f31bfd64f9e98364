import {
  absoluteName,
  AuthoritativeServer,
  canonicalName,
  canonicalRecordSet,
  canonicalValue,
  DnsProvider,
  DnsProviderError,
  DnsZone,
  RecordSet,
} from '../dns-provider';
import { ProviderFetch } from '../guarded-fetch';

export interface PowerDnsProviderOptions {
  /** The webserver's base URL, e.g. `http://127.0.0.1:8081` (a trailing slash is fine). */
  apiUrl: string;
  apiKey: string;
  serverId?: string;
  /** The pdns_server's DNS listener, for verifying changes; unset when not reachable from here. */
  dnsHost?: string;
  dnsPort?: number;
  /** Per HTTP attempt. */
  timeoutMs?: number;
  /** NS records for zones we create. */
  nameservers?: string[];
  /** Attempts per call for 429, 5xx and network errors (the first one included). */
  maxAttempts?: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs?: number;
  /** Upper bound on any single wait, Retry-After included. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** pino-compatible; only retries are logged. */
  logger?: { warn(context: object, message: string): void };
  /** The HTTP client; the SSRF-guarded one when apiUrl came from a tenant secret (`guardedFetch`). */
  fetch?: ProviderFetch;
}

interface PdnsRecord {
  content: string;
  disabled?: boolean;
}

interface PdnsRrset {
  name: string;
  type: string;
  ttl: number;
  records: PdnsRecord[];
}

interface PdnsZone {
  id: string;
  name: string;
  rrsets?: PdnsRrset[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Parses Retry-After (delta seconds or an HTTP date) into milliseconds from now.
 * Unparseable values are ignored rather than trusted, so our own backoff applies.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Talks HTTP to the PowerDNS API: authentication, timeouts, retries and turning
 * every failure into a DnsProviderError. Kept apart from the provider so the
 * provider reads as DNS logic only.
 */
class PowerDnsHttp {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PowerDnsProviderOptions) {
    this.base = `${options.apiUrl.replace(/\/+$/, '')}/api/v1/servers/${encodeURIComponent(options.serverId ?? 'localhost')}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** The parsed JSON body, or null for an empty one (204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T | null> {
    const label = `${method} ${path}`;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(label, method, path, body);
      if (!(failure instanceof DnsProviderError)) return this.parse<T>(label, failure.text);
      if (!failure.retryable || attempt >= this.maxAttempts) throw failure;
      const waitMs = Math.min(this.maxWaitMs, failure.options.retryAfterMs ?? this.baseDelayMs * 2 ** (attempt - 1));
      this.options.logger?.warn({ provider: 'powerdns', request: label, attempt, waitMs, status: failure.options.status }, `PowerDNS call failed, retrying: ${failure.message}`);
      await this.sleep(waitMs);
    }
  }

  /** One HTTP exchange: the body of a 2xx, or the failure (not yet thrown, so the caller can retry). */
  private async attempt(label: string, method: string, path: string, body: unknown): Promise<{ text: string } | DnsProviderError> {
    try {
      const response = await (this.options.fetch ?? fetch)(`${this.base}${path}`, {
        method,
        headers: { 'X-API-Key': this.options.apiKey, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      return response.ok ? { text } : this.httpError(label, response, text);
    } catch (error) {
      return this.networkError(label, error);
    }
  }

  private parse<T>(label: string, text: string): T | null {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new DnsProviderError('powerdns', `PowerDNS ${label}: the answer is not JSON`, { retryable: false, code: 'bad_response' });
    }
  }

  private httpError(label: string, response: Response, text: string): DnsProviderError {
    const status = response.status;
    const retryable = status === 429 || status >= 500;
    const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    return new DnsProviderError('powerdns', `PowerDNS ${label} failed: HTTP ${status}: ${this.redact(pdnsMessage(text) || response.statusText)}`, {
      status,
      code: codeFor(status),
      retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  private networkError(label: string, error: unknown): DnsProviderError {
    // Duck-typed: fetch's errors (DOMException, undici's causes) need not share our realm's Error.
    const { name, message: outer, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (name === 'GuardedFetchRefusedError') return new DnsProviderError('powerdns', `PowerDNS ${label}: ${this.redact(outer ?? '')}`, { code: 'refused', retryable: false });
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const message = timedOut ? `no answer within ${this.timeoutMs} ms` : (cause?.message ?? cause?.code ?? outer ?? String(error));
    return new DnsProviderError('powerdns', `PowerDNS ${label} failed: ${this.redact(message)}`, { code: timedOut ? 'timeout' : 'network', retryable: true });
  }

  /** Servers and proxies sometimes echo request headers back; the key must never travel further. */
  private redact(text: string): string {
    return this.options.apiKey ? text.split(this.options.apiKey).join('[redacted]') : text;
  }
}

/** PowerDNS answers 422 as JSON `{"error": …}` but 400/401/404/409 as plain text. */
function pdnsMessage(text: string): string {
  const trimmed = text.trim();
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') return (parsed as { error: string }).error;
  } catch {
    // plain text is the normal case for most statuses
  }
  return trimmed.slice(0, 500);
}

function codeFor(status: number): string {
  const codes: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'invalid_input', 429: 'rate_limited' };
  return codes[status] ?? (status >= 500 ? 'server_error' : 'http_error');
}

/** Our canonical presentation values are what PowerDNS wants as content (absolute targets, quoted TXT). */
function toContent(type: string, value: string): string {
  return canonicalValue(type, value);
}

function toRecordSet(rrset: PdnsRrset): RecordSet {
  return canonicalRecordSet({
    name: rrset.name,
    type: rrset.type,
    ttl: rrset.ttl,
    // A disabled record is not served, so for callers it is not there.
    values: rrset.records.filter((record) => !record.disabled).map((record) => record.content),
  });
}

export class PowerDnsProvider implements DnsProvider {
  readonly name = 'powerdns' as const;
  private readonly http: PowerDnsHttp;

  constructor(private readonly options: PowerDnsProviderOptions) {
    this.http = new PowerDnsHttp(options);
  }

  async findZone(zoneName: string): Promise<DnsZone | null> {
    const zones = (await this.http.request<PdnsZone[]>('GET', `/zones?zone=${encodeURIComponent(absoluteName(zoneName))}`)) ?? [];
    const zone = zones.find((candidate) => canonicalName(candidate.name) === canonicalName(zoneName));
    return zone ? { name: canonicalName(zone.name), id: zone.id } : null;
  }

  async createZone(zoneName: string): Promise<DnsZone> {
    try {
      const zone = await this.http.request<PdnsZone>('POST', '/zones', {
        name: absoluteName(zoneName),
        kind: 'Native',
        nameservers: (this.options.nameservers ?? []).map(absoluteName),
      });
      if (zone) return { name: canonicalName(zone.name), id: zone.id };
    } catch (error) {
      // 409 means someone (maybe our own earlier attempt) created it: the zone exists, which is what was asked.
      if (!(error instanceof DnsProviderError && error.options.status === 409)) throw error;
    }
    const existing = await this.findZone(zoneName);
    if (!existing) throw new DnsProviderError('powerdns', `PowerDNS reported zone ${absoluteName(zoneName)} as existing but does not list it`, { retryable: true, code: 'inconsistent' });
    return existing;
  }

  async listRecordSets(zone: DnsZone): Promise<RecordSet[]> {
    const detail = await this.http.request<PdnsZone>('GET', this.zonePath(zone));
    return (detail?.rrsets ?? [])
      .map(toRecordSet)
      .filter((recordSet) => recordSet.values.length > 0)
      .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  }

  async getRecordSet(zone: DnsZone, name: string, type: string): Promise<RecordSet | null> {
    // 4.7 has no per-rrset GET, so this reads the zone; zones we manage are small.
    const wanted = { name: canonicalName(name), type: type.toUpperCase() };
    return (await this.listRecordSets(zone)).find((recordSet) => recordSet.name === wanted.name && recordSet.type === wanted.type) ?? null;
  }

  async upsertRecordSet(zone: DnsZone, recordSet: RecordSet): Promise<void> {
    const type = recordSet.type.toUpperCase();
    if (recordSet.values.length === 0) return this.deleteRecordSet(zone, recordSet.name, type);
    const values = [...new Set(recordSet.values.map((value) => toContent(type, value)))];
    await this.patch(zone, {
      name: absoluteName(recordSet.name),
      type,
      ttl: recordSet.ttl,
      changetype: 'REPLACE',
      records: values.map((content) => ({ content, disabled: false })),
    });
  }

  async deleteRecordSet(zone: DnsZone, name: string, type: string): Promise<void> {
    await this.patch(zone, { name: absoluteName(name), type: type.toUpperCase(), changetype: 'DELETE', records: [] });
  }

  // One pdns_server serves every zone it holds, so the zone does not change the answer.
  async authoritativeServer(_zone?: DnsZone): Promise<AuthoritativeServer | null> {
    const { dnsHost, dnsPort } = this.options;
    return dnsHost && dnsPort ? { host: dnsHost, port: dnsPort } : null;
  }

  private async patch(zone: DnsZone, rrset: Record<string, unknown>): Promise<void> {
    await this.http.request('PATCH', this.zonePath(zone), { rrsets: [rrset] });
  }

  private zonePath(zone: DnsZone): string {
    return `/zones/${encodeURIComponent(zone.id)}`;
  }
}
