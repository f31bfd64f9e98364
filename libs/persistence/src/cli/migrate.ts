import { loadConfig, redactUrl } from '@bf/config';
import { migrate } from '../data-source';

/** `npm run db:migrate`: create the database if missing and apply pending migrations. */
async function main() {
  const config = loadConfig();
  const applied = await migrate(config.database.url);
  const target = redactUrl(config.database.url);
  console.log(applied.length ? `applied ${applied.length} migration(s) to ${target}: ${applied.join(', ')}` : `${target} is up to date`);
}

main().catch((error: Error) => {
  console.error(`migration failed: ${error.message}`);
  process.exit(1);
});
