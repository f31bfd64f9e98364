import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';
import { PREFLIGHT_CHECKS, PreflightCheck, PreflightResult, PreflightSubject } from './preflight-check';

export interface PreflightReport {
  passed: boolean;
  checks: PreflightResult[];
}

/**
 * Runs every preflight check on a plan before a run is recorded, all at once,
 * and reports each result. Runs no check inside a transaction: the network
 * probes may take up to PREFLIGHT_TIMEOUT_MS, and no row lock should wait on them.
 */
@Injectable()
export class PreflightService {
  private readonly log = rootLogger().child({ component: PreflightService.name });
  private readonly secrets: string[];

  constructor(
    @Inject(PREFLIGHT_CHECKS) private readonly checks: PreflightCheck[],
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secrets = [config.dns.powerDns.apiKey, config.dns.hetzner.token, config.odoo.password].filter((secret): secret is string => !!secret);
  }

  async run(subject: PreflightSubject): Promise<PreflightReport> {
    const results = await Promise.all(this.checks.map((check) => this.runOne(check, subject)));
    const checks = results.flat().map((result) => ({ ...result, detail: this.redact(result.detail) }));
    const mode: PreflightResult = subject.dryRun
      ? { check: 'mode', passed: true, detail: 'dry run: no external system is changed' }
      : { check: 'mode', passed: true, detail: liveModeDetail(subject) };
    const report = { passed: checks.every((check) => check.passed), checks: [mode, ...checks] };
    if (!report.passed) this.log.info({ plan_id: subject.planId, failed: failedReasons(report) }, 'preflight failed');
    return report;
  }

  private async runOne(check: PreflightCheck, subject: PreflightSubject): Promise<PreflightResult[]> {
    try {
      return await check.run(subject);
    } catch (error) {
      // A check is expected to report its own failures; this is the net for a bug in one, so the others still count.
      return [{ check: check.name, passed: false, detail: `the ${check.name} check could not run: ${(error as Error).message}` }];
    }
  }

  /** Belt and braces: no detail carries a configured secret, whatever a remote system echoed back. */
  private redact(detail: string): string {
    return this.secrets.reduce((text, secret) => text.split(secret).join('***'), detail);
  }
}

function liveModeDetail(subject: PreflightSubject): string {
  const dry = subject.steps.filter((step) => step.dryRunReason);
  if (!dry.length) return 'live run: external systems are changed';
  return `live run: external systems are changed, except by ${dry.length} step(s) that run as dry runs (dry_run_unavailable=true): ${dry.map((step) => step.name).join(', ')}`;
}

/** The details of the failed checks, for the 422 message. */
export function failedReasons(report: PreflightReport): string[] {
  return report.checks.filter((check) => !check.passed).map((check) => check.detail);
}
