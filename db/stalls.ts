/** Repository: stalled workflow steps, as the stalled workflow reports them and operators resolve them. */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { StallStatus } from '../contract';
import type { DB, StallsTable } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** Records a stall once per stall key (a repeated report changes nothing). */
export async function insertStall(db: Db, stall: Insertable<StallsTable>): Promise<void> {
  await db
    .insertInto('stalls')
    .values(stall)
    .onConflict((oc) => oc.column('stall_key').doNothing())
    .execute();
}

/** Every step still stalled, oldest first, with its cycle's key. */
export async function openStalls(db: Db) {
  return db
    .selectFrom('stalls as s')
    .leftJoin('cycles as c', 'c.id', 's.cycle_id')
    .select(['s.id', 's.workflow_id', 's.phase', 's.step', 's.since', 's.last_failure', 's.attempts', 's.auto_retry_at', 'c.key'])
    .where('s.status', '=', 'stalled')
    .orderBy('s.since')
    .execute();
}

/** The steps of one cycle still stalled, in the order they stalled. */
export async function openStallsOfCycle(db: Db, cycleId: number) {
  return db
    .selectFrom('stalls')
    .select(['id', 'step', 'since', 'last_failure'])
    .where('cycle_id', '=', cycleId)
    .where('status', '=', 'stalled')
    .orderBy('id')
    .execute();
}

export async function findStallById(db: Db, id: number) {
  return db.selectFrom('stalls').select(['id', 'stall_key', 'workflow_id', 'status', 'cycle_id']).where('id', '=', id).executeTakeFirst();
}

export interface StallResolution {
  status: Exclude<StallStatus, 'stalled'>;
  resolvedBy: string;
  resolution: string | null;
}

/** Resolves a stall that is still stalled (found by id or by stall key); a resolved one stays as it is. */
export async function resolveStallRow(db: Db, which: { id: number } | { stallKey: string }, r: StallResolution): Promise<void> {
  let q = db
    .updateTable('stalls')
    .set({ status: r.status, resolved_by: r.resolvedBy, resolution: r.resolution, resolved_at: new Date() })
    .where('status', '=', 'stalled');
  q = 'id' in which ? q.where('id', '=', which.id) : q.where('stall_key', '=', which.stallKey);
  await q.execute();
}

/**
 * Records a stall that is resolved at once (a failed cycle workflow an operator resets): true for
 * the one caller that wrote it, false when its stall key was recorded already (a second click).
 */
export async function claimResolvedStall(
  db: Db,
  stall: Omit<Insertable<StallsTable>, 'status' | 'resolved_at'> & { status: StallResolution['status'] },
): Promise<boolean> {
  const inserted = await db
    .insertInto('stalls')
    .values({ ...stall, resolved_at: new Date() })
    .onConflict((oc) => oc.column('stall_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a claim whose action did not happen (so the operator can try again). */
export async function forgetStall(db: Db, stallKey: string): Promise<void> {
  await db.deleteFrom('stalls').where('stall_key', '=', stallKey).execute();
}
