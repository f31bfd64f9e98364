import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, redactUrl } from '@bf/config';
import { excerpt, httpProbe } from './http-probe';
import { ProbeError } from './probe-errors';
import { needsOdoo } from '../step-modes';
import { PreflightCheck, PreflightResult, PreflightSubject, usesAction } from './preflight-check';
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

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(subject: PreflightSubject): Promise<PreflightResult[]> {
    if (subject.dryRun || !subject.steps.some((step) => needsOdoo(step.action))) return [];
    // Said rather than left out, so the report shows why no Odoo was needed.
    if (!usesAction(subject, needsOdoo)) return [this.result(true, 'not probed: every Odoo step runs as a dry run (dry_run_unavailable=true)')];
    const { url, db, user, password } = this.config.odoo;
    if (!url || !db || !user || !password) {
      const missing = Object.entries({ ODOO_URL: url, ODOO_DB: db, ODOO_USER: user, ODOO_PASSWORD: password })
        .filter(([, value]) => !value)
        .map(([name]) => name);
      return [this.result(false, `the plan has Odoo steps but Odoo is not configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`)];
    }
    const where = redactUrl(url);
    const signal = AbortSignal.timeout(this.config.preflight.timeoutMs);
    const common = `${url.replace(/\/+$/, '')}/xmlrpc/2/common`;
    try {
      const version = await this.call(common, 'version', [], signal);
      const serverVersion = typeof version === 'object' && version !== null && !Array.isArray(version) ? String(version.server_version ?? 'unknown version') : 'unknown version';
      const uid = await this.call(common, 'authenticate', [db, user, password, {}], signal);
      if (typeof uid !== 'number' || uid <= 0) {
        return [this.result(false, `Odoo ${serverVersion} at ${where} refused the login ODOO_USER=${user} with ODOO_PASSWORD on database ODOO_DB=${db} (authenticate returned ${uid === false ? 'false' : 'no user id'})`)];
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

  private async call(endpoint: string, method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    const response = await httpProbe('Odoo', endpoint, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: encodeMethodCall(method, params), signal }, this.config.preflight.timeoutMs);
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
