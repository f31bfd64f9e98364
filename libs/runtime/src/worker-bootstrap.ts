import type { Server } from 'node:http';
import { DynamicModule, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { SYSTEM_VERSION, WorkerQueue } from '@bf/contracts';
import { PinoNestLogger, rootLogger, startOpsListener } from '@bf/observability';
import { BullMqTransport, RethrowRpcErrors } from '@bf/queue';
import { within } from './connections';
import { JobDrain } from './drains';
import { GracefulShutdown, settlesWithin } from './graceful-shutdown';
import { HealthReadiness, WorkerHealth, WorkerHealthModule } from './health';
import { WorkerHeartbeat } from './heartbeat';
import { Runtime } from './runtime';

export interface WorkerModuleFactory {
  forRuntime(runtime: Runtime): Type<unknown> | import('@nestjs/common').DynamicModule;
}

/** Each worker app's in-flight jobs, for its graceful shutdown. */
const jobDrains = new WeakMap<INestMicroservice, JobDrain>();

/** The worker app's own module with the health checks beside it (the app modules stay unaware of them). */
@Module({})
class WorkerRootModule {
  static wrap(app: Type<unknown> | DynamicModule): DynamicModule {
    return { module: WorkerRootModule, imports: [app, WorkerHealthModule.register()] };
  }
}

/**
 * Boots one worker service: a Nest application context without the HTTP stack
 * whose only transport is its BullMQ queue. Fails (and the process exits) if
 * the queue's jobs and the module's handlers disagree.
 */
export async function createWorker(queue: WorkerQueue, moduleFactory: WorkerModuleFactory, runtime: Runtime): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(WorkerRootModule.wrap(moduleFactory.forRuntime(runtime)), {
    strategy: new BullMqTransport({
      queue,
      connection: runtime.redis,
      prefix: runtime.config.redis.queuePrefix,
      concurrency: runtime.config.workers.concurrency,
      lockMs: runtime.config.workers.lockMs,
    }),
    logger: new PinoNestLogger(),
    abortOnError: false,
  });
  app.useGlobalFilters(new RethrowRpcErrors());
  await app.listen();
  const consumer = app.unwrap<Worker>();
  jobDrains.set(app, new JobDrain(consumer));
  app.get(WorkerHealth).attach(consumer);
  // Beats while the consumer runs; its close (graceful shutdown, app.close) deletes the beat at once.
  const heartbeat = new WorkerHeartbeat(runtime.redis, runtime.config.redis.queuePrefix, queue, runtime.config.workers.heartbeatIntervalMs, SYSTEM_VERSION).start();
  consumer.once('closing', () => void heartbeat.stop());
  return app;
}

/** A worker app's readiness (terminus checks: PostgreSQL, Redis, its queue and consumer). */
export function workerReadiness(app: INestMicroservice): Promise<HealthReadiness> {
  return app.get(WorkerHealth).readiness();
}

/**
 * Stops a worker app: no new jobs, the running ones finished within `timeoutMs`
 * or released for redelivery, then (if they finished) the Nest app closed. An app
 * whose jobs did not finish is not closed: Nest would wait for them without bound.
 */
export async function stopWorker(app: INestMicroservice, timeoutMs: number): Promise<{ drained: boolean; inFlight: number; released: number }> {
  const drain = jobDrains.get(app);
  const result = drain ? await drain.drain(timeoutMs) : { drained: true, inFlight: 0, released: 0 };
  if (result.drained) await settlesWithin(app.close(), 5000);
  return result;
}

/**
 * Entry point of a worker started as its own process (docker-compose, Kubernetes).
 * The ops listener comes up first, so liveness answers while PostgreSQL or Redis
 * are still awaited (readiness says not yet). SIGTERM/SIGINT: see GracefulShutdown;
 * if jobs outlast the budget, they are released and the process exits at once,
 * without the connections phase (see JobDrain).
 */
export async function runWorkerProcess(queue: WorkerQueue, moduleFactory: WorkerModuleFactory): Promise<void> {
  const { loadConfig } = await import('@bf/config');
  const config = loadConfig();
  const log = rootLogger(config.log.level).child({ component: 'Lifecycle', app: queue });
  let runtime: Runtime | undefined;
  let app: INestMicroservice | undefined;
  let ops: Server | undefined;
  let stopping = false;
  new GracefulShutdown({ timeoutMs: config.lifecycle.shutdownTimeoutMs, log })
    .phase('jobs', async (remaining) => {
      stopping = true;
      if (!app) return { started: false };
      const result = await stopWorker(app, remaining());
      // Handlers still running (their jobs released or left to stall) must not go on here: exit now, not after closing connections.
      return { ...result, exitNow: !result.drained };
    })
    .phase('connections', async () => {
      ops?.close();
      ops?.closeAllConnections();
      if (runtime) await within(runtime.stop(), 8000, 'runtime stop');
    })
    .listen();
  if (config.workers.metricsPort) {
    ops = await startOpsListener(config.workers.metricsPort, async () => {
      if (stopping) return notReady('shutdown', 'shutting down');
      return app ? workerReadiness(app) : notReady('startup', 'connecting to PostgreSQL and Redis');
    });
  }
  // Workers never migrate: the gateway (or `npm run db:migrate`) owns the schema.
  runtime = await Runtime.start(config, { migrate: false, name: queue });
  app = await createWorker(queue, moduleFactory, runtime);
}

/** Readiness while the checks cannot run yet (or any more): unhealthy, saying why. */
function notReady(check: string, message: string): HealthReadiness {
  return { status: 'unhealthy', checks: { [check]: { status: 'down', responseTime: 0, message } } };
}
