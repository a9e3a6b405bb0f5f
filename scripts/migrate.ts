/** `npm run db:migrate`: apply pending migrations to DATABASE_URL (or the embedded database). */
import { loadConfig } from '../config';
import { migrateToLatest, openDatabase } from '../db/connect';
import { runMain } from './main';

runMain(async () => {
  const config = loadConfig();
  const database = await openDatabase({ url: config.database.url, poolSize: 1, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database.db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
  } finally {
    await database.close();
  }
  return undefined;
});
