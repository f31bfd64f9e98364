import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig } from '@bf/config';
import { createRedis } from '@bf/queue';
import { ProgressEvent } from '@bf/contracts';
import { startAll } from './start-all';

/**
 * `npm run demo`: boots the gateway and all workers, plans the sample briefing
 * (seed 000's Complete Example), executes it, prints progress as the workers
 * report it, and tells where the signed evidence pack is.
 */
process.env.LOG_LEVEL ??= 'warn';
const SAMPLE = join(process.cwd(), 'templates/briefings/acme-consulting.json');

async function main() {
  const config = loadConfig();
  const briefing = { ...JSON.parse(await readFile(SAMPLE, 'utf8')), dry_run: true };
  say(`Business Factory demo: ${briefing.business_name}`);
  say('DRY RUN: this version executes every step as a dry run. Each step checks its inputs and reports what it would change; no website, DNS record or Odoo data is touched.');

  const system = await startAll(config).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new Error(`port ${config.http.port} is in use: stop what runs there or set PORT`);
    throw error;
  });
  const started = Date.now();
  const elapsed = () => `+${((Date.now() - started) / 1000).toFixed(2)}s`;
  const subscriber = createRedis(config.redis.url, 'bf-demo');
  try {
    say(`\nGateway and 7 workers up at ${system.url} (queues in Redis, state in PostgreSQL)`);
    const plan = await call(system.url, 'POST', '/api/factory/plan', briefing);
    const names = new Map<string, string>(plan.steps.map((s: any) => [s.step_id, `${s.sequence}/${plan.steps_total} ${s.name}`]));
    say(`\nPlan ${plan.plan_id} (${plan.status}, risk ${plan.risk_assessment.overall_risk_level}, ~${plan.risk_assessment.estimated_duration_minutes} min live), hash ${plan.plan_hash}`);
    for (const step of plan.steps) {
      const after = step.depends_on.map((id: string) => names.get(id)!.split(' ')[0]).join(', ');
      say(`  ${String(step.sequence).padStart(2)}. ${step.name.padEnd(44)} ${step.executor.padEnd(11)} ${after ? `after ${after}` : 'starts at once'}`);
    }

    await subscriber.subscribe(`${config.redis.queuePrefix}:progress:${plan.plan_id}`);
    subscriber.on('message', (_channel, message) => {
      const event = JSON.parse(message) as ProgressEvent;
      say(`  ${elapsed().padStart(7)}  ${event.kind === 'run' ? `run ${event.status}` : `${names.get(event.stepId!)}: ${event.status}`}`);
    });

    say(`\nExecuting (confirm=true)...`);
    const run = await call(system.url, 'POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);
    say(`  run ${run.run_id}, preflight passed, first steps dispatched: ${run.steps_dispatched.map((id: string) => names.get(id)).join('; ')}`);
    const done = await until(async () => {
      const state = await call(system.url, 'GET', `/api/factory/${plan.plan_id}`);
      return state.run?.status !== 'running' ? state : undefined;
    });

    say(`\nRun ${done.run.status} in ${elapsed()}: ${done.steps_completed}/${done.steps_total} steps completed`);
    for (const step of done.steps) say(`  ${step.status.padEnd(9)} ${step.mode ?? '-'}  ${step.name}: ${step.error?.message ?? step.result?.would ?? ''}`);
    say(`\nSite URL:   ${done.run.context.deployed_url ?? '-'}  (dry run: not deployed, so not reachable)`);
    say(`DNS answer: none yet (dry run); planned records: ${(done.run.context.dns_records ?? []).join(', ') || '-'}`);

    const pack = await until(async () => {
      const response = await fetch(`${system.url}/api/factory/${plan.plan_id}/evidence`);
      return response.ok && response.headers.get('x-evidence-signed') === 'true' ? response : undefined;
    });
    const copy = join(config.storage.dataDir, 'demo', `evidence_pack_${plan.plan_id}.zip`);
    await mkdir(join(config.storage.dataDir, 'demo'), { recursive: true });
    await writeFile(copy, Buffer.from(await pack.arrayBuffer()));
    const stored = join(config.storage.evidenceDir, plan.plan_id, `evidence_pack_${done.run.run_id}.zip`);
    say(`\nEvidence pack: ${relative(process.cwd(), stored)}`);
    say(`  sha256 ${pack.headers.get('x-evidence-sha256')}, signed (Ed25519), downloaded copy: ${relative(process.cwd(), copy)}`);
    say(`  verify: mkdir /tmp/pack && unzip -q ${relative(process.cwd(), stored)} -d /tmp/pack && (cd /tmp/pack && sha256sum -c verification_checksums.txt)`);
    say(`  verify signature: openssl pkeyutl -verify -pubin -inkey ${relative(process.cwd(), join(config.storage.keysDir, 'evidence-signing.pub.pem'))} -rawin -in ${relative(process.cwd(), stored)} -sigfile ${relative(process.cwd(), stored)}.sig`);
    say(`\nRun 'npm run start:all' to keep the system running, then use the API (README).`);
  } finally {
    await subscriber.quit().catch(() => undefined);
    await system.stop();
  }
}

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const json = (await response.json()) as any;
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${json.message}`);
  return json;
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the run did not finish within a minute; see the log');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exit(1);
  },
);
