import 'reflect-metadata';
import { loadConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';
import { Runtime } from '@bf/runtime';
import { createGateway } from './gateway-bootstrap';

/** The gateway as its own process (docker-compose, Kubernetes). */
async function main() {
  const config = loadConfig();
  const runtime = await Runtime.start(config, { migrate: config.database.migrateOnBoot, name: 'gateway' });
  const app = await createGateway(runtime);
  await app.listen(config.http.port, '0.0.0.0');
  rootLogger().info({ port: config.http.port }, 'gateway listening');
  const shutdown = async () => {
    await app.close();
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: Error) => {
  console.error(`gateway failed to start: ${error.message}`);
  process.exit(1);
});
