import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { DnsModule } from './dns.module';

runWorkerProcess('dns', DnsModule).catch((error: Error) => {
  console.error(`dns failed to start: ${error.message}`);
  process.exit(1);
});
