import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { EvidenceModule } from './evidence.module';

runWorkerProcess('evidence', EvidenceModule).catch((error: Error) => {
  console.error(`evidence failed to start: ${error.message}`);
  process.exit(1);
});
