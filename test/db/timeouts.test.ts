/**
 * A slow or silent database fails a request within the configured bounds instead of hanging it:
 * the real PostgreSQL, reached directly or through a TCP proxy that can hang every connection.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { type Database, openDatabase } from '../../db/connect';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { type TestDatabase, createTestDatabase } from '../support/postgres';

let testDb: TestDatabase;
let proxy: TcpProxy;
const opened: Database[] = [];

async function open(url: string, timeouts: { statementMs?: number; queryMs?: number; connectMs?: number }): Promise<Database> {
  const d = await openDatabase({ url, poolSize: 1, dataDir: 'memory://', timeouts });
  opened.push(d);
  return d;
}
const viaProxy = () => {
  const u = new URL(testDb.url);
  u.port = String(proxy.port);
  return u.toString();
};
async function elapsed<T>(fn: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const t0 = Date.now();
  try {
    await fn();
    return { ms: Date.now() - t0, error: undefined };
  } catch (error) {
    return { ms: Date.now() - t0, error };
  }
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  proxy = await startTcpProxy({ port: Number(new URL(testDb.url).port || 5432) });
});
afterAll(async () => {
  proxy.resume();
  for (const d of opened) await d.close().catch(() => {});
  await proxy?.close();
  await testDb?.drop();
});

describe('database timeouts', () => {
  it('are read from the configuration, with defaults, and a bad value names the variable', () => {
    expect(loadConfig({}).database.timeouts).toEqual({ statementMs: 30_000, queryMs: 35_000, connectMs: 5_000 });
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT: '2s', DATABASE_QUERY_TIMEOUT: '2500ms', DATABASE_CONNECT_TIMEOUT: '1s' }).database.timeouts).toEqual({
      statementMs: 2_000,
      queryMs: 2_500,
      connectMs: 1_000,
    });
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT: 'soon' })).toThrow(/DATABASE_STATEMENT_TIMEOUT/);
  });

  it('a statement running longer than the statement timeout is cancelled by the server', async () => {
    const d = await open(testDb.url, { statementMs: 300 });
    const r = await elapsed(() => sql`select pg_sleep(5)`.execute(d.db));
    expect((r.error as { code?: string })?.code).toBe('57014'); // query_canceled
    expect(r.ms).toBeLessThan(2_000);
    await expect(sql`select 1 as one`.execute(d.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it('after a query read timeout the connection still busy with it is dropped, not reused for the next query', async () => {
    const d = await open(testDb.url, { queryMs: 300 });
    const r = await elapsed(() => sql`select pg_sleep(1.5)`.execute(d.db));
    expect((r.error as Error)?.message).toBe('Query read timeout');
    expect(r.ms).toBeLessThan(1_000);
    // The old connection waits for pg_sleep until 1.5 s; the next query gets a fresh one at once.
    await expect(sql`select 3 as three`.execute(d.db)).resolves.toMatchObject({ rows: [{ three: 3 }] });
  });

  it('a server that stops answering mid-query fails it within the query timeout, and new connections within the connect timeout', async () => {
    const d = await open(viaProxy(), { queryMs: 500, connectMs: 500 });
    await sql`select 1`.execute(d.db); // one pooled connection, open through the proxy
    proxy.stall();
    const r = await elapsed(() => sql`select 1`.execute(d.db));
    expect((r.error as Error)?.message).toMatch(/timeout/i);
    expect(r.ms).toBeLessThan(2_000);
    // A new connection to a silent server fails within the connect timeout.
    const again = await elapsed(() => sql`select 1`.execute(d.db));
    expect((again.error as Error)?.message).toMatch(/timeout/i);
    expect(again.ms).toBeLessThan(2_000);
    proxy.resume();
    await expect(sql`select 2 as two`.execute(d.db)).resolves.toMatchObject({ rows: [{ two: 2 }] });
  });
});
