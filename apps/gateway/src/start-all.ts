import 'reflect-metadata';
import { INestApplication, INestMicroservice } from '@nestjs/common';
import { AppConfig, loadConfig } from '@bf/config';
import { WorkerQueue } from '@bf/contracts';
import { rootLogger } from '@bf/observability';
import { createWorker, GracefulShutdown, HttpDrain, Runtime, settlesWithin, stopWorker, within, WorkerModuleFactory } from '@bf/runtime';
import { DnsModule } from '../../dns/src/dns.module';
import { EvidenceModule } from '../../evidence/src/evidence.module';
import { ForgeSignModule } from '../../forge-sign/src/forge-sign.module';
import { IntentModule } from '../../intent/src/intent.module';
import { OdooModule } from '../../odoo/src/odoo.module';
import { PlannerModule } from '../../planner/src/planner.module';
import { WebgenModule } from '../../webgen/src/webgen.module';
import { createGateway } from './gateway-bootstrap';

/** The seven worker services, by queue. */
export const WORKERS: [WorkerQueue, WorkerModuleFactory][] = [
  ['intent', IntentModule],
  ['planner', PlannerModule],
  ['webgen', WebgenModule],
  ['dns', DnsModule],
  ['odoo', OdooModule],
  ['forge-sign', ForgeSignModule],
  ['evidence', EvidenceModule],
];

export interface RunningSystem {
  url: string;
  runtime: Runtime;
  gateway: INestApplication;
  workers: INestMicroservice[];
  stop(): Promise<void>;
}

/**
 * Boots the gateway and all seven workers in this process, sharing one Runtime.
 * `workers` replaces the worker modules (tests instrument executors this way).
 */
/** How long `RunningSystem.stop` waits for each app to close (signals use the SHUTDOWN_TIMEOUT_MS budget instead). */
const STOP_STEP_MS = 15_000;

export async function startAll(config: AppConfig, workers: [WorkerQueue, WorkerModuleFactory][] = WORKERS): Promise<RunningSystem> {
  const runtime = await Runtime.start(config, { migrate: config.database.migrateOnBoot, name: 'all' });
  const started: INestMicroservice[] = [];
  for (const [queue, module] of workers) started.push(await createWorker(queue, module, runtime));
  const gateway = await createGateway(runtime);
  await gateway.listen(config.http.port, '127.0.0.1');
  const address = gateway.getHttpServer().address() as { port: number };
  const system: RunningSystem = {
    url: `http://127.0.0.1:${address.port}`,
    runtime,
    gateway,
    workers: started,
    // Closes what the system holds now: a restarted gateway replaces the first one. Each close is
    // bounded: a handler stuck on a connection that never came back must not hold the caller forever.
    async stop() {
      const log = rootLogger().child({ component: 'startAll' });
      const bounded = (closing: Promise<unknown>, what: string) => within(closing, STOP_STEP_MS, what).catch((error: Error) => log.warn({ err: error.message }, 'stop: gave up waiting'));
      await bounded(system.gateway.close(), 'gateway close');
      await Promise.all(system.workers.map((worker) => bounded(worker.close(), 'worker close')));
      await runtime.stop();
    },
  };
  return system;
}

/**
 * SIGTERM/SIGINT for start:all: drain HTTP, then every worker in parallel (in-flight
 * jobs finished within SHUTDOWN_TIMEOUT_MS or released), then the gateway's
 * step-status consumer, then Redis and PostgreSQL.
 */
function stopGracefullyOnSignal(system: RunningSystem, config: AppConfig): void {
  const http = new HttpDrain(system.gateway.getHttpServer());
  new GracefulShutdown({ timeoutMs: config.lifecycle.shutdownTimeoutMs, log: rootLogger().child({ component: 'Lifecycle', app: 'all' }) })
    .phase('http', (remaining) => http.drain(remaining()))
    .phase('jobs', async (remaining) => {
      const results = await Promise.all(system.workers.map((worker) => stopWorker(worker, remaining())));
      const drained = results.every((r) => r.drained);
      // Released jobs' handlers are still running here: exit now rather than let them overlap a peer's rerun (see JobDrain).
      return { drained, inFlight: sum(results.map((r) => r.inFlight)), released: sum(results.map((r) => r.released)), exitNow: !drained };
    })
    .phase('application', async (remaining) => ({ closed: await settlesWithin(system.gateway.close(), Math.max(remaining(), 1000)) }))
    .phase('connections', () => within(system.runtime.stop(), 8000, 'runtime stop'))
    .listen();
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

if (require.main === module) {
  const config = loadConfig();
  startAll(config)
    .then((system) => {
      rootLogger().info({ url: system.url, workers: WORKERS.map(([queue]) => queue) }, 'gateway and all workers running');
      stopGracefullyOnSignal(system, config);
    })
    .catch((error: Error) => {
      console.error(`start:all failed: ${error.message}`);
      process.exit(1);
    });
}
