/** Repository: who takes part in a cycle (cycle_participants), and the batch each is in. */
import { type Kysely, type Transaction, sql } from 'kysely';
import { isCurrentObjective } from './objectives';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** The active participants of a cycle (not removed from it, not deactivated), as `cp` joined to `p`. */
export function activeParticipants(db: Db, cycleId: number) {
  return db
    .selectFrom('cycle_participants as cp')
    .innerJoin('people as p', 'p.id', 'cp.person_id')
    .where('cp.cycle_id', '=', cycleId)
    .where('cp.removed_at', 'is', null)
    .where('p.active', '=', true);
}

/**
 * Active participants who own a current objective with key results — the ones who check in,
 * score themselves and are reviewed — or, with `owning` false, the others.
 */
export function participantsWithObjectives(db: Db, cycleId: number, owning = true) {
  return activeParticipants(db, cycleId).where(({ exists, not, selectFrom }) => {
    const owns = exists(
      selectFrom('objectives as o')
        .innerJoin('key_results as k', 'k.objective_id', 'o.id')
        .select('o.id')
        .whereRef('o.owner_id', '=', 'p.id')
        .where('o.cycle_id', '=', cycleId)
        .where(isCurrentObjective('o')),
    );
    return owning ? owns : not(owns);
  });
}

/** Participants not removed (active or not), and the number of batches they fill (0 … batchCount-1). */
export async function participantStats(db: Db, cycleId: number): Promise<{ count: number; batchCount: number }> {
  const stats = await db
    .selectFrom('cycle_participants')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('batch_no').as('maxBatch')])
    .where('cycle_id', '=', cycleId)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { count: Number(stats.count), batchCount: stats.maxBatch === null ? 0 : Number(stats.maxBatch) + 1 };
}

/** Whether the person takes part in the cycle (not removed). */
export async function isParticipant(db: Db, cycleId: number, personId: number): Promise<boolean> {
  return (await currentParticipantIds(db, cycleId, [personId])).has(personId);
}

/** Of these people, the ones who take part in the cycle now (not removed). */
export async function currentParticipantIds(db: Db, cycleId: number, personIds: number[]): Promise<Set<number>> {
  if (!personIds.length) return new Set();
  const rows = await db
    .selectFrom('cycle_participants')
    .select('person_id')
    .where('cycle_id', '=', cycleId)
    .where('person_id', 'in', personIds)
    .where('removed_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.person_id));
}

/** The batch a newly added participant would start: one after the highest so far (0 for none). */
export async function nextBatchNo(db: Db, cycleId: number): Promise<number> {
  const { max } = await db
    .selectFrom('cycle_participants')
    .select((eb) => eb.fn.max('batch_no').as('max'))
    .where('cycle_id', '=', cycleId)
    .executeTakeFirstOrThrow();
  return max === null ? 0 : Number(max) + 1;
}

const CHUNK = 5_000;

/**
 * Adds people to a cycle in the given batches. A person removed earlier comes back (in the new
 * batch, added now); `rejoin: false` (a new cycle) inserts plainly.
 */
export async function addParticipantRows(db: Db, rows: { cycle_id: number; person_id: number; batch_no: number }[], rejoin = true): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const insert = db.insertInto('cycle_participants').values(rows.slice(i, i + CHUNK));
    await (
      rejoin
        ? insert.onConflict((oc) =>
            oc.columns(['cycle_id', 'person_id']).doUpdateSet((eb) => ({ removed_at: null, batch_no: eb.ref('excluded.batch_no'), added_at: sql`now()` })),
          )
        : insert
    ).execute();
  }
}

/** Marks the person removed from the cycle; false when they were not a participant. */
export async function removeParticipantRow(db: Db, cycleId: number, personId: number): Promise<boolean> {
  const updated = await db
    .updateTable('cycle_participants')
    .set({ removed_at: new Date() })
    .where('cycle_id', '=', cycleId)
    .where('person_id', '=', personId)
    .where('removed_at', 'is', null)
    .returning('person_id')
    .execute();
  return updated.length > 0;
}

/** Stores a participant's cycle score. */
export async function setParticipantScore(db: Db, cycleId: number, personId: number, score: number | null): Promise<void> {
  await db.updateTable('cycle_participants').set({ score }).where('cycle_id', '=', cycleId).where('person_id', '=', personId).execute();
}
