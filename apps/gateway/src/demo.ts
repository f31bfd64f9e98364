import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import { AppConfig, loadConfig, redactUrl } from '@bf/config';
import { createRedis } from '@bf/queue';
import { ProgressEvent } from '@bf/contracts';
import { queryDns } from '@bf/dns';
import { DEFAULT_TENANT_ID } from '@bf/persistence';
import { ApiKeys, apiKeysFor } from '@bf/tenancy';
import { RunningSystem, startAll } from './start-all';

/**
 * `npm run demo`: boots the gateway and all workers, plans the sample briefing
 * (seed 000's Complete Example) and executes it LIVE against the local targets:
 * the site on the gateway's built-in web host, the records on the embedded DNS
 * server. The ERP and integration steps run live when an Odoo is configured
 * (ODOO_*); otherwise they run as dry runs, because the demo asks for exactly
 * that (dry_run_unavailable=true), and the validation skips their checks. It then
 * fetches the site, asks the DNS server, and tells where the signed evidence pack is.
 */
process.env.LOG_LEVEL ??= 'warn';
const SAMPLE = join(process.cwd(), 'templates/briefings/acme-consulting.json');

/**
 * The demo's own API keys, issued at start and revoked at the end: an operator
 * that plans and executes, and a separate approver (a key may never approve a
 * plan it created). Requests pick theirs by route.
 */
const demoKeys = { operator: '', approver: '' };
const demoKeyIds: string[] = [];

function authorization(path: string): Record<string, string> {
  const key = /\/approve$/.test(path) ? demoKeys.approver : demoKeys.operator;
  return key ? { authorization: `Bearer ${key}` } : {};
}

async function issueDemoKeys(system: RunningSystem): Promise<ApiKeys> {
  const keys = apiKeysFor(system.runtime.dataSource, system.runtime.config);
  const expiresAt = new Date(Date.now() + 60 * 60_000);
  for (const role of ['operator', 'approver'] as const) {
    const issued = await keys.issue({ tenantId: DEFAULT_TENANT_ID, name: `npm run demo (${role})`, role, expiresAt });
    demoKeys[role] = issued.key;
    demoKeyIds.push(issued.api_key.id);
  }
  return keys;
}

async function main() {
  const config = loadConfig();
  const briefing = { ...JSON.parse(await readFile(SAMPLE, 'utf8')), dry_run: false };
  const domain: string = briefing.website_config.domain;
  say(`Business Factory demo: ${briefing.business_name} (${domain})`);
  say(`LIVE for the local targets: website on the built-in host (port ${config.http.port}), DNS on the ${describeDns(config)}.`);
  say(config.odoo.url
    ? `ERP steps LIVE against the Odoo at ${redactUrl(config.odoo.url)} (database ${config.odoo.db}).`
    : 'No Odoo is configured (ODOO_*): the ERP and integration steps run as dry runs, because the demo asks for that (dry_run_unavailable=true).');

  const system = await startAll(config).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new Error(`port ${config.http.port} (or DNS ${config.dns.serverPort}) is in use: stop what runs there or set PORT / DNS_SERVER_PORT`);
    throw error;
  });
  const keys = await issueDemoKeys(system);
  const started = Date.now();
  const elapsed = () => `+${((Date.now() - started) / 1000).toFixed(2)}s`;
  const subscriber = createRedis(config.redis.url, 'bf-demo');
  try {
    say(`\nGateway and 7 workers up at ${system.url} (queues in Redis, state in PostgreSQL)`);
    const plan = await call(system.url, 'POST', '/api/factory/plan', briefing);
    const names = new Map<string, string>(plan.steps.map((s: any) => [s.step_id, `${s.sequence}/${plan.steps_total} ${s.name}`]));
    const level = plan.risk_assessment.overall_risk_level;
    say(`\nPlan ${plan.plan_id} (${plan.status}, risk ${level}, ~${plan.risk_assessment.estimated_duration_minutes} min live), hash ${plan.plan_hash}`);
    for (const step of plan.steps) {
      const after = step.depends_on.map((id: string) => names.get(id)!.split(' ')[0]).join(', ');
      say(`  ${String(step.sequence).padStart(2)}. ${step.name.padEnd(44)} ${step.executor.padEnd(11)} ${after ? `after ${after}` : 'starts at once'}`);
    }
    if (level === 'high' || level === 'critical') await approve(system.url, plan);

    await subscriber.subscribe(`${config.redis.queuePrefix}:progress:${plan.plan_id}`);
    subscriber.on('message', (_channel, message) => {
      const event = JSON.parse(message) as ProgressEvent;
      const what = event.kind === 'run' ? `run ${event.status}` : `${names.get(event.stepId!)}: ${event.status}${event.mode === 'dry_run' ? ' (dry run)' : ''}`;
      say(`  ${elapsed().padStart(7)}  ${what}`);
    });

    say(`\nExecuting live (confirm=true&dry_run_unavailable=true)...`);
    const run = await executeWhenDomainFree(system.url, plan.plan_id);
    say(`  run ${run.run_id}, preflight passed, ${run.dry_run_steps.length} of ${run.steps_total} steps will run as dry runs; first steps dispatched: ${run.steps_dispatched.map((id: string) => names.get(id)).join('; ')}`);
    const done = await until(async () => {
      const state = await call(system.url, 'GET', `/api/factory/${plan.plan_id}`);
      return state.run?.run_id === run.run_id && state.run.status !== 'running' ? state : undefined;
    }, 120_000);

    say(`\nRun ${done.run.status} in ${elapsed()}: ${done.steps_completed}/${done.steps_total} steps completed`);
    for (const step of done.steps) say(`  ${step.status.padEnd(9)} ${(step.mode ?? '-').padEnd(7)}  ${step.name}: ${summary(step)}`);

    await showSite(config, domain, done.run.context.deployed_url);
    await showDns(config, domain);
    say(`\nDry-run steps (changed nothing) and why:`);
    for (const step of done.run.dry_run_steps) say(`  ${names.get(step.step_id)}: ${step.reason}`);

    await showEvidence(config, system.url, plan.plan_id, run.run_id);
    say(`\nRun 'npm run demo' again: the site and the records are already there, so the run completes with nothing to change.`);
    say(`Run 'npm run start:all' to keep the system running, then use the API (README).`);
    if (done.run.status !== 'completed') process.exitCode = 1;
  } finally {
    await subscriber.quit().catch(() => undefined);
    for (const id of demoKeyIds) await keys.revoke(DEFAULT_TENANT_ID, id, 'demo finished', null).catch(() => undefined);
    await system.stop();
  }
}

function describeDns(config: AppConfig): string {
  return config.dns.provider === 'embedded' ? `embedded DNS server (127.0.0.1:${config.dns.serverPort})` : `configured provider (${config.dns.provider})`;
}

/** A HIGH or CRITICAL plan needs a review before execute; the demo is the reviewer, and says so. */
async function approve(base: string, plan: any): Promise<void> {
  const critical = plan.risk_assessment.risks.filter((risk: any) => risk.severity === 'critical');
  await call(base, 'POST', `/api/v1/plans/${plan.plan_id}/approve`, {
    approved_by: 'npm run demo',
    note: 'demo run against local targets',
    acknowledgements: critical.map((risk: any) => ({ risk_id: risk.risk_id, reason: 'demo against local targets only' })),
  });
  say(`  approved by 'npm run demo' (a ${plan.risk_assessment.overall_risk_level}-risk plan needs a review before it runs)`);
}

/**
 * A demo interrupted half-way leaves its run in the queues; it resumes when the
 * workers are back, and holds the domain until it ends. Waiting for it beats refusing.
 */
async function executeWhenDomainFree(base: string, planId: string): Promise<any> {
  const path = `/api/factory/execute?plan_id=${planId}&confirm=true&dry_run_unavailable=true`;
  const deadline = Date.now() + 120_000;
  for (let told = false; ; told = true) {
    const response = await send(base, 'POST', path);
    if (response.status !== 409 || !response.body.details?.active_plan_id || Date.now() > deadline) return answer('POST', path, response);
    if (!told) say(`  ${response.body.message}; waiting for it to finish...`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function showSite(config: AppConfig, domain: string, deployedUrl: string | undefined): Promise<void> {
  const port = config.http.port;
  say(`\nSite URL:   ${deployedUrl ?? '-'}  (served by the gateway's built-in host; choose the site by Host header)`);
  say(`  curl -H 'Host: ${domain}' http://127.0.0.1:${port}/`);
  const page = await getWithHost(port, domain).catch((error: Error) => ({ status: 0, body: error.message }));
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(page.body)?.[1]?.trim();
  say(`  GET -> ${page.status === 0 ? `failed: ${page.body}` : `HTTP ${page.status}, ${page.body.length} bytes, title "${decodeEntities(title ?? '-')}"`}`);
}

async function showDns(config: AppConfig, domain: string): Promise<void> {
  if (config.dns.provider !== 'embedded') {
    say(`\nDNS answer: records were written to ${config.dns.provider}; see the dns step's verification above`);
    return;
  }
  const port = config.dns.serverPort;
  say(`\nDNS answer (embedded server 127.0.0.1:${port}):`);
  for (const [name, type] of [[domain, 'A'], [`www.${domain}`, 'CNAME']]) {
    const result = await queryDns({ host: '127.0.0.1', port, name, type, timeoutMs: 2000 }).catch((error: Error) => error);
    if (result instanceof Error) {
      say(`  ${name} ${type}: ${result.message}`);
      continue;
    }
    const values = result.answers.filter((record) => record.type === type).map((record) => `${record.value} (ttl ${record.ttl})`);
    say(`  ${`${name} ${type}`.padEnd(28)} ${result.rcode}${result.authoritative ? ', authoritative' : ''}: ${values.join(', ') || 'no records'}`);
  }
  say(`  dig @127.0.0.1 -p ${port} ${domain} A`);
}

async function showEvidence(config: AppConfig, base: string, planId: string, runId: string): Promise<void> {
  const pack = await until(async () => {
    const response = await fetch(`${base}/api/factory/${planId}/evidence`, { headers: authorization('/evidence') });
    if (response.ok && response.headers.get('x-evidence-run-id') === runId && response.headers.get('x-evidence-signed') === 'true') return response;
    await response.body?.cancel();
    return undefined;
  });
  const copy = join(config.storage.dataDir, 'demo', `evidence_pack_${planId}.zip`);
  await mkdir(join(config.storage.dataDir, 'demo'), { recursive: true });
  await writeFile(copy, Buffer.from(await pack.arrayBuffer()));
  const stored = relative(process.cwd(), join(config.storage.evidenceDir, planId, `evidence_pack_${runId}.zip`));
  say(`\nEvidence pack: ${stored}  (run.json lists the dry-run steps and why)`);
  say(`  sha256 ${pack.headers.get('x-evidence-sha256')}, signed (Ed25519, DSSE/in-toto) by key ${pack.headers.get('x-evidence-key-id')}, downloaded copy: ${relative(process.cwd(), copy)}`);
  say(`  verify with standard tools only: VERIFY.md inside the pack; in short:`);
  say(`    rm -rf /tmp/pack && mkdir /tmp/pack && cp ${stored} /tmp/pack/evidence_pack.zip && cd /tmp/pack && unzip -q evidence_pack.zip -d evidence_pack && cd evidence_pack`);
  say(`    sha256sum --strict -c verification_checksums.txt`);
  say(`    openssl pkeyutl -verify -pubin -inkey attestation/signing-key.pub.pem -rawin -in attestation/pae.bin -sigfile attestation/signature.bin`);
  say(`  (VERIFY.md adds the two checks that tie the checksum list and pae.bin to the signed statement)`);
}

/** One line per step: its error, what a dry run would do, or what a live step did. */
function summary(step: any): string {
  if (step.error) return step.error.message;
  const result = step.result ?? {};
  if (step.mode === 'dry_run') return `would ${String(result.would ?? 'change nothing').replace(/^would /, '')}`;
  if (result.deployed_url) return `${result.status ?? 'deployed'} at ${result.deployed_url} (target ${result.target})`;
  if (Array.isArray(result.changes)) {
    const changed = result.changes.filter((change: any) => change.action !== 'unchanged').length;
    return `zone ${result.zone}: ${changed} record set(s) changed, ${result.changes.length - changed} unchanged${result.verification?.all_match ? ', served authoritatively' : ''}`;
  }
  if (Array.isArray(result.files)) return `${result.files.length} file(s) rendered`;
  if (Array.isArray(result.checks)) {
    return result.checks.map((check: any) => `${check.check} ${check.passed === true ? 'passed' : check.passed === null ? 'skipped' : 'FAILED'}`).join(', ');
  }
  return '';
}

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'");
}

/** A GET with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function send(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { method, headers: { ...authorization(path), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: await response.json() };
}

function answer(method: string, path: string, response: { status: number; body: any }): any {
  if (response.status >= 400) throw new Error(`${method} ${path} answered ${response.status}: ${response.body.message}`);
  return response.body;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  return answer(method, path, await send(base, method, path, body));
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs / 1000}s; see the log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exit(1);
  },
);
