import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { WORKER_QUEUES, WorkerQueue } from '@bf/contracts';
import { RunningSystem } from '../../apps/gateway/src/start-all';
import { freePort } from '../support/net';
import { eventually, startTestSystem } from '../support/system';
import { currentTestEnv } from '../support/test-env';

const ROOT = join(__dirname, '../..');
const SUITE = 'scrape';

/** One worker started as in docker-compose: its own process from the TypeScript sources, its ops listener on `port`. */
class WorkerProcess {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;

  constructor(
    readonly queue: WorkerQueue,
    readonly port: number,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ['-r', './test/support/ts-register.js', `apps/${queue}/src/main.ts`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, METRICS_PORT: String(port) },
    });
    this.child.stdout!.on('data', (chunk) => this.output.push(String(chunk)));
    this.child.stderr!.on('data', (chunk) => this.output.push(String(chunk)));
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
  }

  get(path: string) {
    return fetchText(`http://127.0.0.1:${this.port}${path}`);
  }
}

async function fetchText(url: string): Promise<{ status: number; type: string; text: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  } catch {
    return { status: 0, type: '', text: '' };
  }
}

/** Debian's promtool on an exposition: exit status and whatever it complained about. */
function promtool(exposition: string): { status: number | null; problems: string } {
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (lint.error) throw new Error(`promtool could not run (Debian: apt-get install prometheus): ${lint.error.message}`);
  return { status: lint.status, problems: `${lint.stdout}${lint.stderr}`.trim() };
}

/**
 * Every service scraped: the seven workers each in its own process (as
 * deployed), and the gateway. Each answers /health/ready (healthy, its
 * terminus checks timed) and /metrics, which `promtool check metrics` accepts.
 * The gateway, sharing their Redis prefix, sees each worker's heartbeat.
 */
describe('every service scraped: seven worker processes and the gateway', () => {
  const env = currentTestEnv();
  let gateway: RunningSystem;
  const workers: WorkerProcess[] = [];

  const failWithOutput = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const outputs = workers.map((w) => `--- ${w.queue} ---\n${w.output.join('').slice(-1500)}`).join('\n');
      throw new Error(`${(error as Error).message}\n${outputs}`);
    }
  };

  beforeAll(async () => {
    const shared = {
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      QUEUE_PREFIX: `${env.queuePrefix}_${SUITE}`,
      DATA_DIR: `${env.dataDir}/${SUITE}`,
      DB_MIGRATE: 'false',
      LOG_LEVEL: 'warn',
      // Long on purpose: a worker that stops must be gone at once because it deleted its beat, not because the beat lapsed.
      HEARTBEAT_INTERVAL_MS: '5000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      EVIDENCE_MASTER_KEY: createHash('sha256').update(`bf-test-master-key:${env.id}`).digest('base64'),
    };
    for (const queue of WORKER_QUEUES) workers.push(new WorkerProcess(queue, await freePort(), { ...shared, DNS_SERVER_PORT: String(await freePort()) }));
    // The gateway alone in this process: every worker is one of the processes above.
    gateway = await startTestSystem(SUITE, {}, []);
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await gateway?.stop();
  });

  it('each worker process is ready (terminus checks timed) and its /metrics passes promtool', () =>
    failWithOutput(async () => {
      for (const worker of workers) {
        const ready = await eventually(async () => {
          const answer = await worker.get('/health/ready');
          return answer.status === 200 ? answer : undefined;
        }, 45_000, 200);
        const body = JSON.parse(ready.text);
        const timed = { status: 'up', responseTime: expect.any(Number) };
        expect({ queue: worker.queue, body }).toEqual({
          queue: worker.queue,
          body: { status: 'healthy', checks: { postgres: timed, redis: timed, queue: { ...timed, name: worker.queue, paused: false, waiting: expect.any(Number) } } },
        });
        expect(JSON.parse((await worker.get('/health/live')).text)).toEqual({ status: 'alive' });
        const metrics = await worker.get('/metrics');
        expect({ queue: worker.queue, status: metrics.status, type: metrics.type }).toEqual({ queue: worker.queue, status: 200, type: expect.stringMatching(/^text\/plain; version=0\.0\.4/) });
        expect(metrics.text).toMatch(/^bf_process_cpu_user_seconds_total /m);
        expect({ queue: worker.queue, ...promtool(metrics.text) }).toEqual({ queue: worker.queue, status: 0, problems: '' });
      }
    }));

  it("the gateway's /metrics passes promtool, and its readiness sees every worker process's heartbeat", () =>
    failWithOutput(async () => {
      const metrics = await fetchText(`${gateway.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^bf_queue_jobs\{/m);
      expect(promtool(metrics.text)).toEqual({ status: 0, problems: '' });

      const pids = new Map(workers.map((worker) => [worker.queue, worker.child.pid]));
      const ready = await eventually(async () => {
        const answer = await fetchText(`${gateway.url}/health/ready`);
        const body = answer.status === 200 ? JSON.parse(answer.text) : undefined;
        return body?.status === 'healthy' ? body : undefined;
      }, 15_000, 200);
      for (const queue of WORKER_QUEUES) {
        const { instances } = ready.checks.workers.queues[queue];
        expect({ queue, instances: instances.map((i: { instance: string }) => i.instance.split(':').pop()) }).toEqual({ queue, instances: [String(pids.get(queue))] });
      }
    }));

  it('a worker process that gets SIGTERM exits 0 and deletes its heartbeat: the gateway is degraded naming it at once, not after the TTL', () =>
    failWithOutput(async () => {
      const evidence = workers.find((worker) => worker.queue === 'evidence')!;
      evidence.child.kill('SIGTERM');
      expect(await evidence.exited).toBe(0);
      // The beat would live 3 × 5 s if it were left to lapse; it was deleted, so the very next answer knows.
      const answer = await fetchText(`${gateway.url}/health/ready`);
      const body = JSON.parse(answer.text);
      expect({ status: answer.status, overall: body.status, workers: body.checks.workers.degraded, evidence: body.checks.workers.queues.evidence }).toEqual({
        status: 200,
        overall: 'degraded',
        workers: 'no live worker on evidence: their jobs wait',
        evidence: { alive: 0, instances: [] },
      });
    }));
});
