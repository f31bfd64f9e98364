import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per process; start:all shares it between the gateway and the workers. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'bf_' });

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
