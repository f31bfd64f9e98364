import {
  AuthoritativeServer,
  canonicalName,
  canonicalRecordSet,
  DnsProvider,
  DnsProviderError,
  DnsZone,
  RecordSet,
} from '../dns-provider';
import { ProviderFetch } from '../guarded-fetch';

/**
 * DNS through the Hetzner Cloud API (`https://api.hetzner.cloud/v1`). The legacy
 * DNS Console API is gone; zones and RRsets now live in the Cloud API, where
 * every change is an asynchronous action that has to be polled to completion.
 */
export interface HetznerCloudDnsOptions {
  /** `https://api.hetzner.cloud/v1` (a trailing slash is ignored). */
  apiUrl: string;
  token: string;
  /** Per HTTP request. */
  timeoutMs: number;
  actionPollMs?: number;
  actionTimeoutMs?: number;
  /** Attempts per request, counting the first, for 429, 5xx and network failures. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where the zone's answers can be checked; the real Hetzner nameservers are not reachable from here. */
  verifyServer?: AuthoritativeServer | null;
  /** The HTTP client; the SSRF-guarded one when apiUrl came from a tenant secret (`guardedFetch`). */
  fetch?: ProviderFetch;
}

const PROVIDER = 'hetzner' as const;
const DEFAULT_MAX_ATTEMPTS = 4;
const MAX_WAIT_MS = 30_000;
const BACKOFF_BASE_MS = 250;
const PAGE_SIZE = 50;
/** Value types whose targets are host names: relative ones are relative to the zone, as in a zone file. */
const HOST_VALUE_TYPES = new Set(['CNAME', 'NS', 'MX']);

interface HetznerZone {
  id: number;
  name: string;
  ttl: number;
}

interface HetznerRRSet {
  name: string;
  type: string;
  ttl: number | null;
  records: Array<{ value: string; comment?: string }>;
}

interface HetznerAction {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  error: { code: string; message: string } | null;
}

interface HetznerErrorBody {
  error?: { code?: string; message?: string; details?: { fields?: Array<{ name?: string; messages?: string[] }> } };
}

interface Pagination {
  next_page: number | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A path segment; `@` stays literal because that is how the API spells the apex in paths. */
const segment = (value: string) => encodeURIComponent(value).replace(/%40/g, '@');

/**
 * The HTTP side: Bearer auth, JSON, error mapping and the retry policy. Kept
 * apart from the provider so that the DNS logic reads as the API's own steps.
 */
export class HetznerCloudClient {
  private readonly baseUrl: string;
  private readonly maxAttempts: number;

  constructor(
    private readonly options: Pick<HetznerCloudDnsOptions, 'apiUrl' | 'token' | 'timeoutMs' | 'maxAttempts' | 'fetch'>,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.baseUrl = options.apiUrl.replace(/\/+$/, '');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(method, path, body);
      if (outcome.ok) return outcome.value as T;
      const error = outcome.error;
      if (!error.retryable || attempt >= this.maxAttempts) throw error;
      await this.sleep(error.options.retryAfterMs ?? Math.min(MAX_WAIT_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
    }
  }

  private async attempt(method: string, path: string, body: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: DnsProviderError }> {
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      return { ok: false, error: this.networkError(method, path, cause) };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true, value: text ? JSON.parse(text) : {} };
    return { ok: false, error: this.httpError(method, path, response, text) };
  }

  private networkError(method: string, path: string, cause: unknown): DnsProviderError {
    const err = cause as { name?: string; message?: string; cause?: { code?: string } };
    if (err.name === 'GuardedFetchRefusedError') return new DnsProviderError(PROVIDER, this.redact(`the Hetzner Cloud API ${method} ${path}: ${err.message}`), { retryable: false, code: 'refused' });
    const reason =
      err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `no answer within ${this.options.timeoutMs} ms`
        : err.cause?.code === 'ECONNREFUSED'
          ? 'connection refused (ECONNREFUSED)'
          : (err.cause?.code ?? err.message ?? 'network error');
    return new DnsProviderError(PROVIDER, this.redact(`the Hetzner Cloud API did not answer ${method} ${path}: ${reason}`), { retryable: true });
  }

  private httpError(method: string, path: string, response: Response, text: string): DnsProviderError {
    const status = response.status;
    const parsed = parseErrorBody(text);
    const code = parsed?.code ?? `http_${status}`;
    const detail = parsed ? `${code}: ${parsed.message}` : text.trim().slice(0, 200) || response.statusText;
    const retryable = status === 429 || status >= 500;
    const retryAfterMs = status === 429 ? rateLimitWaitMs(response.headers) : undefined;
    let message: string;
    if (status === 401) message = `the Hetzner Cloud API refused the token (HTTP 401 ${detail}): check HETZNER_DNS_TOKEN`;
    else if (status === 403) message = `the Hetzner Cloud API token may not do ${method} ${path} (HTTP 403 ${detail}): it needs read & write permission`;
    else if (status === 429) message = `the Hetzner Cloud API rate limit was hit on ${method} ${path} (HTTP 429 ${detail})`;
    else message = `the Hetzner Cloud API refused ${method} ${path} (HTTP ${status} ${detail})`;
    return new DnsProviderError(PROVIDER, this.redact(message), { status, code, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }

  /** The API never echoes the token as far as we know, but a message must not carry it even if it did. */
  private redact(message: string): string {
    return this.options.token ? message.split(this.options.token).join('[token]') : message;
  }
}

function parseErrorBody(text: string): { code: string; message: string } | null {
  let body: HetznerErrorBody;
  try {
    body = JSON.parse(text) as HetznerErrorBody;
  } catch {
    return null;
  }
  if (!body?.error?.code) return null;
  const fields = (body.error.details?.fields ?? []).map((field) => `${field.name}: ${(field.messages ?? []).join(', ')}`);
  return { code: body.error.code, message: [body.error.message ?? '', ...fields].filter(Boolean).join('; ') };
}

/** How long the API asked us to wait, capped: a far-away reset would otherwise park a worker for an hour. */
function rateLimitWaitMs(headers: Headers): number {
  const reset = Number(headers.get('ratelimit-reset'));
  const retryAfter = Number(headers.get('retry-after'));
  let wait = 1000;
  if (headers.has('retry-after') && Number.isFinite(retryAfter)) wait = retryAfter * 1000;
  else if (headers.has('ratelimit-reset') && Number.isFinite(reset)) wait = reset * 1000 - Date.now();
  return Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(wait)));
}

/** Waits for an asynchronous action: a change is only done when its action says so. */
export class HetznerActionWaiter {
  constructor(
    private readonly client: HetznerCloudClient,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly pollMs: number,
    private readonly timeoutMs: number,
  ) {}

  async completed(action: HetznerAction | undefined | null): Promise<void> {
    let current = action;
    // Counted in polls rather than wall time so an injected sleep keeps the bound meaningful.
    for (let waited = 0; current && current.status === 'running'; waited += this.pollMs) {
      if (waited >= this.timeoutMs) {
        throw new DnsProviderError(PROVIDER, `the Hetzner Cloud action ${current.command} (${current.id}) was still running after ${this.timeoutMs} ms`, { retryable: true });
      }
      await this.sleep(this.pollMs);
      current = (await this.client.request<{ action: HetznerAction }>('GET', `/actions/${current.id}`)).action;
    }
    if (current?.status === 'error') {
      const code = current.error?.code ?? 'action_failed';
      throw new DnsProviderError(PROVIDER, `the Hetzner Cloud action ${current.command} (${current.id}) failed: ${code}: ${current.error?.message ?? 'no message'}`, {
        code,
        retryable: false,
      });
    }
  }
}

/** Absolute canonical names ↔ the API's zone-relative names (`@`, `www`) and values. */
export class HetznerNames {
  constructor(private readonly zoneName: string) {}

  relative(name: string): string {
    const absolute = canonicalName(name);
    if (absolute === this.zoneName) return '@';
    if (absolute.endsWith(`.${this.zoneName}`)) return absolute.slice(0, -(this.zoneName.length + 1));
    throw new DnsProviderError(PROVIDER, `${absolute} is not inside the zone ${this.zoneName}`, { retryable: false });
  }

  absolute(relative: string): string {
    return relative === '@' || relative === '' ? this.zoneName : canonicalName(`${relative}.${this.zoneName}`);
  }

  /** A value read from the API, in the absolute form `canonicalValue` expects. */
  valueFromApi(type: string, value: string): string {
    if (!HOST_VALUE_TYPES.has(type)) return value;
    const parts = value.trim().split(/\s+/);
    const host = parts[parts.length - 1];
    if (host.endsWith('.')) return value;
    parts[parts.length - 1] = host === '@' ? `${this.zoneName}.` : `${host}.${this.zoneName}.`;
    return parts.join(' ');
  }
}

export class HetznerCloudDnsProvider implements DnsProvider {
  readonly name = PROVIDER;
  private readonly client: HetznerCloudClient;
  private readonly actions: HetznerActionWaiter;
  /** Zone default TTLs by id: an RRset with ttl null inherits it. */
  private readonly zoneTtls = new Map<string, number>();

  constructor(private readonly options: HetznerCloudDnsOptions) {
    const sleep = options.sleep ?? defaultSleep;
    this.client = new HetznerCloudClient(options, sleep);
    this.actions = new HetznerActionWaiter(this.client, sleep, options.actionPollMs ?? 500, options.actionTimeoutMs ?? 120_000);
  }

  async findZone(zoneName: string): Promise<DnsZone | null> {
    const name = canonicalName(zoneName);
    const { zones } = await this.client.request<{ zones: HetznerZone[] }>('GET', `/zones?${new URLSearchParams({ name })}`);
    const zone = zones.find((candidate) => canonicalName(candidate.name) === name);
    return zone ? this.remember(zone) : null;
  }

  async createZone(zoneName: string): Promise<DnsZone> {
    const name = canonicalName(zoneName);
    try {
      const created = await this.client.request<{ zone: HetznerZone; action: HetznerAction }>('POST', '/zones', { name, mode: 'primary' });
      await this.actions.completed(created.action);
      return this.remember(created.zone);
    } catch (error) {
      if (!(error instanceof DnsProviderError) || error.options.code !== 'uniqueness_error') throw error;
      const existing = await this.findZone(name);
      if (!existing) throw error; // taken, but not by this account: the API's message says so
      return existing;
    }
  }

  async listRecordSets(zone: DnsZone): Promise<RecordSet[]> {
    const result: RecordSet[] = [];
    for (let page: number | null = 1; page !== null; ) {
      const query = new URLSearchParams({ page: String(page), per_page: String(PAGE_SIZE) });
      const body: { rrsets: HetznerRRSet[]; meta?: { pagination?: Pagination } } = await this.client.request('GET', `${this.zonePath(zone)}/rrsets?${query}`);
      for (const rrset of body.rrsets) result.push(await this.fromApi(zone, rrset));
      page = body.meta?.pagination?.next_page ?? null;
    }
    return result;
  }

  async getRecordSet(zone: DnsZone, name: string, type: string): Promise<RecordSet | null> {
    const rrset = await this.readRRSet(zone, new HetznerNames(canonicalName(zone.name)).relative(name), type.toUpperCase());
    return rrset ? this.fromApi(zone, rrset) : null;
  }

  async upsertRecordSet(zone: DnsZone, recordSet: RecordSet): Promise<void> {
    const wanted = canonicalRecordSet(recordSet);
    const relative = new HetznerNames(canonicalName(zone.name)).relative(wanted.name);
    const existing = await this.readRRSet(zone, relative, wanted.type);
    if (!existing) {
      const created = await this.create(zone, relative, wanted);
      if (created) return;
    }
    const current = await this.fromApi(zone, existing ?? (await this.mustRead(zone, relative, wanted.type)));
    const path = this.rrsetPath(zone, relative, wanted.type);
    if (JSON.stringify(current.values) !== JSON.stringify(wanted.values)) {
      const { action } = await this.client.request<{ action: HetznerAction }>('POST', `${path}/actions/set_records`, { records: wanted.values.map((value) => ({ value })) });
      await this.actions.completed(action);
    }
    if (current.ttl !== wanted.ttl) {
      const { action } = await this.client.request<{ action: HetznerAction }>('POST', `${path}/actions/change_ttl`, { ttl: wanted.ttl });
      await this.actions.completed(action);
    }
  }

  async deleteRecordSet(zone: DnsZone, name: string, type: string): Promise<void> {
    const relative = new HetznerNames(canonicalName(zone.name)).relative(name);
    try {
      const { action } = await this.client.request<{ action: HetznerAction }>('DELETE', this.rrsetPath(zone, relative, type.toUpperCase()));
      await this.actions.completed(action);
    } catch (error) {
      if (error instanceof DnsProviderError && error.options.status === 404) return;
      throw error;
    }
  }

  async authoritativeServer(_zone?: DnsZone): Promise<AuthoritativeServer | null> {
    return this.options.verifyServer ?? null;
  }

  /** False when someone created it between our read and our write: the caller then updates it instead. */
  private async create(zone: DnsZone, relative: string, wanted: RecordSet): Promise<boolean> {
    try {
      const { action } = await this.client.request<{ action: HetznerAction }>('POST', `${this.zonePath(zone)}/rrsets`, {
        name: relative,
        type: wanted.type,
        ttl: wanted.ttl,
        records: wanted.values.map((value) => ({ value })),
      });
      await this.actions.completed(action);
      return true;
    } catch (error) {
      if (error instanceof DnsProviderError && error.options.code === 'uniqueness_error') return false;
      throw error;
    }
  }

  private async readRRSet(zone: DnsZone, relative: string, type: string): Promise<HetznerRRSet | null> {
    try {
      return (await this.client.request<{ rrset: HetznerRRSet }>('GET', this.rrsetPath(zone, relative, type))).rrset;
    } catch (error) {
      if (error instanceof DnsProviderError && error.options.status === 404) return null;
      throw error;
    }
  }

  private async mustRead(zone: DnsZone, relative: string, type: string): Promise<HetznerRRSet> {
    const rrset = await this.readRRSet(zone, relative, type);
    if (!rrset) throw new DnsProviderError(PROVIDER, `the Hetzner Cloud API reported ${relative}/${type} as existing but does not return it`, { retryable: true });
    return rrset;
  }

  private async fromApi(zone: DnsZone, rrset: HetznerRRSet): Promise<RecordSet> {
    const names = new HetznerNames(canonicalName(zone.name));
    return canonicalRecordSet({
      name: names.absolute(rrset.name),
      type: rrset.type,
      ttl: rrset.ttl ?? (await this.zoneTtl(zone)),
      values: rrset.records.map((record) => names.valueFromApi(rrset.type.toUpperCase(), record.value)),
    });
  }

  private async zoneTtl(zone: DnsZone): Promise<number> {
    const known = this.zoneTtls.get(zone.id);
    if (known !== undefined) return known;
    const { zone: fetched } = await this.client.request<{ zone: HetznerZone }>('GET', this.zonePath(zone));
    this.remember(fetched);
    return fetched.ttl;
  }

  private remember(zone: HetznerZone): DnsZone {
    const id = String(zone.id);
    this.zoneTtls.set(id, zone.ttl);
    return { name: canonicalName(zone.name), id };
  }

  private zonePath(zone: DnsZone): string {
    return `/zones/${segment(zone.id)}`;
  }

  private rrsetPath(zone: DnsZone, relative: string, type: string): string {
    return `${this.zonePath(zone)}/rrsets/${segment(relative)}/${segment(type)}`;
  }
}
