import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; start:all shares it between the gateway and the workers. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'bf_' });
// prom-client also exports `*_active_{handles,requests,resources}_total` gauges: the `_total` suffix is reserved for
// counters (promtool check metrics rejects them), and the same readings are there by type without it (sum them).
for (const kind of ['handles', 'requests', 'resources']) metricsRegistry.removeSingleMetric(`bf_nodejs_active_${kind}_total`);

export const jobsProcessed = new Counter({
  name: 'bf_jobs_processed_total',
  help: 'Jobs finished by a worker, by queue, job name and outcome',
  labelNames: ['queue', 'job', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'bf_job_duration_seconds',
  help: 'Time a worker spent on one job attempt',
  labelNames: ['queue', 'job'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

export const httpRequests = new Counter({
  name: 'bf_http_requests_total',
  help: 'HTTP requests answered by the gateway, by method, route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'bf_http_request_duration_seconds',
  help: 'Time the gateway took to answer, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
  registers: [metricsRegistry],
});

export const reconcilerRedispatched = new Counter({
  name: 'bf_reconciler_redispatched_total',
  help: 'Jobs the run reconciler put back on a queue because a committed dispatch left none, by queue',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
});

export const runsFinished = new Counter({
  name: 'bf_runs_finished_total',
  help: 'Runs that reached an end, by outcome (completed, failed, cancelled) and mode (live, dry_run)',
  labelNames: ['outcome', 'mode'] as const,
  registers: [metricsRegistry],
});

/** Work that takes from a millisecond (a dry run, a cached answer) to minutes (a module install): steps and external calls. */
const MILLISECONDS_TO_MINUTES_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export const stepDuration = new Histogram({
  name: 'bf_step_duration_seconds',
  help: 'Time one step attempt took in its executor, by executor, action, mode and outcome',
  labelNames: ['executor', 'action', 'mode', 'outcome'] as const,
  buckets: MILLISECONDS_TO_MINUTES_BUCKETS,
  registers: [metricsRegistry],
});

export const compensations = new Counter({
  name: 'bf_step_compensations_total',
  help: 'Step compensations during rollbacks, by outcome (rolled_back, rollback_failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const evidenceDuration = new Histogram({
  name: 'bf_evidence_duration_seconds',
  help: 'Evidence work by phase: build (lay out and request the signature), sign (forge-sign), finalize (write the signed pack)',
  labelNames: ['phase'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/**
 * Calls to the external systems (DNS providers, Odoo, the web host), one pair of
 * families for all of them so one dashboard query or alert covers each. Every
 * label is from a fixed set (see integration-calls.ts): never a zone, domain,
 * model, URL or plan id.
 */
export const integrationCallDuration = new Histogram({
  name: 'bf_integration_call_duration_seconds',
  help: 'Time one call to an external system took, by integration (dns, odoo, deploy), provider, operation and outcome (ok, error)',
  labelNames: ['integration', 'provider', 'operation', 'outcome'] as const,
  buckets: MILLISECONDS_TO_MINUTES_BUCKETS,
  registers: [metricsRegistry],
});

export const integrationCallErrors = new Counter({
  name: 'bf_integration_call_errors_total',
  help: 'Failed calls to an external system, by integration, provider, operation and error kind (timeout, network, http_4xx, http_5xx, fault, auth, config, mismatch, other)',
  labelNames: ['integration', 'provider', 'operation', 'kind'] as const,
  registers: [metricsRegistry],
});

/**
 * Jobs per queue and state, read from Redis when Prometheus scrapes: what the
 * autoscalers and the backlog alerts watch. Only the gateway registers the
 * reader (it knows every queue); other processes expose no values for it.
 */
export const queueJobs = new Gauge({
  name: 'bf_queue_jobs',
  help: 'Jobs in each queue by state (waiting, active, delayed, failed), read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});
