import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';

/**
 * The plugin forge (seed 002's metrics, under the application prefix). Counters
 * and histograms are written by forge-sign, which runs the steps; the gauges
 * (queued, running, approvals pending) are read from PostgreSQL by the gateway
 * on a timer, as bf_queue_jobs is. Labels are fixed sets: never a job or package id.
 */
export const forgeJobsTotal = new Counter({
  name: 'bf_forge_jobs_total',
  help: 'Forge jobs that ended, by status (success, failed, cancelled)',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

export const forgeJobDuration = new Histogram({
  name: 'bf_forge_jobs_duration_seconds',
  help: 'Time from a forge job starting its first step to its end, by status',
  labelNames: ['status'] as const,
  buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800],
  registers: [metricsRegistry],
});

export const forgeStepDuration = new Histogram({
  name: 'bf_forge_step_duration_seconds',
  help: 'Time one forge step took, by step (generate, build, test, sandbox, package, sign) and outcome (success, failed)',
  labelNames: ['step', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [metricsRegistry],
});

export const forgeSignatures = new Counter({
  name: 'bf_forge_signatures_total',
  help: 'Forge package signing attempts by outcome (success, failed): the signing SLO is 100% success',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const forgePackagesTotal = new Counter({
  name: 'bf_forge_packages_total',
  help: 'Plugin packages signed and ready for approval, by CMS (wordpress, woocommerce)',
  labelNames: ['cms'] as const,
  registers: [metricsRegistry],
});

export const forgeApprovalDuration = new Histogram({
  name: 'bf_forge_approval_duration_seconds',
  help: 'Time from an approval request to its last required approval',
  buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200],
  registers: [metricsRegistry],
});

export const forgeJobsQueued = new Gauge({ name: 'bf_forge_jobs_queued', help: 'Forge jobs waiting for their first step', registers: [metricsRegistry] });
export const forgeJobsRunning = new Gauge({ name: 'bf_forge_jobs_running', help: 'Forge jobs with a step under way', registers: [metricsRegistry] });
export const forgeApprovalsPending = new Gauge({ name: 'bf_forge_approvals_pending', help: 'Approval requests still short of their required approvals', registers: [metricsRegistry] });
