import { IntegrationErrorKind, httpStatusKind, MeasureOptions, measureIntegrationCall } from '@bf/observability';
import { PermanentStepError } from '@bf/step-sdk';
import type { ScreenshotResult } from './site-screenshotter';
import type { SiteHealthCheckResult } from './site-health-check';

export type DeployTarget = 'builtin' | 'nginx';

/** What a deploy asks of the web host, as the `operation` label (a closed set). */
export type DeployOperation = 'release_switch' | 'release_revert' | 'nginx_test' | 'nginx_reload' | 'health_check' | 'screenshot';

/**
 * Times one web host operation in bf_integration_call_* {integration="deploy",
 * provider=<target>, operation}. The domain and paths stay out of the labels.
 */
export function measureDeploy<T>(target: DeployTarget, operation: DeployOperation, work: () => Promise<T>, options: Partial<MeasureOptions<T>> = {}): Promise<T> {
  return measureIntegrationCall({ integration: 'deploy', provider: target, operation }, work, { classify: deployErrorKind, ...options });
}

/** A thrown deploy failure: a missing binary or setting is configuration, a timed out command a timeout, the rest other. */
export function deployErrorKind(error: unknown): IntegrationErrorKind {
  if (error instanceof PermanentStepError && /not set|not found/.test(error.message)) return 'config';
  const failure = error as { killed?: unknown; code?: unknown } | null;
  if (failure?.killed === true || failure?.code === 'ETIMEDOUT') return 'timeout';
  return 'other';
}

/** A health check answers its failures: nothing served, an HTTP error, or other content than generated. */
export function healthCheckKind(result: SiteHealthCheckResult): IntegrationErrorKind | null {
  if (result.matches) return null;
  if (result.status === null) return /no answer within/.test(result.error ?? '') ? 'timeout' : 'network';
  if (result.status !== 200) return httpStatusKind(result.status);
  return 'mismatch';
}

/** A screenshot that was not taken: no browser is configuration, a page that never loaded a timeout. */
export function screenshotKind(result: ScreenshotResult): IntegrationErrorKind | null {
  if (result.taken) return null;
  if (/^no Chromium/.test(result.reason)) return 'config';
  return /timeout|timed out/i.test(result.reason) ? 'timeout' : 'other';
}
