import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@bf/config';
import { BriefingSchema, BusinessIntentInputSchema, newId, planHash } from '@bf/contracts';
import { IntentResolver } from '../../apps/intent/src/intent-resolver';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { startAll } from '../../apps/gateway/src/start-all';

/**
 * `npm run bench`: one JSON object per line. Boots start:all against the
 * configured Redis and PostgreSQL (its own queue prefix), then measures the seed
 * Acme briefing end to end over HTTP: plan, execute (dry run), wait for the run
 * to complete. Reports latency percentiles, sequential throughput and the
 * process's memory after the flow.
 */
process.env.LOG_LEVEL ??= 'warn';
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const WARMUP = 3;

/** In-process timings of pure functions: many samples, percentiles in microseconds. */
function timeInProcess(name: string, iterations: number, fn: () => unknown, extra: object = {}) {
  for (let i = 0; i < Math.min(200, iterations); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  emit({ bench: name, iterations, p50_ms: pct3(samples, 50), p99_ms: pct3(samples, 99), ...extra });
}

function inProcessBenches(briefingJson: object) {
  const briefing = BriefingSchema.parse(briefingJson);
  const builder = new PlanBuilder();
  timeInProcess('plan_acme_in_process', 5000, () => planHash(builder.build(briefing, () => newId('step'))), { target_p99_ms: 2 });
  const words = 'Ich möchte eine IT-Beratung in Berlin gründen mit Projektabrechnung für Mittelständler und einem Onlineshop für Schulungen'.split(' ');
  const vision = Array.from({ length: 500 }, (_, i) => words[i % words.length]).join(' ');
  const input = BusinessIntentInputSchema.parse({ vision, region: 'DE' });
  const resolver = new IntentResolver();
  timeInProcess('intent_resolve_500_words', 2000, () => resolver.resolve(input), { words: 500, target_p99_ms: 5 });
}

async function main() {
  const config = loadConfig({ ...process.env, PORT: '0', QUEUE_PREFIX: `bfbench_${process.pid}` });
  const briefing = { ...JSON.parse(readFileSync(join(process.cwd(), 'templates/briefings/acme-consulting.json'), 'utf8')), dry_run: true };
  inProcessBenches(briefing);
  const system = await startAll(config);
  const post = async (path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return (await response.json()) as any;
  };
  const flow = async () => {
    const started = performance.now();
    const plan = await post('/api/factory/plan', briefing);
    const planned = performance.now();
    await post(`/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);
    for (;;) {
      const state = (await (await fetch(`${system.url}/api/factory/${plan.plan_id}`)).json()) as any;
      if (state.run?.status === 'completed') break;
      if (state.run?.status === 'failed') throw new Error(`run failed: ${state.run.error?.message}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { planMs: planned - started, totalMs: performance.now() - started };
  };
  try {
    for (let i = 0; i < WARMUP; i++) await flow();
    const samples = [];
    const began = performance.now();
    for (let i = 0; i < ITERATIONS; i++) samples.push(await flow());
    const seconds = (performance.now() - began) / 1000;
    const totals = samples.map((s) => s.totalMs);
    const plans = samples.map((s) => s.planMs);
    emit({ bench: 'e2e_dry_run_pipeline_acme', steps: 8, iterations: ITERATIONS, p50_ms: round(pct(totals, 50)), p99_ms: round(pct(totals, 99)), max_ms: round(pct(totals, 100)), sequential_pipelines_per_s: round(ITERATIONS / seconds) });
    emit({ bench: 'http_plan_acme', iterations: ITERATIONS, p50_ms: round(pct(plans, 50)), p99_ms: round(pct(plans, 99)) });
    const memory = process.memoryUsage();
    emit({ bench: 'start_all_memory_after_flow', rss_mb: round(memory.rss / 2 ** 20), heap_used_mb: round(memory.heapUsed / 2 ** 20) });
  } finally {
    await system.stop();
  }
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (value: number) => Math.round(value * 100) / 100;
const pct3 = (values: number[], p: number) => Math.round(pct(values, p) * 1000) / 1000;
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`bench failed: ${error.message}`);
    process.exit(1);
  },
);
