import 'reflect-metadata';
import { INestApplication, INestMicroservice } from '@nestjs/common';
import { AppConfig, loadConfig } from '@bf/config';
import { WorkerQueue } from '@bf/contracts';
import { rootLogger } from '@bf/observability';
import { createWorker, Runtime, WorkerModuleFactory } from '@bf/runtime';
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
    // Closes what the system holds now: a restarted gateway replaces the first one.
    async stop() {
      await system.gateway.close();
      for (const worker of system.workers) await worker.close();
      await runtime.stop();
    },
  };
  return system;
}

if (require.main === module) {
  const config = loadConfig();
  startAll(config)
    .then((system) => {
      rootLogger().info({ url: system.url, workers: WORKERS.map(([queue]) => queue) }, 'gateway and all workers running');
      const shutdown = () => system.stop().then(() => process.exit(0));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    })
    .catch((error: Error) => {
      console.error(`start:all failed: ${error.message}`);
      process.exit(1);
    });
}
