/**
 * The bench's database: a fresh one per size on the local PostgreSQL server (the same approach as
 * test/support/postgres.ts, with an `okr_bench_` prefix), dropped at the end even on Ctrl-C; or
 * the database in DATABASE_URL, used as it is and kept.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, migrateToLatest, openDatabase } from '../db/connect';
import { onCleanup } from './cleanup';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  /** A Kysely handle for the bench itself (floor inserts, reading timings); migrated. */
  database: Database;
  owned: boolean;
  close(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function openBenchDatabase(poolSize: number): Promise<BenchDatabase> {
  let url = process.env.DATABASE_URL;
  let removeDrop: (() => void) | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const name = `okr_bench_${randomBytes(6).toString('hex')}`;
    drop = () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined);
    removeDrop = onCleanup(`drop database ${name}`, drop);
    await admin((c) => c.query(`create database ${name}`));
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const database = await openDatabase({ url, poolSize, dataDir: 'memory://' });
  const removeClose = onCleanup('close bench database pool', () => database.close());
  await migrateToLatest(database.db);
  return {
    url,
    database,
    owned: drop !== undefined,
    async close() {
      removeClose();
      await database.close();
      if (drop) {
        removeDrop?.();
        await drop();
      }
    },
  };
}
