import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { AppConfig } from '@bf/config';
import { createDnsProviderWith, DnsProvider, DnsProviderConfigError } from '@bf/dns';
import { SsrfGuard, SsrfRefusedError } from '@bf/runtime';
import { PermanentStepError, StepContext } from '@bf/step-sdk';
import { dnsCredentialsOf, SecretNotFoundError, SecretShapeError, SecretsKeyringError, SecretUnreadableError, TenantSecrets } from '@bf/tenancy';
import { DataSource } from 'typeorm';

/** The provider one step attempt works through, and the credentials its messages must never show. */
export interface StepDnsProvider {
  provider: DnsProvider;
  secrets: string[];
}

/**
 * Resolves a dns.configure step's `secret_ref` (the tenant secret with the
 * provider's token) when the step runs: the job carries only the name. Steps
 * without one use the configured provider. Providers built from secrets are
 * kept per tenant, name and credentials, so a replaced secret gets a new one.
 */
export class StepDnsProviders {
  private readonly current = new AsyncLocalStorage<StepDnsProvider>();
  private readonly fromSecrets = new Map<string, DnsProvider>();
  private readonly secrets: TenantSecrets;
  private readonly ssrf: SsrfGuard;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {
    this.secrets = new TenantSecrets(dataSource, config);
    this.ssrf = new SsrfGuard(config.security.ssrf, { lookupTimeoutMs: config.preflight.timeoutMs });
  }

  /** Runs `work` with the step's provider as `active()`; the configured one when the step names no secret. */
  async within<T>(context: Pick<StepContext, 'tenantId' | 'parameters'>, configured: StepDnsProvider, work: () => Promise<T>): Promise<T> {
    const ref = context.parameters.secret_ref;
    const scoped = typeof ref === 'string' ? await this.fromSecret(context.tenantId, ref, configured) : configured;
    return this.current.run(scoped, work);
  }

  /** The provider of the step running in this async context, if any. */
  active(): StepDnsProvider | undefined {
    return this.current.getStore();
  }

  private async fromSecret(tenantId: string, name: string, configured: StepDnsProvider): Promise<StepDnsProvider> {
    try {
      const credentials = dnsCredentialsOf(name, await this.secrets.reveal(tenantId, name));
      // An API URL in a secret is tenant input, unlike the configured one: it must pass the SSRF guard,
      // here (a clear permanent failure) and on every request the provider then sends (no redirects, pinned address).
      if (credentials.apiUrl) await this.ssrf.check(credentials.apiUrl);
      const key = `${tenantId}/${name}/${createHash('sha256').update(JSON.stringify(credentials)).digest('hex')}`;
      let provider = this.fromSecrets.get(key);
      if (!provider) {
        provider = createDnsProviderWith(this.config, this.dataSource, credentials, this.ssrf);
        for (const old of [...this.fromSecrets.keys()].filter((cached) => cached.startsWith(`${tenantId}/${name}/`))) this.fromSecrets.delete(old);
        this.fromSecrets.set(key, provider);
      }
      return { provider, secrets: [...configured.secrets, credentials.token] };
    } catch (error) {
      // Named, never valued: a retry cannot create a missing secret or fix its shape.
      const permanent = [SecretNotFoundError, SecretShapeError, SecretUnreadableError, SecretsKeyringError, DnsProviderConfigError, SsrfRefusedError].some((type) => error instanceof type);
      if (permanent) throw new PermanentStepError(`secret_ref '${name}': ${(error as Error).message}`);
      throw error;
    }
  }
}
