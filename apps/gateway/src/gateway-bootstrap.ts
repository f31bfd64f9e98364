import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger } from '@bf/observability';
import { BullMqTransport } from '@bf/queue';
import { Runtime } from '@bf/runtime';
import { mountBullBoard } from './bull-board';
import { GatewayModule } from './gateway.module';
import { ApiErrorFilter } from './http/api-error.filter';
import { BuiltinSiteHost } from './http/builtin-site-host';
import { httpMetrics } from './http/http-metrics';
import { useJsonBodies } from './http/json-body';

/**
 * Creates the gateway: the HTTP app and, attached to it, the orchestrator's
 * consumer of the step-status queue. Listening is left to the caller.
 */
export async function createGateway(runtime: Runtime): Promise<INestApplication> {
  const app = await NestFactory.create(GatewayModule.forRuntime(runtime), { logger: new PinoNestLogger(), abortOnError: false, bodyParser: false });
  app.use(httpMetrics);
  // Before the body parser and Nest's routes: a request for a deployed site never reaches the API.
  app.use(new BuiltinSiteHost(runtime.config.storage.sitesDir).middleware());
  useJsonBodies(app);
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks();
  app.connectMicroservice(
    {
      strategy: new BullMqTransport({
        queue: 'step-status',
        connection: runtime.redis,
        prefix: runtime.config.redis.queuePrefix,
        concurrency: runtime.config.workers.concurrency * 2,
        lockMs: runtime.config.workers.lockMs,
      }),
    },
    { inheritAppConfig: true },
  );
  mountBullBoard(app, runtime.producer);
  await app.startAllMicroservices();
  return app;
}
