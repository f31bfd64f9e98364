import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { PlannerModule } from './planner.module';

runWorkerProcess('planner', PlannerModule).catch((error: Error) => {
  console.error(`planner failed to start: ${error.message}`);
  process.exit(1);
});
