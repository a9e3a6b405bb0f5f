/**
 * Repository: objectives. An objective is *current* unless a later round of its owner's
 * objectives superseded it; every reader of "the objectives" means the current ones. That rule
 * is written here once: `currentObjectives` for a query that starts from objectives, and
 * `isCurrentObjective` for a condition on an objectives alias inside a join or a larger filter.
 */
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import type { ObjectiveStatus } from '../contract';
import type { DB } from './schema';

/** The status an objective gets when a later round of its owner's objectives replaces it. */
export const SUPERSEDED: ObjectiveStatus = 'superseded';

/**
 * `<alias>.status <> 'superseded'`, for `.where(…)`, `.on(…)` or inside `eb.and([…])`:
 *   `.leftJoin('objectives as o', (j) => j.onRef('o.owner_id', '=', 'p.id').on(isCurrentObjective('o')))`.
 */
export function isCurrentObjective(alias = 'objectives'): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${alias}.status`)} <> ${sql.lit(SUPERSEDED)}`;
}

/**
 * The current objectives of a cycle, as `o`, ready to be narrowed, joined and selected:
 *   `currentObjectives(db, cycleId).where('o.owner_id', '=', personId).select(['o.id', 'o.title'])`.
 * Company objectives (owner null) are included; add `.where('o.owner_id', 'is not', null)` for people's.
 */
export function currentObjectives(db: Kysely<DB> | Transaction<DB>, cycleId: number) {
  return db.selectFrom('objectives as o').where('o.cycle_id', '=', cycleId).where(isCurrentObjective('o'));
}

/** Stores an objective's score (the mean of its key results' effective scores). */
export async function setObjectiveScore(db: Kysely<DB> | Transaction<DB>, objectiveId: number, score: number | null): Promise<void> {
  await db.updateTable('objectives').set({ score }).where('id', '=', objectiveId).execute();
}
