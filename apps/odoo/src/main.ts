import 'reflect-metadata';
import { runWorkerProcess } from '@bf/runtime';
import { OdooModule } from './odoo.module';

runWorkerProcess('odoo', OdooModule).catch((error: Error) => {
  console.error(`odoo failed to start: ${error.message}`);
  process.exit(1);
});
