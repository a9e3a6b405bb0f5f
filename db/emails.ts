/** Repository: the email outbox — what the API and the operator read, and the operator's retry / skip. */
import type { Insertable, Kysely, Transaction } from 'kysely';
import { EMAIL_STATUSES, type EmailStatus } from '../contract';
import type { DB, EmailsTable } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 1_000;

/** Queues outbox rows; a row whose idempotency key exists already is left as it is. Returns how many were new. */
export async function queueEmails(db: Db, rows: Insertable<EmailsTable>[]): Promise<number> {
  let queued = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await db
      .insertInto('emails')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .execute();
    queued += inserted.length;
  }
  return queued;
}

/** How many of a cycle's emails are in each status (every status present, 0 when none). */
export async function emailCountsByStatus(db: Db, cycleId: number): Promise<Record<EmailStatus, number>> {
  const rows = await db.selectFrom('emails').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).where('cycle_id', '=', cycleId).groupBy('status').execute();
  const counts = Object.fromEntries(EMAIL_STATUSES.map((s) => [s, 0])) as Record<EmailStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** Emails the SMTP server refused permanently, oldest change first, with their cycle's key and task's phase. */
export async function failedEmails(db: Db) {
  return db
    .selectFrom('emails as e')
    .leftJoin('cycles as c', 'c.id', 'e.cycle_id')
    .leftJoin('tasks as t', 't.id', 'e.task_id')
    .select(['e.id', 'e.kind', 'e.to_address', 'e.last_error', 'e.attempts', 'e.updated_at', 'c.key', 't.phase'])
    .where('e.status', '=', 'failed')
    .orderBy('e.updated_at')
    .execute();
}

/** The status of the email with this id, or undefined. */
export async function findEmailStatus(db: Db, id: string): Promise<EmailStatus | undefined> {
  return (await db.selectFrom('emails').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

/**
 * An operator's decision on a failed email, taken only if it is still failed (so the second of
 * two clicks changes nothing): `retry` queues it again, `skip` marks it skipped with the note.
 * Returns the row, or undefined when it was not failed (or does not exist).
 */
export async function claimFailedEmail(db: Db, id: string, decision: { action: 'retry' } | { action: 'skip'; note: string }) {
  return db
    .updateTable('emails')
    .set(decision.action === 'skip' ? { status: 'skipped', last_error: decision.note, updated_at: new Date() } : { status: 'queued', updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .returning(['id', 'attempts', 'cycle_id'])
    .executeTakeFirst();
}

/** Hands the email to another sender (the workflow that will send it). */
export async function setEmailSender(db: Db, id: string, senderRef: string): Promise<void> {
  await db.updateTable('emails').set({ sender_ref: senderRef }).where('id', '=', id).execute();
}
