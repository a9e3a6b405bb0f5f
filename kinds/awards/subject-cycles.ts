/**
 * Whose OKRs an awards step looks at. A quarterly cycle's awards look at its own objectives,
 * check-ins and execution items; a yearly awards run (its own cycle row, kind 'awards-run') looks
 * at those of the cycles it covers. Nominations, votes and winners stay on the run's own row.
 */
import type { Kysely, Transaction } from 'kysely';
import { coveredCycleIds } from '../../db/cycles';
import type { DB } from '../../db/schema';

export async function subjectCycleIds(db: Kysely<DB> | Transaction<DB>, cycleId: number): Promise<number[]> {
  const covered = await coveredCycleIds(db, cycleId);
  return covered.length ? covered : [cycleId];
}

/** The titles of the cycles, when there is more than one (an awards run): each OKR record says which cycle it is from. */
export async function cycleTitles(db: Kysely<DB> | Transaction<DB>, cycleIds: number[]): Promise<Map<number, string> | undefined> {
  if (cycleIds.length < 2) return undefined;
  const rows = await db.selectFrom('cycles').select(['id', 'title']).where('id', 'in', cycleIds).execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}
