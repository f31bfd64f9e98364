import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { queryDns } from '@bf/dns';
import { dryRunCompensation, PermanentStepError, StepContext, StepExecutor, StepOutcome } from '@bf/step-sdk';
import { liveCompleted, RunStepMode, runStepModes } from '../../odoo/src/crm/run-steps';
import { OdooConnection } from '../../odoo/src/odoo-connection';
import { CheckResult, skipped, timed } from './validation/check-result';
import { authoritativeServer } from './validation/dns-server';
import { checkIntegrationRoundtrip, checkOdooLogin } from './validation/odoo-checks';
import { fetchStatus, webOrigin } from './validation/web-check';

/** The run-state key each validation check needs, i.e. what an earlier step must have produced. */
const CHECK_NEEDS: Record<string, (state: Readonly<Record<string, unknown>>) => boolean> = {
  website_http_200: (state) => typeof state.deployed_url === 'string',
  dns_answer: (state) => Array.isArray(state.dns_records),
  odoo_login: (state) => Array.isArray(state.odoo_modules),
  integration_roundtrip: (state) => Object.keys(state).some((key) => key.startsWith('integration_')),
};

/** Which step must have run live for a check to have something real to look at. */
const CHECK_STEP: Record<string, string> = {
  website_http_200: 'website.deploy',
  dns_answer: 'dns.configure',
  odoo_login: 'odoo.install_modules',
  integration_roundtrip: 'integration.configure',
};

const HTTP_TIMEOUT_MS = 5000;

/** Seed 000 step "Final Validation". */
@Injectable()
export class ValidateRunStep implements StepExecutor {
  readonly action = 'validation.run' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly odoo: OdooConnection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** In a dry run, checks that every earlier step left what its live check would need. */
  async dryRun(context: StepContext): Promise<StepOutcome> {
    const checks = context.parameters.checks as string[];
    const missing = checks.filter((check) => !(CHECK_NEEDS[check]?.(context.runState) ?? false));
    if (missing.length) throw new PermanentStepError(`earlier steps left nothing to validate for: ${missing.join(', ')}`);
    return {
      result: { mode: 'dry_run', would: `run ${checks.length} live check(s): ${checks.join(', ')}`, checks },
      outputs: { validation: 'planned' },
    };
  }

  async rollback(context: StepContext): Promise<StepOutcome> {
    if (context.dryRun) return dryRunCompensation(this.action, context, 'nothing: validation changes nothing');
    return { result: { mode: 'live', undone: 'nothing: validation changed nothing (its test lead was deleted when the check ran)' } };
  }

  async execute(context: StepContext): Promise<StepOutcome> {
    const checks = context.parameters.checks as string[];
    const steps = await runStepModes(this.dataSource, context.tenantId, context.runId);
    const results: CheckResult[] = [];
    // One after another: the checks are few, and their timings stay readable.
    for (const check of checks) results.push(await this.run(check, context, steps));
    const failed = results.filter((result) => result.passed === false);
    const summary = { passed: results.filter((r) => r.passed === true).length, failed: failed.length, skipped: results.filter((r) => r.passed === null).length };
    if (failed.length) throw new PermanentStepError(`validation failed: ${failed.map((r) => r.check).join(', ')}; results: ${JSON.stringify(results)}`);
    return {
      result: { mode: 'live', summary, checks: results },
      outputs: { validation: failed.length ? 'failed' : 'passed' },
      artifacts: [{ name: 'validation_results.json', content: `${JSON.stringify({ run_id: context.runId, summary, checks: results }, null, 2)}\n`, mediaType: 'application/json' }],
    };
  }

  private async run(check: string, context: StepContext, steps: RunStepMode[]): Promise<CheckResult> {
    const missing = this.missingPrerequisite(check, steps);
    if (missing) return skipped(check, missing);
    const domain = (context.parameters.domain as string | null) ?? (context.runState.deployed_domain as string | undefined) ?? null;
    switch (check) {
      case 'website_http_200':
        return this.websiteHttp200(domain);
      case 'dns_answer':
        return this.dnsAnswer(domain ?? (context.runState.dns_zone as string | undefined) ?? null);
      case 'odoo_login':
        return timed(check, async () => checkOdooLogin(await this.odoo.forStep(context, 'odoo_secret_ref'), (context.runState.odoo_modules as string[] | undefined) ?? []));
      case 'integration_roundtrip': {
        const site = liveCompleted(steps, 'website.deploy').length ? (context.runState.deployed_domain as string | undefined) : undefined;
        if (!site) return skipped(check, 'no live-deployed site in this run to route leads from');
        const secretRef = typeof context.parameters.odoo_secret_ref === 'string' ? context.parameters.odoo_secret_ref : null;
        return timed(check, async () => checkIntegrationRoundtrip(await this.odoo.forStep(context, 'odoo_secret_ref'), this.dataSource, this.config, context, site, secretRef));
      }
      default:
        return { check, passed: false, detail: `unknown check ${check}`, ms: 0 };
    }
  }

  /** Why a check has nothing real to look at in this run, or undefined when it has. */
  private missingPrerequisite(check: string, steps: RunStepMode[]): string | undefined {
    const action = CHECK_STEP[check];
    if (!action) return undefined;
    if (liveCompleted(steps, action).length) return undefined;
    const dry = steps.find((step) => step.action === action && step.dryRun);
    if (dry) return `${action} (${dry.stepId}) ran as a dry run${dry.dryRunReason ? `: ${dry.dryRunReason}` : ''}`;
    return `no completed ${action} step in this run`;
  }

  private websiteHttp200(domain: string | null): Promise<CheckResult> | CheckResult {
    if (!domain) return skipped('website_http_200', 'no site domain in the step parameters or run state');
    const origin = webOrigin(this.config);
    if ('unknown' in origin) return skipped('website_http_200', origin.unknown);
    return timed('website_http_200', async () => {
      const { status, bytes } = await fetchStatus(origin, domain, HTTP_TIMEOUT_MS);
      return { passed: status === 200, detail: { url: `http://${domain}/`, via: `http://${origin.host}:${origin.port}/`, status, bytes } };
    });
  }

  private dnsAnswer(domain: string | null): Promise<CheckResult> | CheckResult {
    if (!domain) return skipped('dns_answer', 'no domain in the step parameters or run state');
    const server = authoritativeServer(this.config);
    if ('unknown' in server) return skipped('dns_answer', server.unknown);
    return timed('dns_answer', async () => {
      const answer = await queryDns({ host: server.host, port: server.port, name: domain, type: 'A', timeoutMs: this.config.dns.verify.timeoutMs });
      const addresses = answer.answers.filter((record) => record.type === 'A').map((record) => record.value);
      return {
        passed: answer.rcode === 'NOERROR' && addresses.length > 0,
        detail: { name: domain, type: 'A', server: `${server.host}:${server.port}`, rcode: answer.rcode, authoritative: answer.authoritative, addresses },
      };
    });
  }
}
