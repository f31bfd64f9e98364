import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { ForgeSignModule } from './forge-sign.module';

runWorkerProcess('forge-sign', ForgeSignModule).catch((error: Error) => {
  console.error(`forge-sign failed to start: ${error.message}`);
  process.exit(1);
});
