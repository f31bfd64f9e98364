import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';
import { GracefulShutdown, HttpDrain, Runtime, settlesWithin, within } from '@bf/runtime';
import { createGateway } from './gateway-bootstrap';

/**
 * The gateway as its own process (docker-compose, Kubernetes). On SIGTERM/SIGINT:
 * stop accepting and drain HTTP, stop the step-status consumer (reports in
 * progress finish, or are redelivered), then close Redis and PostgreSQL.
 */
async function main() {
  const config = loadConfig();
  const log = rootLogger(config.log.level).child({ component: 'Lifecycle', app: 'gateway' });
  let runtime: Runtime | undefined;
  let app: INestApplication | undefined;
  let http: HttpDrain | undefined;
  new GracefulShutdown({ timeoutMs: config.lifecycle.shutdownTimeoutMs, log })
    .phase('http', async (remaining) => (http ? http.drain(remaining()) : { started: false }))
    .phase('application', async (remaining) => ({ closed: app ? await settlesWithin(app.close(), Math.max(remaining(), 1000)) : false }))
    .phase('connections', async () => {
      if (runtime) await within(runtime.stop(), 8000, 'runtime stop');
    })
    .listen();
  runtime = await Runtime.start(config, { migrate: config.database.migrateOnBoot, name: 'gateway' });
  app = await createGateway(runtime);
  http = new HttpDrain(app.getHttpServer());
  await app.listen(config.http.port, '0.0.0.0');
  log.info({ port: config.http.port }, 'gateway listening');
}

main().catch((error: Error) => {
  console.error(`gateway failed to start: ${error.message}`);
  process.exit(1);
});
