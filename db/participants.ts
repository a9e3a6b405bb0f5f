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
