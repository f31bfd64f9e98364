import { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerQueue } from '@bf/contracts';
import { PinoNestLogger, probe, startOpsListener } from '@bf/observability';
import { BullMqTransport, RethrowRpcErrors } from '@bf/queue';
import { Runtime } from './runtime';

export interface WorkerModuleFactory {
  forRuntime(runtime: Runtime): Type<unknown> | import('@nestjs/common').DynamicModule;
}

/**
 * Boots one worker service: a Nest application context without the HTTP stack
 * whose only transport is its BullMQ queue. Fails (and the process exits) if
 * the queue's jobs and the module's handlers disagree.
 */
export async function createWorker(queue: WorkerQueue, moduleFactory: WorkerModuleFactory, runtime: Runtime): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(moduleFactory.forRuntime(runtime), {
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
  return app;
}

/** Entry point of a worker started as its own process (docker-compose, Kubernetes). */
export async function runWorkerProcess(queue: WorkerQueue, moduleFactory: WorkerModuleFactory): Promise<void> {
  const { loadConfig } = await import('@bf/config');
  const config = loadConfig();
  // Workers never migrate: the gateway (or `npm run db:migrate`) owns the schema.
  const runtime = await Runtime.start(config, { migrate: false, name: queue });
  const app = await createWorker(queue, moduleFactory, runtime);
  if (config.workers.metricsPort) {
    await startOpsListener(config.workers.metricsPort, async () => ({
      redis: await probe(() => runtime.redis.ping()),
      postgres: await probe(() => runtime.dataSource.query('SELECT 1')),
    }));
  }
  const shutdown = async () => {
    await app.close();
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
