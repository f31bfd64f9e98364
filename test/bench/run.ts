import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@bf/config';
import { BriefingSchema, BusinessIntentInputSchema, newId, planHash } from '@bf/contracts';
import { IntentResolver } from '../../apps/intent/src/intent-resolver';
import { PlanBuilder } from '../../apps/planner/src/plan-builder';
import { startAll } from '../../apps/gateway/src/start-all';
import { DEFAULT_TENANT_ID } from '@bf/persistence';
import { apiKeysFor } from '@bf/tenancy';
import { TemplateRegistry, websiteVariables } from '@bf/templates';
import { FactoryClient } from './factory-client';
import { RawBullMqChain } from './raw-chain';
import { emit, percentile, round2, round3, runConcurrently } from './stats';
import { benchEmbeddedDns } from './dns-embedded';
import { benchPowerDnsUpsertVerify } from './dns-powerdns';
import { parseTrustedKeys, verifyEvidencePack } from '@bf/evidence-verify';
import { benchErpBranch } from './odoo-erp';
import { benchGenerateDeploy } from './site-deploy';

/**
 * `npm run bench`: one JSON object per line. Boots start:all against the
 * configured Redis and PostgreSQL (its own queue prefix), then measures the seed
 * Acme briefing over HTTP like a client would: planning latency; dry-run
 * pipeline latency (execute until the run's end arrives on the SSE stream) one
 * at a time; sustained pipelines per second with many in flight; the same
 * number of steps as a bare BullMQ chain, and the ratio; memory after all that.
 * BENCH_ITERATIONS, BENCH_PIPELINES and BENCH_IN_FLIGHT size the runs.
 */
process.env.LOG_LEVEL ??= 'warn';
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const THROUGHPUT_PIPELINES = Number(process.env.BENCH_PIPELINES ?? 200);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const WARMUP = 3;
/** BENCH_ONLY=pipeline: only the HTTP pipeline benches and the raw chain (for iterating on the engine). */
const ONLY_PIPELINE = process.env.BENCH_ONLY === 'pipeline';
/** BENCH_COUNT_SQL=1: count PostgreSQL round trips (every pg Client query) per pipeline. */
const sqlCounter = process.env.BENCH_COUNT_SQL === '1' ? countSqlRoundTrips() : undefined;

/** Wraps pg's Client.prototype.query in a counter; by statement's first words, for finding the costly ones. */
function countSqlRoundTrips() {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Client } = require('pg');
  const original = Client.prototype.query;
  const counter = { total: 0, byKind: new Map<string, number>() };
  Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    counter.total++;
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
    const kind = text.replace(/\s+/g, ' ').slice(0, 70);
    counter.byKind.set(kind, (counter.byKind.get(kind) ?? 0) + 1);
    return original.apply(this, args);
  };
  return {
    reset() {
      counter.total = 0;
      counter.byKind.clear();
    },
    perPipeline(pipelines: number) {
      const top = [...counter.byKind.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([kind, n]) => [round2(n / pipelines), kind]);
      return { sql_round_trips_per_pipeline: round2(counter.total / pipelines), top };
    },
  };
}

/** In-process timings of pure functions: many samples, percentiles in microseconds. */
function timeInProcess(name: string, iterations: number, fn: () => unknown, extra: object = {}) {
  for (let i = 0; i < Math.min(200, iterations); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  emit({ bench: name, iterations, p50_ms: round3(percentile(samples, 50)), p99_ms: round3(percentile(samples, 99)), ...extra });
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

/** Rendering each website template with the Acme briefing (all files, from the compile cache after warm-up). */
async function templateRenderBenches(briefingJson: object, templatesDir: string) {
  const registry = new TemplateRegistry(templatesDir);
  const variables = websiteVariables(BriefingSchema.parse(briefingJson));
  for (const manifest of await registry.loadAll()) {
    for (let i = 0; i < 20; i++) await registry.render(manifest, variables);
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const started = performance.now();
      await registry.render(manifest, variables);
      samples.push(performance.now() - started);
    }
    emit({ bench: `template_render_${manifest.template_id}`, iterations: 500, p50_ms: round3(percentile(samples, 50)), p99_ms: round3(percentile(samples, 99)) });
  }
}

/** Executors on their own, against real components: website generate + deploy, DNS apply + verify, DNS answers. */
async function componentBenches(databaseUrl: string) {
  emit({ bench: 'website_generate_deploy_acme', ...(await benchGenerateDeploy(ITERATIONS)), target_p50_ms: 150 });
  emit({ bench: 'dns_powerdns_upsert_verify', ...(await benchPowerDnsUpsertVerify(ITERATIONS)), target_p50_ms: 50 });
  const erp = await benchErpBranch(ITERATIONS);
  emit({ bench: 'odoo_erp_branch', iterations: erp.iterations, p50_ms: erp.p50_ms, p99_ms: erp.p99_ms, step_p50_ms: erp.step_p50_ms, skipped: erp.skipped, failed: erp.failed, target_p50_ms: 200 });
  const dns = await benchEmbeddedDns(databaseUrl);
  emit({ bench: 'dns_embedded_udp_queries', queries: dns.queries, queries_per_s: round2(dns.queries_per_second), p50_ms: dns.p50_ms, p99_ms: dns.p99_ms, timeouts: dns.timeouts });
}

/**
 * The evidence pack of a finished dry run, as a client sees it: from the run's
 * end on the SSE stream until the signed pack downloads (build, the sign round
 * trip through forge-sign, finalize). Then verifying that pack in-process.
 */
async function evidenceBenches(url: string, client: FactoryClient, nextBriefing: () => object, headers: Record<string, string>) {
  const readyMs: number[] = [];
  let pack: Buffer | undefined;
  for (let i = 0; i < Math.min(ITERATIONS, 20); i++) {
    const planId = await client.plan(nextBriefing());
    await client.runToEnd(planId);
    const ended = performance.now();
    for (;;) {
      const response = await fetch(`${url}/api/factory/${planId}/evidence`, { headers });
      if (response.status === 200) {
        pack = Buffer.from(await response.arrayBuffer());
        break;
      }
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    readyMs.push(performance.now() - ended);
  }
  emit({ bench: 'evidence_pack_ready_after_run', iterations: readyMs.length, p50_ms: round2(percentile(readyMs, 50)), p99_ms: round2(percentile(readyMs, 99)), bytes: pack!.length, target_p50_ms: 250 });
  const trustedKeys = parseTrustedKeys(await (await fetch(`${url}/api/v1/keys`, { headers })).text());
  const verifyMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const began = performance.now();
    const verdict = await verifyEvidencePack(pack!, { trustedKeys });
    verifyMs.push(performance.now() - began);
    if (!verdict.valid) throw new Error(`the bench's own evidence pack does not verify: ${JSON.stringify(verdict.checks.filter((check) => !check.passed))}`);
  }
  emit({ bench: 'evidence_pack_verify', iterations: verifyMs.length, p50_ms: round2(percentile(verifyMs, 50)), p99_ms: round2(percentile(verifyMs, 99)) });
}

async function main() {
  // The rate limiter stays on (its checks are part of every request's cost) with budgets no bench run reaches:
  // a few hundred pipelines make more requests a minute than a client's default budget allows.
  const config = loadConfig({ RATE_LIMIT_PER_KEY: '1000000000', RATE_LIMIT_PER_ADDRESS: '1000000000', ...process.env, PORT: '0', QUEUE_PREFIX: `bfbench_${process.pid}` });
  const acme = readFileSync(join(process.cwd(), 'templates/briefings/acme-consulting.json'), 'utf8');
  const briefing = { ...JSON.parse(acme), dry_run: true };
  if (!ONLY_PIPELINE) {
    inProcessBenches(briefing);
    await templateRenderBenches(briefing, config.storage.templatesDir);
  }
  // One active run per domain: pipelines in flight together each get a domain of their own.
  let domains = 0;
  // Per process too: a bench that was killed mid-run leaves its runs active in the database it shares with the next one.
  const nextBriefing = () => ({ ...JSON.parse(acme.replaceAll('acme.example', `acme-${process.pid}-${++domains}.example`)), dry_run: true });
  const system = await startAll(config);
  if (!ONLY_PIPELINE) await componentBenches(config.database.url);
  // The benchmark acts as an operator key of its own, like any API client (expires after a day).
  const issued = await apiKeysFor(system.runtime.dataSource, config).issue({ tenantId: DEFAULT_TENANT_ID, name: 'npm run bench', role: 'operator', expiresAt: new Date(Date.now() + 86_400_000) });
  const headers = { authorization: `Bearer ${issued.key}` };
  const client = new FactoryClient(system.url, headers);
  try {
    // Warm-up: connection pools, JIT, template cache.
    for (let i = 0; i < WARMUP; i++) await client.runToEnd(await client.plan(nextBriefing()));

    const planMs: number[] = [];
    const planned: string[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const began = performance.now();
      planned.push(await client.plan(nextBriefing()));
      planMs.push(performance.now() - began);
    }
    emit({ bench: 'http_plan_acme', iterations: ITERATIONS, p50_ms: round2(percentile(planMs, 50)), p99_ms: round2(percentile(planMs, 99)) });

    // One pipeline at a time: latency from execute to the run's end event on the SSE stream.
    sqlCounter?.reset();
    client.executeMs.length = 0;
    const sequential = await runConcurrently(ITERATIONS, 1, () => client.runToEnd(planned.shift()!));
    const steps = 8;
    emit({
      bench: 'e2e_dry_run_pipeline_acme',
      steps,
      iterations: ITERATIONS,
      p50_ms: round2(percentile(sequential.values, 50)),
      p99_ms: round2(percentile(sequential.values, 99)),
      max_ms: round2(percentile(sequential.values, 100)),
      sequential_pipelines_per_s: round2(ITERATIONS / sequential.seconds),
      execute_response_p50_ms: round2(percentile(client.executeMs, 50)),
      target_p50_ms: 25,
    });
    if (sqlCounter) emit({ bench: 'sql_round_trips_sequential', ...sqlCounter.perPipeline(ITERATIONS) });

    // Sustained: many pipelines in flight (each planned beforehand, not timed).
    const toRun: string[] = [];
    for (let i = 0; i < THROUGHPUT_PIPELINES; i++) toRun.push(await client.plan(nextBriefing()));
    const cpuBefore = process.cpuUsage();
    const sustained = await runConcurrently(THROUGHPUT_PIPELINES, IN_FLIGHT, () => client.runToEnd(toRun.shift()!));
    const cpu = process.cpuUsage(cpuBefore);
    const pipelinesPerSecond = THROUGHPUT_PIPELINES / sustained.seconds;
    emit({
      bench: 'e2e_dry_run_pipelines_sustained',
      steps,
      pipelines: THROUGHPUT_PIPELINES,
      in_flight: IN_FLIGHT,
      pipelines_per_s: round2(pipelinesPerSecond),
      p50_ms: round2(percentile(sustained.values, 50)),
      p99_ms: round2(percentile(sustained.values, 99)),
      // This process's CPU (gateway, workers and the client: one process) per pipeline; steadier than rates on a shared machine.
      process_cpu_ms_per_pipeline: round2((cpu.user + cpu.system) / 1000 / THROUGHPUT_PIPELINES),
      target_pipelines_per_s: 100,
    });

    // The same number of steps as a bare BullMQ chain over the same Redis.
    const raw = new RawBullMqChain(config.redis.url, `${config.redis.queuePrefix}_raw`, steps, config.workers.concurrency);
    try {
      await raw.ready();
      for (let i = 0; i < WARMUP; i++) await raw.run();
      const rawSequential = await runConcurrently(ITERATIONS, 1, () => raw.run());
      const rawCpuBefore = process.cpuUsage();
      const rawSustained = await runConcurrently(THROUGHPUT_PIPELINES, IN_FLIGHT, () => raw.run());
      const rawCpu = process.cpuUsage(rawCpuBefore);
      const rawPerSecond = THROUGHPUT_PIPELINES / rawSustained.seconds;
      emit({
        bench: 'raw_bullmq_chain',
        steps,
        p50_ms: round2(percentile(rawSequential.values, 50)),
        p99_ms: round2(percentile(rawSequential.values, 99)),
        chains_per_s: round2(rawPerSecond),
        process_cpu_ms_per_chain: round2((rawCpu.user + rawCpu.system) / 1000 / THROUGHPUT_PIPELINES),
        in_flight: IN_FLIGHT,
      });
      emit({ bench: 'pipeline_vs_raw_chain', throughput_ratio: round2(rawPerSecond / pipelinesPerSecond), target_max_ratio: 4 });
    } finally {
      await raw.close();
    }

    if (!ONLY_PIPELINE) await evidenceBenches(system.url, client, nextBriefing, headers);

    const memory = process.memoryUsage();
    emit({ bench: 'start_all_memory_after_flow', rss_mb: round2(memory.rss / 2 ** 20), heap_used_mb: round2(memory.heapUsed / 2 ** 20) });
  } finally {
    await system.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`bench failed: ${error.message}`);
    process.exit(1);
  },
);
