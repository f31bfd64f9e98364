import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger } from '@bf/observability';
import { BullMqTransport } from '@bf/queue';
import { Runtime } from '@bf/runtime';
import { BULL_BOARD_PATH, mountBullBoard } from './bull-board';
import { GatewayModule } from './gateway.module';
import { ApiErrorFilter } from './http/api-error.filter';
import { correlationContext } from './http/correlation';
import { BuiltinSiteHost } from './http/builtin-site-host';
import { httpMetrics } from './http/http-metrics';
import { useJsonBodies } from './http/json-body';
import { RequestRateLimiter } from './http/rate-limit';
import { gatewaySecurityHeaders, useCors } from './http/security-headers';

/**
 * Creates the gateway: the HTTP app and, attached to it, the orchestrator's
 * consumer of the step-status queue. Listening is left to the caller.
 */
export async function createGateway(runtime: Runtime): Promise<INestApplication> {
  const app = await NestFactory.create(GatewayModule.forRuntime(runtime), { logger: new PinoNestLogger(), abortOnError: false, bodyParser: false });
  // First, so every answer (errors and deployed sites included) carries X-Correlation-Id.
  app.use(correlationContext);
  app.use(httpMetrics);
  // req.ip (rate limits, contact submissions) is the socket's address unless TRUST_PROXY trusts the proxy in front.
  (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', runtime.config.security.trustProxy);
  // Before the body parser and Nest's routes: a request for a deployed site never reaches the API.
  app.use(new BuiltinSiteHost(runtime.config.storage.sitesDir).middleware());
  // Hardening (README "Hardening"): headers, CORS, then the rate limits, all before a body is read.
  app.use(gatewaySecurityHeaders(BULL_BOARD_PATH));
  useCors(app, runtime.config.security.corsOrigins);
  app.use(new RequestRateLimiter(runtime.redis, runtime.config.redis.queuePrefix, runtime.config.security.rateLimit).middleware());
  useJsonBodies(app);
  // Again: a request whose body was read resumes outside the context (see correlationContext).
  app.use(correlationContext);
  app.useGlobalFilters(new ApiErrorFilter());
  // No enableShutdownHooks(): the process entry (main.ts, start-all.ts) owns SIGTERM/SIGINT and drains before closing (GracefulShutdown).
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
