import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { IntentModule } from './intent.module';

runWorkerProcess('intent', IntentModule).catch((error: Error) => {
  console.error(`intent failed to start: ${error.message}`);
  process.exit(1);
});
