import { isIPv4, isIPv6 } from 'node:net';
import { ServerResponse } from 'node:http';
import { DoubleHandler, RecordedRequest, sendJson } from './http-double';

/**
 * The DNS part of the Hetzner Cloud API v1 (zones, RRsets, actions), held in
 * memory and validated like the real API, so the provider is tested against
 * the protocol rather than against our reading of it:
 *   - `Authorization: Bearer` or 401 `unauthorized`;
 *   - RRset names relative to the zone (`@`, `www`), TXT values quoted, no CNAME at
 *     the apex or beside other types → 400 `invalid_input` with field details;
 *   - every change answers with an action that stays `running` for
 *     `actionDelayPolls` polls of `GET /actions/{id}` and only then takes effect;
 *   - the documented error object `{error: {code, message, details}}` and the
 *     RateLimit-* headers on every answer.
 * Served under `/v1` like the real base URL.
 */
export interface HetznerDnsDoubleOptions {
  token: string;
  /** Defaults to the single zone `example.com` (id 4711) the preflight reads. */
  zones?: Array<{ name: string; id?: number; ttl?: number }>;
  /** RRsets per zone name, with relative names; SOA and NS at the apex are added to every zone. */
  rrsets?: Record<string, Array<{ name: string; type: string; ttl?: number | null; values: string[] }>>;
  /** Polls an action answers `running` before it completes; 0 completes it at once. */
  actionDelayPolls?: number;
}

export interface DoubleRRSet {
  name: string;
  type: string;
  ttl: number | null;
  values: string[];
}

type HandlerWithApi = DoubleHandler & { api: HetznerCloudDnsDouble };

/** The handler for `startHttpDouble`, with the double's controls and state on `.api`. */
export function hetznerDnsDouble(options: HetznerDnsDoubleOptions): HandlerWithApi {
  const api = new HetznerCloudDnsDouble(options);
  return Object.assign((request: RecordedRequest, response: ServerResponse) => api.handle(request, response), { api });
}

const NAMESERVERS = ['hydrogen.ns.hetzner.com.', 'oxygen.ns.hetzner.com.', 'helium.ns.hetzner.de.'];
const RATE_LIMIT = 3600;
const MAX_PER_PAGE = 50;
const WRITABLE_TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HINFO', 'HTTPS', 'MX', 'NS', 'PTR', 'RP', 'SRV', 'SVCB', 'TLSA', 'TXT']);
const QUOTED_STRINGS = /^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/;
const HOST = /^(?:@|(?:[a-z0-9_*](?:[a-z0-9_-]*[a-z0-9])?)(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?)*\.?)$/i;
const RELATIVE_NAME = /^(?:@|[a-z0-9_*](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*)$/;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
  }
}

const invalidField = (field: string, message: string) => new ApiError(400, 'invalid_input', `invalid input in field '${field}'`, { fields: [{ name: field, messages: [message] }] });
const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

interface ZoneState {
  id: number;
  name: string;
  ttl: number;
  created: string;
  rrsets: Map<string, DoubleRRSet>;
}

interface ActionState {
  id: number;
  command: string;
  zoneId: number;
  started: string;
  finished: string | null;
  status: 'running' | 'success' | 'error';
  error: { code: string; message: string } | null;
  pollsLeft: number;
  apply: () => void;
  failWith: { code: string; message: string } | null;
}

export class HetznerCloudDnsDouble {
  private readonly zones = new Map<number, ZoneState>();
  private readonly actions = new Map<number, ActionState>();
  private nextZoneId = 4711;
  private nextActionId = 1;
  private rateLimited = { remaining: 0, resetInSeconds: 1, retryAfterSeconds: undefined as number | undefined };
  private serverErrors = 0;
  private failingActions: Array<{ code: string; message: string }> = [];
  private remaining = RATE_LIMIT;
  actionDelayPolls: number;
  /** Every authenticated request that reached the API (rate-limited ones included), in order. */
  readonly calls: Array<{ method: string; path: string; status: number }> = [];

  constructor(private readonly options: HetznerDnsDoubleOptions) {
    this.actionDelayPolls = options.actionDelayPolls ?? 0;
    for (const zone of options.zones ?? [{ name: 'example.com', id: 4711, ttl: 3600 }]) {
      const state = this.addZone(zone.name, zone.ttl ?? 3600, zone.id);
      for (const rrset of options.rrsets?.[zone.name] ?? []) {
        state.rrsets.set(key(rrset.name, rrset.type), { name: rrset.name, type: rrset.type, ttl: rrset.ttl ?? null, values: [...rrset.values] });
      }
    }
  }

  // ---- controls ----

  /** The next `count` requests answer 429 `rate_limit_exceeded`, with RateLimit-Reset `resetInSeconds` ahead. */
  rateLimitNext(count: number, options: { resetInSeconds?: number; retryAfterSeconds?: number } = {}): void {
    this.rateLimited = { remaining: count, resetInSeconds: options.resetInSeconds ?? 1, retryAfterSeconds: options.retryAfterSeconds };
  }

  /** The next `count` requests answer 503 `unavailable`. */
  failNextRequests(count: number): void {
    this.serverErrors = count;
  }

  /** The next action created ends in `error` with this code and message, and its change is not made. */
  failNextAction(error: { code: string; message: string } = { code: 'action_failed', message: 'the change could not be applied' }): void {
    this.failingActions.push(error);
  }

  // ---- inspection ----

  zone(name: string): { id: number; name: string; ttl: number } | undefined {
    const zone = [...this.zones.values()].find((candidate) => candidate.name === name);
    return zone && { id: zone.id, name: zone.name, ttl: zone.ttl };
  }

  zoneNames(): string[] {
    return [...this.zones.values()].map((zone) => zone.name);
  }

  /** The zone's RRsets as stored, sorted by name and type. */
  rrsets(zoneName: string): DoubleRRSet[] {
    const zone = [...this.zones.values()].find((candidate) => candidate.name === zoneName);
    if (!zone) return [];
    return [...zone.rrsets.values()].map((rrset) => ({ ...rrset, values: [...rrset.values] })).sort((a, b) => key(a.name, a.type).localeCompare(key(b.name, b.type)));
  }

  rrset(zoneName: string, name: string, type: string): DoubleRRSet | undefined {
    return this.rrsets(zoneName).find((rrset) => rrset.name === name && rrset.type === type);
  }

  /** Calls that could change state (anything but GET). */
  writes(): Array<{ method: string; path: string; status: number }> {
    return this.calls.filter((call) => call.method !== 'GET');
  }

  /** Polls of `GET /actions/{id}`. */
  actionPolls(): number {
    return this.calls.filter((call) => call.method === 'GET' && /^\/actions\/\d+$/.test(call.path)).length;
  }

  // ---- HTTP ----

  handle(request: RecordedRequest, response: ServerResponse): void {
    if (request.headers.authorization !== `Bearer ${this.options.token}`) {
      return this.send(response, 401, { error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } });
    }
    const url = new URL(request.path, 'http://double');
    const path = url.pathname.replace(/^\/v1(?=\/)/, '');
    const record = (status: number) => this.calls.push({ method: request.method, path, status });
    if (this.rateLimited.remaining > 0) {
      this.rateLimited.remaining -= 1;
      record(429);
      return this.rateLimit(response);
    }
    if (this.serverErrors > 0) {
      this.serverErrors -= 1;
      record(503);
      return this.send(response, 503, { error: { code: 'unavailable', message: 'service temporarily unavailable', details: {} } });
    }
    try {
      const [status, body] = this.route(request.method, path, url.searchParams, request.body);
      record(status);
      this.send(response, status, body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record(error.status);
      this.send(response, error.status, { error: { code: error.code, message: error.message, details: error.details } });
    }
  }

  private send(response: ServerResponse, status: number, body: unknown): void {
    this.remaining = Math.max(0, this.remaining - 1);
    response.setHeader('RateLimit-Limit', String(RATE_LIMIT));
    response.setHeader('RateLimit-Remaining', String(this.remaining));
    response.setHeader('RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + 3600));
    sendJson(response, status, body);
  }

  private rateLimit(response: ServerResponse): void {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'RateLimit-Limit': String(RATE_LIMIT),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(Math.floor(Date.now() / 1000) + this.rateLimited.resetInSeconds),
    };
    if (this.rateLimited.retryAfterSeconds !== undefined) headers['Retry-After'] = String(this.rateLimited.retryAfterSeconds);
    response.writeHead(429, headers).end(JSON.stringify({ error: { code: 'rate_limit_exceeded', message: `limit of ${RATE_LIMIT} requests per hour reached`, details: {} } }));
  }

  private route(method: string, path: string, query: URLSearchParams, rawBody: string): [number, unknown] {
    const parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
    const body = () => parseBody(rawBody);
    const [root, zoneRef, sub, name, type, actions, action] = parts;
    if (root === 'actions' && parts.length === 2 && method === 'GET') return [200, { action: this.poll(Number(zoneRef)) }];
    if (root !== 'zones') throw notFound('resource');
    if (parts.length === 1 && method === 'GET') return [200, this.listZones(query)];
    if (parts.length === 1 && method === 'POST') return [201, this.createZone(body())];
    const zone = this.findZone(zoneRef);
    if (parts.length === 2 && method === 'GET') return [200, { zone: this.zoneJson(zone) }];
    if (sub !== 'rrsets') throw notFound('resource');
    if (parts.length === 3 && method === 'GET') return [200, this.listRRSets(zone, query)];
    if (parts.length === 3 && method === 'POST') return [201, this.createRRSet(zone, body())];
    if (parts.length === 5 && method === 'GET') return [200, { rrset: rrsetJson(this.findRRSet(zone, name, type)) }];
    if (parts.length === 5 && method === 'DELETE') return [201, { action: this.deleteRRSet(zone, name, type) }];
    if (parts.length === 7 && actions === 'actions' && method === 'POST') {
      if (action === 'set_records') return [201, { action: this.setRecords(zone, name, type, body()) }];
      if (action === 'change_ttl') return [201, { action: this.changeTtl(zone, name, type, body()) }];
    }
    throw notFound('resource');
  }

  // ---- zones ----

  private addZone(name: string, ttl: number, id?: number): ZoneState {
    const zone: ZoneState = { id: id ?? this.nextZoneId, name, ttl, created: new Date().toISOString(), rrsets: new Map() };
    this.nextZoneId = Math.max(this.nextZoneId, zone.id) + 1;
    zone.rrsets.set(key('@', 'SOA'), { name: '@', type: 'SOA', ttl: null, values: [`${NAMESERVERS[0]} dns.hetzner.com. 2026010101 86400 10800 3600000 3600`] });
    zone.rrsets.set(key('@', 'NS'), { name: '@', type: 'NS', ttl: null, values: [...NAMESERVERS] });
    this.zones.set(zone.id, zone);
    return zone;
  }

  private findZone(ref: string): ZoneState {
    const zone = /^\d+$/.test(ref) ? this.zones.get(Number(ref)) : [...this.zones.values()].find((candidate) => candidate.name === ref);
    if (!zone) throw notFound('zone');
    return zone;
  }

  private listZones(query: URLSearchParams): unknown {
    const name = query.get('name');
    const zones = [...this.zones.values()].filter((zone) => !name || zone.name === name);
    const page = paginate(zones, query);
    return { zones: page.items.map((zone) => this.zoneJson(zone)), meta: { pagination: page.pagination } };
  }

  private createZone(body: Record<string, unknown>): unknown {
    const name = body.name;
    if (typeof name !== 'string' || !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(name)) throw invalidField('name', 'must be a lower-case domain name without a trailing dot');
    if (body.mode !== 'primary' && body.mode !== 'secondary') throw invalidField('mode', "must be 'primary' or 'secondary'");
    if (body.ttl !== undefined && !validTtl(body.ttl)) throw invalidField('ttl', 'must be an integer of at least 60');
    if ([...this.zones.values()].some((zone) => zone.name === name)) throw new ApiError(409, 'uniqueness_error', 'zone name is already used', { fields: [{ name: 'name' }] });
    const zone = this.addZone(name, (body.ttl as number | undefined) ?? 3600);
    // The zone exists once the request is accepted; the action stands for its deployment to the nameservers.
    return { zone: this.zoneJson(zone), action: this.startAction('create_zone', zone, () => undefined) };
  }

  private zoneJson(zone: ZoneState): unknown {
    return {
      id: zone.id,
      name: zone.name,
      created: zone.created,
      mode: 'primary',
      primary_nameservers: [],
      labels: {},
      protection: { delete: false },
      ttl: zone.ttl,
      status: 'ok',
      record_count: [...zone.rrsets.values()].reduce((sum, rrset) => sum + rrset.values.length, 0),
      registrar: 'other',
      authoritative_nameservers: { assigned: [...NAMESERVERS], delegated: [], delegation_last_check: null, delegation_status: 'unknown' },
    };
  }

  // ---- rrsets ----

  private listRRSets(zone: ZoneState, query: URLSearchParams): unknown {
    const name = query.get('name');
    const types = query.getAll('type');
    const rrsets = [...zone.rrsets.values()].filter((rrset) => (!name || rrset.name === name) && (types.length === 0 || types.includes(rrset.type)));
    const page = paginate(rrsets, query);
    return { rrsets: page.items.map(rrsetJson), meta: { pagination: page.pagination } };
  }

  private findRRSet(zone: ZoneState, name: string, type: string): DoubleRRSet {
    const rrset = zone.rrsets.get(key(name, type));
    if (!rrset) throw notFound('rrset');
    return rrset;
  }

  private createRRSet(zone: ZoneState, body: Record<string, unknown>): unknown {
    const name = body.name;
    const type = body.type;
    if (typeof name !== 'string' || !RELATIVE_NAME.test(name) || name === zone.name || name.endsWith(`.${zone.name}`)) {
      throw invalidField('name', "must be relative to the zone: '@' for the apex, 'www' for www.<zone>, lower case, no trailing dot");
    }
    if (typeof type !== 'string' || !WRITABLE_TYPES.has(type)) throw invalidField('type', `must be one of ${[...WRITABLE_TYPES].join(', ')}`);
    if (body.ttl !== undefined && body.ttl !== null && !validTtl(body.ttl)) throw invalidField('ttl', 'must be an integer of at least 60');
    if (zone.rrsets.has(key(name, type))) throw new ApiError(409, 'uniqueness_error', 'rrset with this name and type already exists', { fields: [{ name: 'name' }, { name: 'type' }] });
    const values = validRecords(zone, name, type, body.records);
    const rrset: DoubleRRSet = { name, type, ttl: (body.ttl as number | null | undefined) ?? null, values };
    const action = this.startAction('create_rrset', zone, () => zone.rrsets.set(key(name, type), rrset));
    return { rrset: rrsetJson(rrset), action };
  }

  private setRecords(zone: ZoneState, name: string, type: string, body: Record<string, unknown>): unknown {
    const rrset = this.writableRRSet(zone, name, type);
    const values = validRecords(zone, name, type, body.records);
    return this.startAction('set_rrset_records', zone, () => (rrset.values = values));
  }

  private changeTtl(zone: ZoneState, name: string, type: string, body: Record<string, unknown>): unknown {
    const rrset = this.writableRRSet(zone, name, type);
    if (body.ttl !== null && !validTtl(body.ttl)) throw invalidField('ttl', 'must be an integer of at least 60, or null for the zone default');
    return this.startAction('change_rrset_ttl', zone, () => (rrset.ttl = body.ttl as number | null));
  }

  private deleteRRSet(zone: ZoneState, name: string, type: string): unknown {
    this.writableRRSet(zone, name, type);
    return this.startAction('delete_rrset', zone, () => zone.rrsets.delete(key(name, type)));
  }

  private writableRRSet(zone: ZoneState, name: string, type: string): DoubleRRSet {
    const rrset = this.findRRSet(zone, name, type);
    if (type === 'SOA') throw new ApiError(403, 'protected', 'the SOA record is managed by Hetzner and cannot be changed');
    return rrset;
  }

  // ---- actions ----

  private startAction(command: string, zone: ZoneState, apply: () => void): unknown {
    const action: ActionState = {
      id: this.nextActionId++,
      command,
      zoneId: zone.id,
      started: new Date().toISOString(),
      finished: null,
      status: 'running',
      error: null,
      pollsLeft: this.actionDelayPolls,
      apply,
      failWith: this.failingActions.shift() ?? null,
    };
    this.actions.set(action.id, action);
    if (action.pollsLeft === 0) this.finish(action);
    return actionJson(action);
  }

  private poll(id: number): unknown {
    const action = this.actions.get(id);
    if (!action) throw notFound('action');
    if (action.status === 'running') {
      action.pollsLeft -= 1;
      if (action.pollsLeft <= 0) this.finish(action);
    }
    return actionJson(action);
  }

  private finish(action: ActionState): void {
    action.finished = new Date().toISOString();
    if (action.failWith) {
      action.status = 'error';
      action.error = action.failWith;
      return;
    }
    action.apply();
    action.status = 'success';
  }
}

function key(name: string, type: string): string {
  return `${name}/${type}`;
}

function validTtl(ttl: unknown): boolean {
  return Number.isInteger(ttl) && (ttl as number) >= 60 && (ttl as number) <= 2147483647;
}

function parseBody(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below, like the API's json_error
  }
  throw new ApiError(400, 'json_error', 'request body is not a JSON object');
}

/** The checks the real API makes on a record list, per type. */
function validRecords(zone: ZoneState, name: string, type: string, records: unknown): string[] {
  if (!Array.isArray(records) || records.length === 0) throw invalidField('records', 'must be a non-empty list of {value}');
  const values = records.map((record: unknown) => (record && typeof record === 'object' ? (record as { value?: unknown }).value : undefined));
  values.forEach((value, index) => {
    const problem = typeof value !== 'string' || value === '' ? 'value is required' : valueProblem(type, value);
    if (problem) throw invalidField(`records[${index}].value`, problem);
  });
  if (new Set(values).size !== values.length) throw invalidField('records', 'values must be unique');
  if (type === 'CNAME') {
    if (name === '@') throw invalidField('type', 'a CNAME record is not allowed at the zone apex');
    if (values.length > 1) throw invalidField('records', 'a CNAME rrset can hold one record only');
  }
  const others = [...zone.rrsets.values()].filter((rrset) => rrset.name === name && rrset.type !== type);
  if ((type === 'CNAME' && others.length > 0) || (type !== 'CNAME' && others.some((rrset) => rrset.type === 'CNAME'))) {
    throw invalidField('type', `a CNAME record cannot coexist with other records at '${name}'`);
  }
  return values as string[];
}

function valueProblem(type: string, value: string): string | null {
  switch (type) {
    case 'A':
      return isIPv4(value) ? null : 'must be an IPv4 address';
    case 'AAAA':
      return isIPv6(value) ? null : 'must be an IPv6 address';
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return HOST.test(value) ? null : 'must be a host name';
    case 'MX': {
      const match = /^(\d{1,5})\s+(\S+)$/.exec(value);
      return match && Number(match[1]) <= 65535 && HOST.test(match[2]) ? null : "must be '<preference> <exchange>'";
    }
    case 'TXT':
      return QUOTED_STRINGS.test(value) ? null : 'TXT values must be quoted character-strings, e.g. "v=spf1 -all"';
    default:
      return null;
  }
}

function rrsetJson(rrset: DoubleRRSet): unknown {
  return {
    id: key(rrset.name, rrset.type),
    name: rrset.name,
    type: rrset.type,
    ttl: rrset.ttl,
    labels: {},
    protection: { change: rrset.type === 'SOA' },
    records: rrset.values.map((value) => ({ value, comment: null })),
  };
}

function actionJson(action: ActionState): unknown {
  return {
    id: action.id,
    command: action.command,
    status: action.status,
    progress: action.status === 'running' ? 50 : 100,
    started: action.started,
    finished: action.finished,
    resources: [{ id: action.zoneId, type: 'zone' }],
    error: action.error,
  };
}

function paginate<T>(items: T[], query: URLSearchParams): { items: T[]; pagination: unknown } {
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(query.get('per_page') ?? 25) || 25));
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    pagination: { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < lastPage ? page + 1 : null, last_page: lastPage, total_entries: items.length },
  };
}
