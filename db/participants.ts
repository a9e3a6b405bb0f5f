/** Repository: the active participants of a cycle (not removed from it, not deactivated). */
import type { Kysely } from 'kysely';
import type { DB } from './schema';

export function activeParticipants(db: Kysely<DB>, cycleId: number) {
  return db
    .selectFrom('cycle_participants as cp')
    .innerJoin('people as p', 'p.id', 'cp.person_id')
    .where('cp.cycle_id', '=', cycleId)
    .where('cp.removed_at', 'is', null)
    .where('p.active', '=', true);
}

/**
 * Active participants who own a current (not superseded) objective with key results — the ones
 * who check in, score themselves and are reviewed — or, with `owning` false, the others.
 */
export function participantsWithObjectives(db: Kysely<DB>, cycleId: number, owning = true) {
  return activeParticipants(db, cycleId).where(({ exists, not, selectFrom }) => {
    const owns = exists(
      selectFrom('objectives as o')
        .innerJoin('key_results as k', 'k.objective_id', 'o.id')
        .select('o.id')
        .whereRef('o.owner_id', '=', 'p.id')
        .where('o.cycle_id', '=', cycleId)
        .where('o.status', '!=', 'superseded'),
    );
    return owning ? owns : not(owns);
  });
}
