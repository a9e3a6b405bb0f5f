/**
 * Readiness follows the database: the app's PostgreSQL connection goes through a TCP proxy that
 * the test cuts and restores. Liveness (/healthz) stays 200 throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../support/postgres';
import { type TestStack, freePort, poll, startTestStack } from '../support/stack';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';

type Health = { status: 'ok' | 'degraded'; database: 'up' | 'down'; temporal: 'up' | 'down' };

describe('readiness', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestStack;

  const probe = async (path: '/readyz' | '/healthz') => {
    const started = Date.now();
    const res = await fetch(`${t.base}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as Health, ms: Date.now() - started };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const real = new URL(db.url);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestStack({
      database: 'postgres',
      reuse: { databaseUrl: viaProxy.toString(), taskQueue: `okr-readiness-${proxy.port}`, port: await freePort() },
    });
  });

  afterAll(async () => {
    await t?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('is ready while the database answers, not ready (fast) while it is gone, and ready again after', async () => {
    const before = await probe('/readyz');
    expect(before).toMatchObject({ status: 200, body: { status: 'ok', database: 'up', temporal: 'up' } });
    // A request that uses the database works through the proxy.
    expect((await t.api('/api/people')).status).toBe(200);
    expect(proxy.openConnections()).toBeGreaterThan(0);

    proxy.pause();
    const down = await probe('/readyz');
    expect(down).toMatchObject({ status: 503, body: { status: 'degraded', database: 'down', temporal: 'up' } });
    // A cut connection and a refused reconnect fail at once, not after a timeout.
    expect(down.ms).toBeLessThan(2_000);
    const live = await probe('/healthz');
    expect(live).toMatchObject({ status: 200, body: { database: 'down', temporal: 'up' } });
    // Requests that need the database fail at once: 503, in the error envelope.
    const people = await t.api('/api/people', { signal: AbortSignal.timeout(10_000) });
    expect(people.status).toBe(503);
    expect(await people.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/database/) } });

    proxy.resume();
    const after = await poll(
      () => probe('/readyz'),
      (r) => r.status === 200,
      10_000,
      '/readyz to be 200 again',
    );
    expect(after.body).toEqual({ status: 'ok', database: 'up', temporal: 'up' });
    expect((await t.api('/api/people')).status).toBe(200);
  });

  // KNOWN GAPS — enable these when the fixes land (files outside this test's owner's reach):
  //
  // 1. runtime/stack.ts: `health.database` pings with no time limit, and the pg pool has no
  //    connect/query timeout (db/connect.ts). When the database stops answering (partition,
  //    frozen host) /readyz and /healthz hang, and every hung ping keeps a pool connection, so
  //    after DATABASE_POOL_SIZE probes every API request waits forever too.
  it('answers /readyz and /healthz within a few seconds while the database hangs', async () => {
    proxy.stall();
    try {
      // More probes than the pool has connections: a ping that keeps its connection would exhaust it.
      for (let i = 0; i < t.config.database.poolSize + 2; i++) {
        const ready = await probe('/readyz');
        expect(ready).toMatchObject({ status: 503, body: { database: 'down' } });
        expect(ready.ms).toBeLessThan(5_000);
      }
      const live = await probe('/healthz');
      expect(live.status).toBe(200);
      expect(live.ms).toBeLessThan(5_000);
    } finally {
      proxy.resume();
    }
    await poll(
      () => probe('/readyz'),
      (r) => r.status === 200,
      10_000,
      '/readyz to be 200 again',
    );
  });

  // 2. db/connect.ts: a pg client that is checked out of the pool (Kysely holds it for the
  //    length of a query or transaction) has no 'error' listener, so a connection reset during
  //    a query (a PostgreSQL restart or failover) is an uncaught exception that stops the API or
  //    worker process. The query itself rejects correctly.
  it('survives a connection cut in the middle of a query', async () => {
    const { sql } = await import('kysely');
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const query = sql`select pg_sleep(1)`.execute(t.stack.database.db);
      await new Promise((r) => setTimeout(r, 200));
      proxy.pause();
      await expect(query).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      proxy.resume();
    }
    await poll(
      () => probe('/readyz'),
      (r) => r.status === 200,
      10_000,
      '/readyz to be 200 again',
    );
  });
});
