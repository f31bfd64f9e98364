import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig, redactUrl } from '@bf/config';
import { SsrfGuard } from '@bf/runtime';
import { odooCredentialsOf, OdooCredentials, SecretNotFoundError, TenantSecrets } from '@bf/tenancy';
import { excerpt, httpProbe } from './http-probe';
import { ProbeError } from './probe-errors';
import { needsOdoo } from '../step-modes';
import { PreflightCheck, PreflightResult, PreflightStep, PreflightSubject, usesAction } from './preflight-check';
import { decodeMethodResponse, encodeMethodCall, XmlRpcFault, XmlRpcValue } from './xml-rpc';

/**
 * A live run with ERP or integration steps needs the user's Odoo: it must be
 * configured, answer `version()` on `/xmlrpc/2/common`, and accept the
 * configured login (`authenticate` returns a uid; it returns false, not a
 * fault, for bad credentials). Both calls share one PREFLIGHT_TIMEOUT_MS.
 */
@Injectable()
export class OdooCheck implements PreflightCheck {
  readonly name = 'odoo';

  /** A tenant secret's Odoo URL is user input: probed through the SSRF guard (ODOO_URL, the operator's, is not). */
  private readonly ssrf: SsrfGuard;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly secrets?: TenantSecrets,
  ) {
    this.ssrf = new SsrfGuard(config.security.ssrf, { lookupTimeoutMs: config.preflight.timeoutMs });
  }

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun || !subject.steps.some((step) => needsOdoo(step.action))) return [];
    // Said rather than left out, so the report shows why no Odoo was needed.
    if (!usesAction(subject, needsOdoo)) return [this.result(true, 'not probed: every Odoo step runs as a dry run (dry_run_unavailable=true)')];
    // Steps naming a tenant secret (secret_ref) sign in with its login; the others with ODOO_*.
    const live = subject.steps.filter((step) => !step.dryRunReason && needsOdoo(step.action));
    const refs = [...new Set(live.map(secretRefOf).filter((ref): ref is string => ref !== null))];
    const results = live.some((step) => secretRefOf(step) === null) ? await this.probeConfigured() : [];
    for (const ref of refs) results.push(...(await this.probeSecret(subject.tenantId, ref)));
    return results;
  }

  /** The Odoo login in a tenant secret; a missing secret is the secret_ref check's to report. */
  private async probeSecret(tenantId: string | undefined, ref: string): Promise<PreflightResult[]> {
    if (!tenantId || !this.secrets) return [];
    let credentials: OdooCredentials;
    try {
      credentials = odooCredentialsOf(ref, await this.secrets.reveal(tenantId, ref));
    } catch (error) {
      if (error instanceof SecretNotFoundError) return [];
      return [this.result(false, (error as Error).message)];
    }
    const [result] = await this.probe(credentials, `the login in secret '${ref}'`, this.ssrf);
    return [{ ...result, detail: `secret '${ref}': ${result.detail}` }];
  }

  private async probeConfigured(): Promise<PreflightResult[]> {
    const { url, db, user, password } = this.config.odoo;
    if (!url || !db || !user || !password) {
      const missing = Object.entries({ ODOO_URL: url, ODOO_DB: db, ODOO_USER: user, ODOO_PASSWORD: password })
        .filter(([, value]) => !value)
        .map(([name]) => name);
      return [this.result(false, `the plan has Odoo steps but Odoo is not configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`)];
    }
    return this.probe({ url, db, user, password }, `the login ODOO_USER=${user} with ODOO_PASSWORD on database ODOO_DB=${db}`);
  }

  private async probe({ url, db, user, password }: OdooCredentials, login: string, guard?: SsrfGuard): Promise<PreflightResult[]> {
    const where = redactUrl(url);
    const signal = AbortSignal.timeout(this.config.preflight.timeoutMs);
    const common = `${url.replace(/\/+$/, '')}/xmlrpc/2/common`;
    try {
      const version = await this.call(common, 'version', [], signal, guard);
      const serverVersion = typeof version === 'object' && version !== null && !Array.isArray(version) ? String(version.server_version ?? 'unknown version') : 'unknown version';
      const uid = await this.call(common, 'authenticate', [db, user, password, {}], signal, guard);
      if (typeof uid !== 'number' || uid <= 0) {
        return [this.result(false, `Odoo ${serverVersion} at ${where} refused ${login} (authenticate returned ${uid === false ? 'false' : 'no user id'})`)];
      }
      return [this.result(true, `Odoo ${serverVersion} answers at ${where}; ${user} signs in to database ${db} (uid ${uid})`)];
    } catch (error) {
      if (error instanceof XmlRpcFault) {
        // Odoo puts a Python traceback in faultString; its last line is the message.
        const message = error.faultString.trim().split('\n').pop()?.trim() ?? '';
        return [this.result(false, `Odoo at ${where} answered with fault ${error.faultCode}: ${message}`)];
      }
      return [this.result(false, (error as Error).message)];
    }
  }

  private async call(endpoint: string, method: string, params: XmlRpcValue[], signal: AbortSignal, guard?: SsrfGuard): Promise<XmlRpcValue> {
    const response = await httpProbe('Odoo', endpoint, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: encodeMethodCall(method, params), signal }, this.config.preflight.timeoutMs, guard);
    if (response.status !== 200) {
      throw new ProbeError(`Odoo XML-RPC ${method}() at ${redactUrl(endpoint)} answered HTTP ${response.status} (is ODOO_URL the Odoo server's address?): ${excerpt(response.body)}`);
    }
    try {
      return decodeMethodResponse(response.body);
    } catch (error) {
      if (error instanceof XmlRpcFault) throw error;
      throw new ProbeError(`Odoo XML-RPC ${method}() at ${redactUrl(endpoint)} gave no XML-RPC answer (${(error as Error).message}; is ODOO_URL the Odoo server's address?)`);
    }
  }

  private result(passed: boolean, detail: string): PreflightResult {
    return { check: this.name, passed, detail };
  }
}

/** The tenant secret an Odoo step signs in with, if it names one. */
function secretRefOf(step: PreflightStep): string | null {
  return typeof step.parameters.secret_ref === 'string' ? step.parameters.secret_ref : null;
}
