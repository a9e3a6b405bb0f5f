/** Repository: the outbox as the operations page shows it — one cycle's queued and failed emails. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** A cycle's emails that are queued or failed, failed first, then oldest change first. */
export async function unsentEmailsOfCycle(db: Db, cycleId: number, limit: number) {
  return db
    .selectFrom('emails')
    .select(['id', 'kind', 'to_address', 'to_name', 'status', 'attempts', 'last_error', 'updated_at'])
    .where('cycle_id', '=', cycleId)
    .where('status', 'in', ['queued', 'failed'] as const)
    .orderBy('status')
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}
