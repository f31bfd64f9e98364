import { IntegrationErrorKind, measureIntegrationCall } from '@bf/observability';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, OdooTimeouts, RetryPolicy, SLOW_METHODS, backoffDelay } from './call-policy';
import { OdooAccessDeniedError, OdooAuthenticationError, OdooError, OdooFaultError, OdooTimeoutError, OdooTransportError } from './errors';
import { isScheduledActionBusy } from './faults';
import { SecretScrubber } from './secret-scrubber';
import { OdooServerVersion, parseServerVersion } from './server-version';
import { OdooService, OdooTransport } from './transport';
import { XmlRpcTransport } from './xml-rpc/xml-rpc.transport';

/** Where and as whom to connect. `password` may be an API key (Odoo 14+). */
export interface OdooConnectionSettings {
  url: string;
  db: string;
  login: string;
  password: string;
}

/** pino-compatible subset. */
export interface OdooLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface OdooClientOptions {
  transport?: OdooTransport;
  logger?: OdooLogger;
  timeouts?: Partial<OdooTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
}

export interface ExecuteOptions {
  timeoutMs?: number;
}

const silent: OdooLogger = { debug: () => undefined, warn: () => undefined };

/**
 * One Odoo database as one user, over any transport. Every error leaving it
 * is scrubbed of the password; arguments are never logged because they can
 * hold user passwords too.
 */
export class OdooClient {
  readonly url: string;
  readonly db: string;
  readonly login: string;
  // a #private field stays out of JSON.stringify, util.inspect and spreads
  readonly #password: string;
  readonly #scrubber: SecretScrubber;
  private readonly transport: OdooTransport;
  private readonly logger: OdooLogger;
  private readonly timeouts: OdooTimeouts;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private uid?: Promise<number>;
  private serverVersion?: Promise<OdooServerVersion>;

  constructor(settings: OdooConnectionSettings, options: OdooClientOptions = {}) {
    const url = new URL(settings.url);
    this.#scrubber = new SecretScrubber([settings.password, url.password]);
    url.username = url.password = '';
    this.url = url.toString();
    this.db = settings.db;
    this.login = settings.login;
    this.#password = settings.password;
    this.transport = options.transport ?? new XmlRpcTransport(settings.url);
    this.logger = options.logger ?? silent;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `common.version()`, asked once per client. */
  version(): Promise<OdooServerVersion> {
    this.serverVersion ??= this.rpc('common', 'version', [], this.timeouts.defaultMs).then(parseServerVersion);
    this.serverVersion.catch(() => (this.serverVersion = undefined));
    return this.serverVersion;
  }

  /** `common.authenticate`; the uid is cached. False from Odoo becomes OdooAuthenticationError. */
  authenticate(): Promise<number> {
    this.uid ??= this.rpc('common', 'authenticate', [this.db, this.login, this.#password, {}], this.timeouts.defaultMs).then((uid) => {
      if (typeof uid !== 'number' || uid <= 0) throw new OdooAuthenticationError(this.url, this.db, this.login);
      return uid;
    });
    this.uid.catch(() => (this.uid = undefined));
    return this.uid;
  }

  /**
   * `object.execute_kw(db, uid, password, model, method, args, kwargs)`.
   * Record methods take the id list as the first element of `args`.
   */
  async executeKw<T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, options: ExecuteOptions = {}): Promise<T> {
    const uid = await this.authenticate();
    const timeoutMs = options.timeoutMs ?? (SLOW_METHODS.has(method) ? this.timeouts.moduleOperationMs : this.timeouts.defaultMs);
    const params = [this.db, uid, this.#password, model, method, args, kwargs];
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.rpc('object', 'execute_kw', params, timeoutMs, `${model}.${method}`, `object.execute_kw:${methodLabel(method)}`)) as T;
      } catch (error) {
        if (!isScheduledActionBusy(error) || attempt >= this.retry.attempts) throw error;
        const delayMs = backoffDelay(this.retry, attempt);
        this.logger.warn({ model, method, attempt, delayMs }, 'Odoo is running a scheduled action; retrying');
        await this.sleep(delayMs);
      }
    }
  }

  /**
   * The one place every call to Odoo goes through: measured here as
   * bf_integration_call_* {integration="odoo", provider="xmlrpc", operation}
   * (the operation names the execute_kw method, never the model).
   */
  private async rpc(service: OdooService, method: string, args: unknown[], timeoutMs: number, target = `${service}.${method}`, operation = `${service}.${method}`): Promise<unknown> {
    const started = Date.now();
    try {
      const call = { integration: 'odoo' as const, provider: 'xmlrpc', operation };
      const result = await measureIntegrationCall(call, () => this.transport.call(service, method, args, { timeoutMs, label: target }), { classify: odooErrorKind, judge: refusedLogin(service, method) });
      this.logger.debug({ target, ms: Date.now() - started }, 'odoo call');
      return result;
    } catch (raw) {
      // only our own errors pass through as they are; anything else is rebuilt so no foreign field can carry a secret
      const error = this.#scrubber.error(raw instanceof OdooError ? raw : new OdooTransportError(target, 'connection', errorText(raw)));
      this.logger.debug({ target, ms: Date.now() - started, error: error.message }, 'odoo call failed');
      throw error;
    }
  }
}

/**
 * The ORM and module methods this code base calls, by name in the metrics; any
 * other method (a custom module's own, say) is `other`, so labels stay bounded.
 */
const LABELLED_METHODS: ReadonlySet<string> = new Set([
  ...SLOW_METHODS,
  'search', 'search_read', 'search_count', 'read', 'create', 'write', 'unlink', 'fields_get', 'name_search', 'default_get', 'copy', 'toggle_active', 'read_group',
]);

function methodLabel(method: string): string {
  return LABELLED_METHODS.has(method) ? method : 'other';
}

/** `common.authenticate` answers a refused login with False rather than a fault: counted as an auth error all the same. */
function refusedLogin(service: OdooService, method: string): ((uid: unknown) => IntegrationErrorKind | null) | undefined {
  if (service !== 'common' || method !== 'authenticate') return undefined;
  return (uid) => (typeof uid === 'number' && uid > 0 ? null : 'auth');
}

/** The bounded kind of a failed call, from the transport's typed errors. */
export function odooErrorKind(error: unknown): IntegrationErrorKind {
  if (error instanceof OdooTimeoutError) return 'timeout';
  if (error instanceof OdooAccessDeniedError) return 'auth';
  if (error instanceof OdooFaultError) return 'fault';
  if (error instanceof OdooTransportError) {
    if (error.reason === 'http' && error.status !== undefined) return error.status >= 500 ? 'http_5xx' : 'http_4xx';
    return error.reason === 'connection' ? 'network' : 'other';
  }
  return 'other';
}

function errorText(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
