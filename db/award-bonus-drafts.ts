/**
 * Repository: award_bonus_drafts, the bonuses of a finalize submission on their way from the API
 * to the task's recording (so they never travel through Temporal nor land in tasks.result).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

export interface BonusDraft {
  nominationId: number;
  /** Two decimals, as numeric(14, 2) stores it ("1500.00"). */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
}

/** The task's drafts become exactly these (none: the submission has no bonus), in one transaction. */
export async function replaceBonusDrafts(db: Kysely<DB>, taskId: number, drafts: BonusDraft[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('award_bonus_drafts').where('task_id', '=', taskId).execute();
    if (drafts.length)
      await tx
        .insertInto('award_bonus_drafts')
        .values(drafts.map((d) => ({ task_id: taskId, nomination_id: d.nominationId, amount: d.amount, currency: d.currency })))
        .execute();
  });
}

/** Reads and deletes the task's drafts (inside the transaction that records the task), by nomination. */
export async function takeBonusDrafts(tx: Transaction<DB>, taskId: number): Promise<Map<number, BonusDraft>> {
  const rows = await tx.deleteFrom('award_bonus_drafts').where('task_id', '=', taskId).returning(['nomination_id', 'amount', 'currency']).execute();
  return new Map(rows.map((r) => [r.nomination_id, { nominationId: r.nomination_id, amount: r.amount, currency: r.currency }]));
}

/** Forgets the task's drafts (its submission was refused). */
export async function dropBonusDrafts(db: Db, taskId: number): Promise<void> {
  await db.deleteFrom('award_bonus_drafts').where('task_id', '=', taskId).execute();
}

/** The task's drafts as stored, by nomination id (for checks and tests). */
export async function bonusDraftsOf(db: Db, taskId: number): Promise<BonusDraft[]> {
  const rows = await db
    .selectFrom('award_bonus_drafts')
    .select(['nomination_id', 'amount', 'currency'])
    .where('task_id', '=', taskId)
    .orderBy('nomination_id')
    .execute();
  return rows.map((r) => ({ nominationId: r.nomination_id, amount: r.amount, currency: r.currency }));
}
