import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { sha256Hex } from '@bf/contracts';
import { OdooApi, OdooClient, OdooError, OdooServerError, OdooTimeoutError, OdooTransportError, XmlRpcTransport } from '@bf/odoo';
import { SsrfGuard, SsrfRefusedError } from '@bf/runtime';
import { rootLogger } from '@bf/observability';
import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { odooCredentialsOf, OdooCredentials, SecretNotFoundError, SecretShapeError, SecretsKeyringError, SecretUnreadableError, TenantSecrets } from '@bf/tenancy';


/**
 * The user's Odoo, as configured (ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD or
 * ODOO_PASSWORD_FILE). One client per worker process: it caches the server
 * version and the uid. Steps ask for `api()`; without a configuration they fail
 * permanently with the missing variables named (never their values).
 */
@Injectable()
export class OdooConnection implements OnModuleDestroy {
  private cached: OdooApi | null = null;
  /** Clients for tenant secrets, by tenant, name and a hash of the credentials (a replaced secret gets a new client). */
  private readonly fromSecrets = new Map<string, OdooApi>();
  private readonly secrets: TenantSecrets | null;
  private readonly ssrf: SsrfGuard;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Optional so a connection built by hand (scripts, tests) still works on the configured Odoo alone.
    @Optional() dataSource?: DataSource,
  ) {
    this.secrets = dataSource ? new TenantSecrets(dataSource, config) : null;
    this.ssrf = new SsrfGuard(config.security.ssrf, { lookupTimeoutMs: config.odoo.timeoutMs });
  }

  /**
   * The Odoo a step works on: the login in the tenant secret its parameters name
   * (`secret_ref`, resolved now; the job payload carries only the name), else the configured one.
   */
  async forStep(context: Pick<StepContext, 'tenantId' | 'parameters'>, parameter = 'secret_ref'): Promise<OdooApi> {
    const ref = context.parameters[parameter];
    return typeof ref === 'string' ? this.forSecret(context.tenantId, ref) : this.api();
  }

  async forSecret(tenantId: string, name: string): Promise<OdooApi> {
    if (!this.secrets) throw new PermanentStepError(`secret_ref '${name}': this Odoo connection has no database to read tenant secrets from`);
    let credentials: OdooCredentials;
    try {
      credentials = odooCredentialsOf(name, await this.secrets.reveal(tenantId, name));
    } catch (error) {
      // Named, never valued: retrying cannot create a missing secret or fix its shape.
      if (error instanceof SecretNotFoundError || error instanceof SecretShapeError || error instanceof SecretUnreadableError || error instanceof SecretsKeyringError) throw new PermanentStepError(error.message);
      throw error;
    }
    const key = `${tenantId}/${name}/${sha256Hex(JSON.stringify(credentials))}`;
    let api = this.fromSecrets.get(key);
    if (!api) {
      // Refused addresses fail the step for good (retrying cannot make them public); the transport checks again on every connection.
      await this.ssrf.check(credentials.url).catch((error: unknown) => {
        if (error instanceof SsrfRefusedError) throw new PermanentStepError(`secret_ref '${name}': the Odoo URL is not contacted: ${error.message} (SSRF_ALLOW_CIDRS allows such ranges)`);
        throw error;
      });
      const logger = rootLogger().child({ component: 'odoo-client', secret_ref: name });
      const { timeoutMs, moduleTimeoutMs } = this.config.odoo;
      // A secret's URL is tenant input: every call goes through the SSRF guard (connects to the address it checked).
      const transport = new XmlRpcTransport(credentials.url, this.ssrf);
      api = new OdooApi(new OdooClient({ url: credentials.url, db: credentials.db, login: credentials.user, password: credentials.password }, { logger, timeouts: { defaultMs: timeoutMs, moduleOperationMs: moduleTimeoutMs }, transport }));
      for (const old of [...this.fromSecrets.keys()].filter((cached) => cached.startsWith(`${tenantId}/${name}/`))) this.fromSecrets.delete(old);
      this.fromSecrets.set(key, api);
    }
    return api;
  }

  api(): OdooApi {
    if (this.cached) return this.cached;
    const { url, db, user, password, timeoutMs, moduleTimeoutMs } = this.config.odoo;
    const missing = Object.entries({ ODOO_URL: url, ODOO_DB: db, ODOO_USER: user, ODOO_PASSWORD: password })
      .filter(([, value]) => !value)
      .map(([name]) => name);
    if (missing.length) throw new PermanentStepError(`Odoo is not configured: ${missing.join(', ')} not set`);
    const logger = rootLogger().child({ component: 'odoo-client' });
    const client = new OdooClient({ url: url!, db: db!, login: user!, password: password! }, { logger, timeouts: { defaultMs: timeoutMs, moduleOperationMs: moduleTimeoutMs } });
    this.cached = new OdooApi(client);
    return this.cached;
  }

  onModuleDestroy(): void {
    this.cached = null;
    this.fromSecrets.clear();
  }
}

/**
 * Odoo's answer, as a step outcome: a refusal (bad credentials, a UserError,
 * an access error) fails the step at once with Odoo's message; a server error,
 * a timeout or a dropped connection is retried by the queue.
 */
export function asStepError(error: unknown): Error {
  if (error instanceof PermanentStepError) return error;
  // Failures a retry can fix: the network, a timeout, an unexpected server error (fault 1).
  const transient = error instanceof OdooTimeoutError || error instanceof OdooTransportError || error instanceof OdooServerError;
  if (error instanceof OdooError) return transient ? error : new PermanentStepError(error.message);
  return error as Error;
}
