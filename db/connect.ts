/**
 * Opens the database: `pg` against DATABASE_URL, or PGlite under the data directory when it is
 * unset. Both return dates (`date` columns) as 'YYYY-MM-DD' strings and the same row shapes.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect';
import { migrations } from './migrations';
import type { DB } from './schema';

const DATE_OID = 1082;
const PING_TIMEOUT_MS = 2_000;

export interface Database {
  db: Kysely<DB>;
  kind: 'postgres' | 'pglite';
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string | undefined;
  poolSize: number;
  /** Where PGlite keeps its files when `url` is unset; `memory://` keeps nothing. */
  dataDir: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let db: Kysely<DB>;
  let kind: Database['kind'];
  let pingImpl: (() => Promise<void>) | undefined;
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      // A server that stops answering must not hang requests forever.
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // A client whose server went away (restart, failover) must not crash the process: idle
    // clients report on the pool, checked-out ones on themselves; the query in flight fails.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    pingImpl = () =>
      new Promise<void>((resolve, reject) => {
        let settled = false;
        let client: pg.PoolClient | undefined;
        const timer = setTimeout(() => {
          settled = true;
          client?.release(new Error('ping timed out')); // destroy the hung connection
          reject(new Error(`the database did not answer within ${PING_TIMEOUT_MS / 1000} s`));
        }, PING_TIMEOUT_MS);
        pool
          .connect()
          .then(async (c) => {
            if (settled) return c.release(new Error('ping timed out'));
            client = c;
            await c.query('select 1');
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            c.release();
            resolve();
          })
          .catch((error: Error) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            client?.release(error);
            reject(error);
          });
      });
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    let dataDir: string | undefined;
    if (options.dataDir !== 'memory://') {
      dataDir = resolve(join(options.dataDir, 'pglite'));
      mkdirSync(dataDir, { recursive: true });
    }
    const client = await PGlite.create({ dataDir, parsers: { [DATE_OID]: (v: string) => v } });
    db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
    kind = 'pglite';
  }
  return {
    db,
    kind,
    ping: async () => {
      if (pingImpl) return pingImpl();
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`migration ${failed?.migrationName ?? '(none)'} failed: ${cause}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
