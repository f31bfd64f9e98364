import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { OdooApi, OdooClient, OdooError, OdooServerError, OdooTimeoutError, OdooTransportError } from '@bf/odoo';
import { rootLogger } from '@bf/observability';
import { PermanentStepError } from '@bf/step-sdk';


/**
 * The user's Odoo, as configured (ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD or
 * ODOO_PASSWORD_FILE). One client per worker process: it caches the server
 * version and the uid. Steps ask for `api()`; without a configuration they fail
 * permanently with the missing variables named (never their values).
 */
@Injectable()
export class OdooConnection implements OnModuleDestroy {
  private cached: OdooApi | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

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
