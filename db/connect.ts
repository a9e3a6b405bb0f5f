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
  /** Bounds so that a slow or silent server fails a request instead of hanging it (PostgreSQL only). */
  timeouts?: Partial<DatabaseTimeouts>;
}

export interface DatabaseTimeouts {
  /** The server cancels a statement running longer (`statement_timeout`; also `idle_in_transaction_session_timeout`). */
  statementMs: number;
  /** The client gives up on an answer that does not come (a hung server or network) and drops that connection. */
  queryMs: number;
  /** Opening a connection. */
  connectMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { statementMs: 30_000, queryMs: 35_000, connectMs: 5_000 };
const QUERY_READ_TIMEOUT = 'Query read timeout'; // pg's message when query_timeout passes

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let db: Kysely<DB>;
  let kind: Database['kind'];
  let pingImpl: (() => Promise<void>) | undefined;
  if (options.url) {
    const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts };
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      // A server that stops answering must not hang requests forever.
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs,
      idle_in_transaction_session_timeout: timeouts.statementMs,
      query_timeout: timeouts.queryMs,
      keepAlive: true,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // A client whose server went away (restart, failover) must not crash the process: idle
    // clients report on the pool, checked-out ones on themselves; the query in flight fails.
    pool.on('error', () => {});
    // After a query read timeout the connection still waits for that answer; the next query on it
    // would queue behind it. Such a connection is destroyed on release instead of reused.
    const broken = new WeakSet<pg.PoolClient>();
    pool.on('connect', (client) => {
      client.on('error', () => {});
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const result = query(...args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if ((error as Error)?.message === QUERY_READ_TIMEOUT) broken.add(client as pg.PoolClient);
          throw error;
        });
      };
    });
    const guardedPool = {
      connect: async () => {
        const client = await pool.connect();
        const release = client.release.bind(client); // pg-pool sets a new one at every checkout
        client.release = (error?: Error | boolean) => release(error || (broken.has(client) ? new Error(QUERY_READ_TIMEOUT) : undefined));
        return client;
      },
      end: () => pool.end(),
    };
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
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: guardedPool as unknown as pg.Pool }) });
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
