import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { WebgenModule } from './webgen.module';

runWorkerProcess('webgen', WebgenModule).catch((error: Error) => {
  console.error(`webgen failed to start: ${error.message}`);
  process.exit(1);
});
