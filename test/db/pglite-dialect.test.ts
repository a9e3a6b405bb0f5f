import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrateToLatest, openDatabase } from '../../db/connect';

describe('the PGlite dialect', () => {
  let d: Database;
  beforeAll(async () => {
    d = await openDatabase({ url: undefined, poolSize: 1, dataDir: 'memory://' });
    await migrateToLatest(d.db);
  });
  afterAll(async () => d?.close());

  it('never interleaves another caller into a transaction', async () => {
    await d.db.insertInto('people').values({ email: 'a@x.io', name: 'A', manager_id: null, department: null }).execute();
    const order: string[] = [];
    const tx = d.db.transaction().execute(async (trx) => {
      order.push('tx-begin');
      await trx.updateTable('people').set({ name: 'inside' }).execute();
      await new Promise((r) => setTimeout(r, 50));
      order.push('tx-end');
      throw new Error('roll back');
    });
    const outside = d.db
      .selectFrom('people')
      .select('name')
      .executeTakeFirstOrThrow()
      .then((r) => {
        order.push(`read:${r.name}`);
      });
    await expect(tx).rejects.toThrow('roll back');
    await outside;
    expect(order).toEqual(['tx-begin', 'tx-end', 'read:A']);
  });

  it('returns dates as strings and counts affected rows', async () => {
    const r = await sql<{ d: string }>`select date '2027-01-31' as d`.execute(d.db);
    expect(r.rows[0]!.d).toBe('2027-01-31');
    const upd = await d.db.updateTable('people').set({ department: 'X' }).executeTakeFirst();
    expect(upd.numUpdatedRows).toBe(1n);
  });
});
