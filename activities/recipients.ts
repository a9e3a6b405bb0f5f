/**
 * Who gets which task: each kind's rule lives with the kind (`recipients` in kinds/<kind>/index.ts);
 * each answers for one batch of one cycle.
 */
import type { Kysely } from 'kysely';
import type { TaskKind } from '../contract';
import type { DB } from '../db/schema';
import { kinds } from '../kinds';
import { type Recipient, managerIdsOfBatch } from '../kinds/recipients';

export { type Recipient, reviewerOf } from '../kinds/recipients';

export async function recipientsFor(
  db: Kysely<DB>,
  cycle: { id: number; hrPersonId: number },
  kind: TaskKind,
  batchNo: number,
  weekStart: string | undefined,
): Promise<Recipient[]> {
  const managers = await managerIdsOfBatch(db, cycle.id, batchNo);
  return kinds[kind].recipients({ db, cycle, batchNo, weekStart, managers });
}
