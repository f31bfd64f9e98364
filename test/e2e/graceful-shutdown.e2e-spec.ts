import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RunningSystem, WORKERS } from '../../apps/gateway/src/start-all';
import { authHeaders } from '../support/auth';
import { freePort } from '../support/net';
import { eventually, startTestSystem } from '../support/system';
import { currentTestEnv } from '../support/test-env';

const QUICK_START = require('../../templates/briefings/acme-quick-start.json');
const ROOT = join(__dirname, '../..');
const SUITE = 'shutdown';

/** Per process (in order of first appearance): how often it started and ended the step, and the span of its markers. */
function stepSpans(markers: string, stepId: string): Map<string, { starts: number; ends: number; from: number; to: number }> {
  const spans = new Map<string, { starts: number; ends: number; from: number; to: number }>();
  for (const line of markers.split('\n').filter(Boolean)) {
    const [pid, event, at, , id] = line.split(' ');
    if (id !== stepId) continue;
    const span = spans.get(pid) ?? { starts: 0, ends: 0, from: Number(at), to: Number(at) };
    if (event === 'start') span.starts++;
    if (event === 'end') span.ends++;
    span.from = Math.min(span.from, Number(at));
    span.to = Math.max(span.to, Number(at));
    spans.set(pid, span);
  }
  return spans;
}

/** A webgen worker in its own process, its stdout collected line by line. */
class WorkerProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly child: ChildProcess;
  private pending = '';

  constructor(env: NodeJS.ProcessEnv, entry = 'test/support/slow-webgen-worker.ts') {
    const test = currentTestEnv();
    this.child = spawn(process.execPath, ['-r', './test/support/ts-register.js', entry], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: test.databaseUrl,
        REDIS_URL: test.redisUrl,
        QUEUE_PREFIX: `${test.queuePrefix}_${SUITE}`,
        DATA_DIR: `${test.dataDir}/${SUITE}`,
        DB_MIGRATE: 'false',
        METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        // Long on purpose: a job of a worker that exits mid-job is only retried quickly if the shutdown released it.
        WORKER_LOCK_MS: '30000',
        ...env,
      },
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const text = this.pending + chunk.toString();
      const parts = text.split('\n');
      this.pending = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  /** `BF-STEP <event> <action> <stepId>` lines, as [event, action, stepId]. */
  steps(): string[][] {
    return this.lines.filter((line) => line.startsWith('BF-STEP ')).map((line) => line.split(' ').slice(1));
  }

  /** Parsed JSON log lines with this message. */
  logs(msg: string): any[] {
    return this.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((entry) => entry.msg === msg);
  }

  waitForStep(event: string, action: string, timeoutMs = 45_000): Promise<string> {
    return eventually(async () => this.steps().find(([e, a]) => e === event && a === action)?.[2], timeoutMs);
  }

  signal(signal: NodeJS.Signals): number {
    this.child.kill(signal);
    return Date.now();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Graceful shutdown with a real worker process: SIGTERM while it is busy in a
 * step. Either the step finishes within SHUTDOWN_TIMEOUT_MS and the process
 * exits 0, or the step outlasts it, is released, the process exits at once, and
 * a peer already consuming the queue runs it, never while the first still does.
 * Either way the step's effect happens exactly once and the run completes.
 */
describe('graceful shutdown of a worker process (real processes, Redis and PostgreSQL)', () => {
  let system: RunningSystem;
  const children: WorkerProcess[] = [];
  const start = (env: NodeJS.ProcessEnv = {}, entry?: string) => {
    const child = new WorkerProcess(env, entry);
    children.push(child);
    return child;
  };

  const call = async (method: string, path: string, body?: unknown) => {
    const headers = { ...authHeaders(system, 'admin'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${system.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const planAndExecute = async (domain: string) => {
    const plan = (await call('POST', '/api/factory/plan', { ...QUICK_START, dry_run: true, website_config: { ...QUICK_START.website_config, domain } })).body;
    expect(plan).toMatchObject({ plan_id: expect.any(String) });
    const started = await call('POST', `/api/factory/execute?plan_id=${plan.plan_id}&confirm=true`);
    expect(started.status).toBe(202);
    return plan;
  };
  const completed = (planId: string, timeoutMs: number) =>
    eventually(async () => {
      const { body } = await call('GET', `/api/factory/${planId}`);
      return body.run?.status === 'completed' ? body : undefined;
    }, timeoutMs);
  /** Every step started and completed exactly once in the audit trail; the chain verifies. */
  const expectEachStepOnce = async (plan: any) => {
    const events = (await call('GET', `/api/sovereign/audit/events?plan_id=${plan.plan_id}&limit=500`)).body.events;
    for (const step of plan.steps) {
      for (const type of ['factory.step_started', 'factory.step_completed']) {
        expect({ step: step.step_id, type, count: events.filter((e: any) => e.event_type === type && e.metadata.step_id === step.step_id).length }).toEqual({ step: step.step_id, type, count: 1 });
      }
    }
    expect(events.filter((e: any) => e.event_type === 'factory.execution_completed')).toHaveLength(1);
    expect((await call('GET', `/api/v1/audit/verify?plan_id=${plan.plan_id}`)).body.valid).toBe(true);
  };
  /** How often each process ran the step to its end (the executor's effect). */
  const finishedCounts = (stepId: string) => children.map((child) => child.steps().filter(([event, , id]) => event === 'finished' && id === stepId).length);

  beforeAll(async () => {
    // Everything in process except webgen: webgen jobs are taken only by the worker processes below.
    system = await startTestSystem(SUITE, {}, WORKERS.filter(([queue]) => queue !== 'webgen'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill();
      await child.exited;
    }
  });
  afterAll(() => system?.stop());

  it('finishes the job it is running, takes no other, exits 0 within the bound, and the run completes with the step done once', async () => {
    const plan = await planAndExecute('shutdown-drain.example');
    const first = start({ SLOW_ACTION: 'website.generate', SLOW_MS: '3000', SHUTDOWN_TIMEOUT_MS: '20000' });
    const stepId = await first.waitForStep('started', 'website.generate');
    expect(plan.steps.map((s: any) => s.step_id)).toContain(stepId);
    const signalled = first.signal('SIGTERM');
    const exit = await first.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    // 3 s of step left, well inside the 20 s bound (plus closing connections).
    expect(exit.at - signalled).toBeLessThan(20_000);
    expect(first.steps()).toEqual([
      ['started', 'website.generate', stepId],
      ['finished', 'website.generate', stepId],
    ]);
    expect(first.logs('shutdown phase done').find((entry) => entry.phase === 'jobs')).toMatchObject({ drained: true, inFlight: 1, released: 0 });
    expect(first.logs('shut down')).toHaveLength(1);

    // The rest of the run (the deploy) is for the next worker; the finished step is not run again.
    const second = start();
    const done = await completed(plan.plan_id, 45_000);
    expect(done.steps.find((s: any) => s.step_id === stepId)).toMatchObject({ status: 'completed' });
    expect(second.steps().filter(([, action]) => action === 'website.generate')).toEqual([]);
    expect(finishedCounts(stepId)).toEqual([1, 0]);
    await expectEachStepOnce(plan);
    second.signal('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('releases a job that outlasts SHUTDOWN_TIMEOUT_MS and exits at once: a peer already consuming runs it, never at the same time, exactly once', async () => {
    const test = currentTestEnv();
    const markers = join(test.dataDir, `${SUITE}-step-markers-${process.pid}.log`);
    mkdirSync(dirname(markers), { recursive: true });
    writeFileSync(markers, '');
    const plan = await planAndExecute('shutdown-release.example');
    const first = start({ SLOW_ACTION: 'website.generate', SLOW_MS: '600000', SHUTDOWN_TIMEOUT_MS: '1500', STEP_MARKERS: markers, SLOW_STOP_MS: '2000' });
    const stepId = await first.waitForStep('started', 'website.generate');
    // The peer is up and waiting for webgen jobs before the first one is told to stop (two replicas).
    const second = start({ STEP_MARKERS: markers });
    await eventually(async () => second.logs('consuming queue')[0], 45_000, 100);
    const signalled = first.signal('SIGTERM');
    const exit = await first.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    // The 1.5 s budget, the release, and out: no graceful connections phase while a released handler could still run here.
    expect(exit.at - signalled).toBeLessThan(1500 + 2500);
    expect(first.logs('shutdown phase done').find((entry) => entry.phase === 'jobs')).toMatchObject({ drained: false, inFlight: 1, released: 1 });
    expect(first.steps()).toEqual([['started', 'website.generate', stepId]]);

    const done = await completed(plan.plan_id, 25_000);
    expect(done.steps.find((s: any) => s.step_id === stepId)).toMatchObject({ status: 'completed' });
    expect(finishedCounts(stepId)).toEqual([0, 1]);
    expect(second.steps().filter(([event, , id]) => event === 'started' && id === stepId)).toHaveLength(1);
    await expectEachStepOnce(plan);

    // Each process started the step once, only the peer finished it, and the two executions never overlapped in time.
    const spans = stepSpans(readFileSync(markers, 'utf8'), stepId);
    expect([...spans.values()].map((span) => [span.starts, span.ends])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    const [released, rerun] = [...spans.values()];
    expect(released.from).toBeLessThan(rerun.from);
    expect({ releasedLastSeen: released.to, rerunStarted: rerun.from, overlap: released.to >= rerun.from }).toMatchObject({ overlap: false });
    // Nothing after the jobs phase: the exit itself closes the sockets.
    expect(first.logs('shutdown phase done').map((entry) => entry.phase)).toEqual(['jobs']);
    expect(first.logs('shut down at once, skipping the remaining phases')).toMatchObject([{ phase: 'jobs', skipped: ['connections'] }]);
    second.signal('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('start:all (gateway and seven workers in one process) stops on SIGTERM through every phase and exits 0', async () => {
    const test = currentTestEnv();
    const all = start(
      {
        PORT: '0',
        QUEUE_PREFIX: `${test.queuePrefix}_${SUITE}_all`,
        DATA_DIR: `${test.dataDir}/${SUITE}_all`,
        DNS_SERVER_PORT: String(await freePort()),
        EVIDENCE_MASTER_KEY: createHash('sha256').update(`bf-test-master-key:${test.id}`).digest('base64'),
      },
      'apps/gateway/src/start-all.ts',
    );
    const { url } = await eventually(async () => all.logs('gateway and all workers running')[0], 45_000, 100).catch((error) => {
      throw new Error(`${error.message}; start:all said:\n${all.lines.slice(-20).join('\n')}`);
    });
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    all.signal('SIGTERM');
    const exit = await all.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(all.logs('shutdown phase done').map((entry) => entry.phase)).toEqual(['http', 'jobs', 'application', 'connections']);
    expect(all.logs('shut down')).toHaveLength(1);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
