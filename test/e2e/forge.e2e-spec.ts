import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TENANT_ID } from '@bf/persistence';
import { apiKeysFor } from '@bf/tenancy';
import { pae } from '@bf/contracts';
import { ForgeStep } from '@bf/forge';
import { ForgeSignModule } from '../../apps/forge-sign/src/forge-sign.module';
import { ForgeStepGate } from '../../apps/forge-sign/src/forge/forge-step.gate';
import { RunningSystem, WORKERS } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { eventually, startTestSystem } from '../support/system';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const CONTACT = { plugin_name: 'Acme Contact', slug: 'acme-contact', version: '1.2.0', gateway_url: 'https://factory.example', site_domain: 'acme.example' };
const GATEWAY = { plugin_name: 'Acme Pay', slug: 'acme-pay', version: '0.1.0', gateway_id: 'acme_pay', method_title: 'Acme Pay' };

/**
 * Holds the next job that reaches an armed step until released: how this suite cancels a job mid-way.
 * `at`: before the step starts (`start`), or inside it, just before it commits its result (`commit`).
 */
class HoldingGate implements ForgeStepGate {
  private armed?: { step: ForgeStep; at: 'start' | 'commit'; reached: (jobId: string) => void; release: Promise<void> };
  private releaseFn?: () => void;

  arm(step: ForgeStep, at: 'start' | 'commit' = 'start'): Promise<string> {
    const release = new Promise<void>((resolve) => (this.releaseFn = resolve));
    return new Promise((reached) => (this.armed = { step, at, reached, release }));
  }

  release(): void {
    this.releaseFn?.();
  }

  beforeStep(step: ForgeStep, forgeJobId: string): Promise<void> {
    return this.hold('start', step, forgeJobId);
  }

  beforeCommit(step: ForgeStep, forgeJobId: string): Promise<void> {
    return this.hold('commit', step, forgeJobId);
  }

  private async hold(at: 'start' | 'commit', step: ForgeStep, forgeJobId: string): Promise<void> {
    const armed = this.armed;
    if (!armed || armed.step !== step || armed.at !== at) return;
    this.armed = undefined;
    armed.reached(forgeJobId);
    await armed.release;
  }
}

/**
 * The plugin forge end to end: the gateway's /api/v1/forge routes, every step
 * as a job on the forge-sign queue with the real php, PostgreSQL and Redis,
 * signatures checked with openssl the way a merchant would.
 */
describe('plugin forge (gateway + forge-sign, real php, openssl)', () => {
  let system: RunningSystem;
  const gate = new HoldingGate();
  const extraKeys: Record<string, string> = {};
  const work = mkdtempSync(join(tmpdir(), 'bf-forge-e2e-'));

  beforeAll(async () => {
    const workers = WORKERS.map(([queue, module]) => [queue, queue === 'forge-sign' ? { forRuntime: (runtime: never) => ForgeSignModule.forRuntime(runtime, { forgeStepGate: gate }) } : module] as (typeof WORKERS)[number]);
    system = await startTestSystem('forge', {}, workers);
    // Two more approver keys, so one can request an approval and the other approve it.
    const keys = apiKeysFor(system.runtime.dataSource, system.runtime.config);
    for (const name of ['approver-a', 'approver-b']) extraKeys[name] = (await keys.issue({ tenantId: DEFAULT_TENANT_ID, name: `forge ${name}`, role: 'approver' })).key;
  });
  afterAll(async () => {
    gate.release();
    await system?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  type Who = 'viewer' | 'operator' | 'approver' | 'admin' | 'approver-a' | 'approver-b';
  const headersOf = (who: Who) => (who in extraKeys ? { authorization: `Bearer ${extraKeys[who]}` } : authHeaders(system, who as never));
  const call = async (method: string, path: string, body?: unknown, who: Who = 'operator') => {
    const response = await fetch(`${system.url}/api/v1/forge${path}`, {
      method,
      headers: { ...headersOf(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, raw, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(raw.toString()) : undefined };
  };
  const finished = (jobId: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const { body } = await call('GET', `/jobs/${jobId}`, undefined, 'viewer');
      return ['success', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, timeoutMs);
  const createJob = async (template: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const created = await call('POST', '/jobs', { template, parameters, requested_by: 'olivia', ...extra });
    expect([200, 201]).toContain(created.status);
    return created.body;
  };

  it('lists the two plugin templates with their parameters', async () => {
    const { status, body } = await call('GET', '/templates', undefined, 'viewer');
    expect(status).toBe(200);
    expect(body.templates.map((t: any) => [t.template_id, t.cms])).toEqual([
      ['wc-payment-gateway', 'woocommerce'],
      ['wp-contact-form', 'wordpress'],
    ]);
  });

  it.each([
    ['wp-contact-form', CONTACT],
    ['wc-payment-gateway', GATEWAY],
  ])('%s: a job runs every step, is approved by two distinct approvers, published, downloaded, verified with openssl, revoked and then refused', async (template, parameters) => {
    const job = await createJob(template, parameters, { idempotency_key: `full-${template}` });
    expect(job.status).toBe('queued');
    const done = await finished(job.job_id);
    expect({ status: done.status, reason: done.failure_reason }).toEqual({ status: 'success', reason: null });
    expect(done.runs.map((run: any) => [run.step, run.status])).toEqual(['generate', 'build', 'test', 'sandbox', 'package', 'sign'].map((step) => [step, 'success']));
    for (const run of done.runs) expect(run.duration_ms).toBeGreaterThanOrEqual(0);
    expect(done.runs[1].artifacts.linted).toContain(`${parameters.slug}.php`);

    const logs = await call('GET', `/jobs/${job.job_id}/logs`, undefined, 'viewer');
    expect(logs.body.steps.find((s: any) => s.step === 'build').lines.join('\n')).toMatch(/php -l readme|php -l .*\.php: ok/);
    expect(logs.body.steps.find((s: any) => s.step === 'test').lines.join('\n')).toMatch(/PASS security\.no-hardcoded-secrets/);

    const packageId = done.plugin_package_id;
    const pkg = (await call('GET', `/packages/${packageId}`, undefined, 'viewer')).body;
    expect(pkg).toMatchObject({ status: 'signed', slug: parameters.slug, version: parameters.version, sandbox: { status: 'passed' } });
    expect(pkg.contract_tests.length).toBeGreaterThanOrEqual(10);
    expect(pkg.contract_tests.filter((t: any) => t.result !== 'pass')).toEqual([]);
    expect(pkg.generation).toMatchObject({ template, params_sha256: job.params_sha256 });
    expect(pkg.compatibilities.find((c: any) => c.cms === 'php')).toMatchObject({ tested: true, test_result: 'passed' });

    // Approvals: the requester of the approval never approves; an approver counts once; two distinct approvers approve.
    const request = await call('POST', '/approvals', { package_id: packageId, requested_by: 'alice' }, 'approver-a');
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ status: 'pending', required_approvals: 2, approvals: [] });
    expect((await call('POST', '/approvals', { package_id: packageId, requested_by: 'alice' }, 'approver-a')).body.approval_id).toBe(request.body.approval_id);
    expect((await call('POST', `/packages/${packageId}/publish`, { published_by: 'olivia' })).status).toBe(409);
    expect((await call('POST', `/approvals/${request.body.approval_id}/approve`, { approver: 'alice' }, 'approver-a')).status).toBe(403);
    const first = await call('POST', `/approvals/${request.body.approval_id}/approve`, { approver: 'bob' }, 'approver-b');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', approvals: [expect.anything()] });
    expect((await call('POST', `/approvals/${request.body.approval_id}/approve`, { approver: 'bob' }, 'approver-b')).status).toBe(409);
    const publishEarly = await call('POST', `/packages/${packageId}/publish`, { published_by: 'olivia' });
    expect({ status: publishEarly.status, message: publishEarly.body.message }).toEqual({ status: 409, message: expect.stringMatching(/needs 2 approvals by distinct approvers.*it has 1/) });
    const second = await call('POST', `/approvals/${request.body.approval_id}/approve`, { approver: 'carol' }, 'admin');
    expect(second.body).toMatchObject({ status: 'approved', approvals: [expect.anything(), expect.anything()] });

    const external = await call('POST', `/packages/${packageId}/publish`, { connector: 'wordpress_org', published_by: 'olivia' });
    expect({ status: external.status, message: external.body.message }).toEqual({ status: 422, message: expect.stringMatching(/wordpress_org is not configured/) });
    const published = await call('POST', `/packages/${packageId}/publish`, { published_by: 'olivia' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ connector: 'internal', slug: parameters.slug, version: parameters.version, status: 'published' });
    expect((await call('POST', `/packages/${packageId}/publish`, { published_by: 'olivia' })).status).toBe(409);

    // Download and verify like a merchant: sha256 of the ZIP, the statement's subject, the DSSE signature with openssl.
    const download = await call('GET', `/packages/${packageId}/download`, undefined, 'viewer');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(sha256(download.raw)).toBe(download.headers.get('x-forge-package-sha256'));
    const zipPath = join(work, `${parameters.slug}.zip`);
    writeFileSync(zipPath, download.raw);
    const listing = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(expect.arrayContaining([`${parameters.slug}/${parameters.slug}.php`, `${parameters.slug}/readme.txt`]));
    const signature = (await call('GET', `/packages/${packageId}/signature`, undefined, 'viewer')).body;
    expect(JSON.parse(Buffer.from(download.headers.get('x-forge-dsse')!, 'base64').toString())).toEqual(signature.envelope);
    const statementBytes = Buffer.from(signature.envelope.payload, 'base64');
    const statement = JSON.parse(statementBytes.toString());
    expect(statement).toMatchObject({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', subject: [{ name: `${parameters.slug}-${parameters.version}.zip`, digest: { sha256: sha256(download.raw) } }] });
    writeFileSync(join(work, 'key.pub.pem'), signature.public_key_pem);
    writeFileSync(join(work, 'pae.bin'), pae(signature.envelope.payloadType, statementBytes));
    writeFileSync(join(work, 'signature.bin'), Buffer.from(signature.envelope.signatures[0].sig, 'base64'));
    const verify = (sigFile: string) => execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'key.pub.pem', '-rawin', '-in', 'pae.bin', '-sigfile', sigFile], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
    expect(verify('signature.bin')).toMatch(/Signature Verified Successfully/);
    // The check can fail: a flipped bit in the signature is refused.
    const tampered = Buffer.from(signature.envelope.signatures[0].sig, 'base64');
    tampered[0] ^= 1;
    writeFileSync(join(work, 'tampered.bin'), tampered);
    expect(() => verify('tampered.bin')).toThrow();

    // Revocation: admin only, with a reason; irreversible; downloads answer 410 afterwards.
    expect((await call('POST', `/packages/${packageId}/revoke`, { reason: 'short' }, 'admin')).status).toBe(400);
    const revoked = await call('POST', `/packages/${packageId}/revoke`, { reason: 'key material leaked in a support ticket', revoked_by: 'root' }, 'admin');
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocation: { reason: 'key material leaked in a support ticket', revoked_at: expect.any(String), revoked_by: expect.any(String) } });
    expect((await call('POST', `/packages/${packageId}/revoke`, { reason: 'second thoughts about it' }, 'admin')).status).toBe(409);
    expect((await call('GET', `/packages/${packageId}/download`, undefined, 'viewer')).status).toBe(410);
    expect((await call('GET', `/packages/${packageId}/signature`, undefined, 'viewer')).status).toBe(410);
    await expect(system.runtime.dataSource.query(`UPDATE plugin_packages SET status = 'signed', revoked_at = NULL, revoked_by = NULL, revocation_reason = NULL WHERE id = $1`, [packageId])).rejects.toThrow(/revocation is irreversible/);
    await expect(system.runtime.dataSource.query(`DELETE FROM plugin_publications WHERE plugin_package_id = $1`, [packageId])).rejects.toThrow(/write-once/);
  });

  it('refuses bad requests by field path, before anything is queued', async () => {
    const bad = await call('POST', '/jobs', { template: 'wp-contact-form', parameters: { ...CONTACT, slug: 'Not A Slug', version: undefined, colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.path).sort()).toEqual(['parameters.colour', 'parameters.slug', 'parameters.version']);
    const unknown = await call('POST', '/jobs', { template: 'drupal-module', parameters: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ path: 'template', message: 'unknown plugin template drupal-module' }]);
    expect((await call('GET', '/jobs/fjob_000000000000', undefined, 'viewer')).status).toBe(404);
    expect((await call('GET', '/jobs?limit=0', undefined, 'viewer')).status).toBe(400);
  });

  it('fails at build with php -l message when a parameter makes the PHP invalid', async () => {
    const job = await createJob('wp-contact-form', { ...CONTACT, slug: 'bad-prefix', function_prefix: 'bad-prefix' });
    const done = await finished(job.job_id);
    expect(done).toMatchObject({ status: 'failed', failed_step: 'build' });
    expect(done.failure_reason).toMatch(/^build: php -l bad-prefix\.php failed: (PHP )?Parse error: +syntax error, unexpected token "-"/);
    expect(done.runs.map((run: any) => [run.step, run.status])).toEqual([
      ['generate', 'success'],
      ['build', 'failed'],
    ]);
    expect((await call('GET', `/packages/${done.plugin_package_id}`, undefined, 'viewer')).body.status).toBe('failed');
  });

  it('fails at test naming the contract rule a plugin breaks', async () => {
    const job = await createJob('wc-payment-gateway', { ...GATEWAY, slug: 'leaky-pay', default_api_key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' });
    const done = await finished(job.job_id);
    expect(done).toMatchObject({ status: 'failed', failed_step: 'test' });
    expect(done.failure_reason).toMatch(/^test: contract test\(s\) failed: security\.no-hardcoded-secrets \(.*setting "api_key" ships a default value/);
    const pkg = (await call('GET', `/packages/${done.plugin_package_id}`, undefined, 'viewer')).body;
    expect(pkg.contract_tests.filter((t: any) => t.result === 'fail').map((t: any) => `${t.suite}.${t.name}`)).toEqual(['security.no-hardcoded-secrets']);
    expect((await call('GET', `/packages/${done.plugin_package_id}/download`, undefined, 'viewer')).status).toBe(409);
    expect((await call('POST', '/approvals', { package_id: done.plugin_package_id }, 'approver-a')).status).toBe(409);
  });

  it('cancels a job mid-way (log streamed while it runs, no later step runs) and retries it as a new linked job', async () => {
    const held = gate.arm('sandbox');
    const job = await createJob('wp-contact-form', { ...CONTACT, slug: 'cancel-me' });
    expect(await held).toBe(job.job_id);

    // While running, the log is a Server-Sent Events stream.
    const abort = new AbortController();
    const stream = await fetch(`${system.url}/api/v1/forge/jobs/${job.job_id}/logs`, { headers: headersOf('viewer'), signal: abort.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = '';
    while (!/event: step\ndata: \{"step":"test","status":"success"/.test(text)) text += Buffer.from((await reader.read()).value ?? []).toString();
    expect(text).toMatch(/event: log\ndata: \{"step":"build","line":".*php -l cancel-me\.php: ok/);

    const cancelled = await call('POST', `/jobs/${job.job_id}/cancel`, { actor: 'olivia' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    gate.release();
    while (!/event: end/.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += Buffer.from(chunk.value).toString();
    }
    abort.abort();
    expect(text).toMatch(/event: end\ndata: \{"job_id":"[^"]+","status":"cancelled"/);

    const runs = await eventually(async () => {
      const { body } = await call('GET', `/jobs/${job.job_id}`, undefined, 'viewer');
      return body.runs.find((run: any) => run.step === 'sandbox') ? body : undefined;
    });
    expect(runs.status).toBe('cancelled');
    expect(runs.runs.map((run: any) => [run.step, run.status])).toEqual([
      ['generate', 'success'],
      ['build', 'success'],
      ['test', 'success'],
      ['sandbox', 'cancelled'],
    ]);
    expect((await call('POST', `/jobs/${job.job_id}/cancel`, {})).status).toBe(409);

    const retry = await call('POST', `/jobs/${job.job_id}/retry`, { requested_by: 'olivia' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ retry_of: job.job_id, status: 'queued', params_sha256: job.params_sha256 });
    expect(retry.body.job_id).not.toBe(job.job_id);
    expect((await finished(retry.body.job_id)).status).toBe('success');
    expect((await call('POST', `/jobs/${retry.body.job_id}/retry`, {})).status).toBe(409);
    const listed = await call('GET', `/jobs?status=cancelled&template=wp-contact-form&limit=5`, undefined, 'viewer');
    expect(listed.body.jobs.map((j: any) => j.job_id)).toContain(job.job_id);
    expect(listed.body.jobs.every((j: any) => j.status === 'cancelled')).toBe(true);
  });

  it('cancels a job while it signs: the package is never signed, approved or published', async () => {
    const held = gate.arm('sign', 'commit');
    const job = await createJob('wp-contact-form', { ...CONTACT, slug: 'cancel-in-sign' });
    expect(await held).toBe(job.job_id);
    // The signature is computed; the step waits just before it commits it.
    const cancelled = await call('POST', `/jobs/${job.job_id}/cancel`, { actor: 'olivia' });
    expect(cancelled.status).toBe(200);
    gate.release();
    const ended = await eventually(async () => {
      const { body } = await call('GET', `/jobs/${job.job_id}`, undefined, 'viewer');
      return body.runs.find((run: any) => run.step === 'sign' && run.status !== 'running') ? body : undefined;
    });
    expect(ended.status).toBe('cancelled');
    expect(ended.runs.find((run: any) => run.step === 'sign').status).toBe('cancelled');
    const packageId = ended.plugin_package_id;
    const [row] = await system.runtime.dataSource.query('SELECT status, signature FROM plugin_packages WHERE id = $1', [packageId]);
    expect({ status: row.status, signed: row.signature !== null }).toEqual({ status: 'failed', signed: false });
    expect((await call('POST', '/approvals', { package_id: packageId }, 'approver-a')).status).toBe(409);
    expect((await call('POST', `/packages/${packageId}/publish`, { published_by: 'olivia' })).status).toBe(409);
    expect((await call('GET', `/packages/${packageId}/download`, undefined, 'viewer')).status).toBe(409);
    // The database refuses it too: a failed package never becomes signed (or anything else).
    await expect(system.runtime.dataSource.query(`UPDATE plugin_packages SET status = 'signed' WHERE id = $1`, [packageId])).rejects.toThrow(/is failed: it cannot become signed/);
  });

  it('returns the same job for a reused idempotency_key, and refuses the key with other parameters', async () => {
    const first = await call('POST', '/jobs', { template: 'wc-payment-gateway', parameters: { ...GATEWAY, slug: 'idem-pay' }, idempotency_key: 'order-4711' });
    const again = await call('POST', '/jobs', { template: 'wc-payment-gateway', parameters: { ...GATEWAY, slug: 'idem-pay' }, idempotency_key: 'order-4711' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.job_id).toBe(first.body.job_id);
    const other = await call('POST', '/jobs', { template: 'wc-payment-gateway', parameters: { ...GATEWAY, slug: 'other-pay' }, idempotency_key: 'order-4711' });
    expect(other.status).toBe(409);
    expect((await finished(first.body.job_id)).status).toBe('success');
    const count = await system.runtime.dataSource.query(`SELECT count(*)::int AS n FROM forge_jobs WHERE idempotency_key = 'order-4711'`);
    expect(count[0].n).toBe(1);
  });

  it('is deterministic: the same parameters give a byte-identical ZIP', async () => {
    const parameters = { ...CONTACT, slug: 'twin-contact' };
    const [a, b] = [await createJob('wp-contact-form', parameters), await createJob('wp-contact-form', parameters)];
    const [da, db] = [await finished(a.job_id), await finished(b.job_id)];
    expect([da.status, db.status]).toEqual(['success', 'success']);
    const [za, zb] = [await call('GET', `/packages/${da.plugin_package_id}/download`, undefined, 'viewer'), await call('GET', `/packages/${db.plugin_package_id}/download`, undefined, 'viewer')];
    expect(za.raw.equals(zb.raw)).toBe(true);
    expect(za.headers.get('x-forge-package-sha256')).toBe(zb.headers.get('x-forge-package-sha256'));
    const other = await finished((await createJob('wp-contact-form', { ...parameters, version: '1.2.1' })).job_id);
    const zc = await call('GET', `/packages/${other.plugin_package_id}/download`, undefined, 'viewer');
    expect(zc.raw.equals(za.raw)).toBe(false);
  });

  it('reports stats per status and step, and exposes the forge metrics', async () => {
    const stats = await call('GET', '/stats?days=7', undefined, 'viewer');
    expect(stats.status).toBe(200);
    expect(stats.body.by_status.success).toBeGreaterThanOrEqual(5);
    expect(stats.body.by_status.failed).toBeGreaterThanOrEqual(2);
    expect(stats.body.by_status.cancelled).toBeGreaterThanOrEqual(1);
    expect(stats.body.success_rate).toBeCloseTo(stats.body.by_status.success / (stats.body.by_status.success + stats.body.by_status.failed));
    expect(stats.body.steps.map((s: any) => s.step)).toEqual(['generate', 'build', 'test', 'sandbox', 'package', 'sign']);
    for (const step of stats.body.steps) {
      expect({ step: step.step, avg: typeof step.avg_ms, p95: typeof step.p95_ms }).toEqual({ step: step.step, avg: 'number', p95: 'number' });
      expect(step.runs).toBeGreaterThan(0);
      // A 95th percentile at or above the mean: true of these few runs per step (a lone slow outlier still lifts p95 past the mean).
      expect(step.p95_ms).toBeGreaterThanOrEqual(step.avg_ms);
    }
    expect(stats.body.duration_ms.avg).toBeGreaterThan(0);
    expect((await call('GET', '/stats?days=0', undefined, 'viewer')).status).toBe(400);

    const metrics = await eventually(async () => {
      const text = await (await fetch(`${system.url}/metrics`)).text();
      return /bf_forge_jobs_queued \d/.test(text) ? text : undefined;
    });
    for (const sample of [
      /bf_forge_jobs_total\{status="success"\} [1-9]/,
      /bf_forge_jobs_total\{status="failed"\} [1-9]/,
      /bf_forge_jobs_total\{status="cancelled"\} [1-9]/,
      /bf_forge_jobs_duration_seconds_count\{status="success"\} [1-9]/,
      /bf_forge_step_duration_seconds_count\{step="sandbox",outcome="success"\} [1-9]/,
      /bf_forge_packages_total\{cms="woocommerce"\} [1-9]/,
      /bf_forge_signatures_total\{outcome="success"\} [1-9]/,
      /bf_forge_approval_duration_seconds_count [1-9]/,
      /bf_forge_approvals_pending \d/,
      /bf_forge_jobs_running \d/,
    ]) {
      expect(metrics).toMatch(sample);
    }
  });
});
