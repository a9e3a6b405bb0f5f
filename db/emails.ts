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
  const rows = await db
    .selectFrom('emails')
    .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
    .where('cycle_id', '=', cycleId)
    .groupBy('status')
    .execute();
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

/** A cycle's outbox as an operator needs it: what waits, what was refused, and the last thing the SMTP server said. */
export interface OutboxHealth {
  queued: number;
  failed: number;
  /** The SMTP answer of the most recent failed attempt among the emails still waiting or failed; null when none failed. */
  lastError: string | null;
  lastAttemptAt: string | null;
}

const WAITING_AFTER_FAILURE = ['queued', 'failed'] as const;

/**
 * The outbox health of these cycles (every id present in the result), or — without ids — of every
 * cycle whose outbox has a failure (an email queued after a failed attempt, or refused for good).
 * Keys are cycle ids; emails without a cycle are under null.
 */
export async function outboxHealth(db: Db, cycleIds?: number[]): Promise<Map<number | null, OutboxHealth>> {
  const result = new Map<number | null, OutboxHealth>();
  for (const id of cycleIds ?? []) result.set(id, { queued: 0, failed: 0, lastError: null, lastAttemptAt: null });
  if (cycleIds?.length === 0) return result;
  const latest = await db
    .selectFrom('emails')
    .distinctOn('cycle_id')
    .select(['cycle_id', 'last_error', 'last_attempt_at'])
    .where('last_error', 'is not', null)
    .where('status', 'in', WAITING_AFTER_FAILURE)
    .$if(cycleIds !== undefined, (q) => q.where('cycle_id', 'in', cycleIds!))
    .orderBy('cycle_id')
    .orderBy('last_attempt_at', (o) => o.desc().nullsLast())
    .execute();
  const ids = cycleIds ?? latest.map((r) => r.cycle_id);
  if (!ids.length) return result;
  const nonNull = ids.filter((id): id is number => id !== null);
  const counts = await db
    .selectFrom('emails')
    .select((eb) => ['cycle_id', 'status', eb.fn.countAll<string>().as('n')])
    .where('status', 'in', WAITING_AFTER_FAILURE)
    .where((eb) => eb.or([...(nonNull.length ? [eb('cycle_id', 'in', nonNull)] : []), ...(ids.includes(null) ? [eb('cycle_id', 'is', null)] : [])]))
    .groupBy(['cycle_id', 'status'])
    .execute();
  const entry = (id: number | null) => {
    let e = result.get(id);
    if (!e) result.set(id, (e = { queued: 0, failed: 0, lastError: null, lastAttemptAt: null }));
    return e;
  };
  for (const id of ids) entry(id);
  for (const c of counts) entry(c.cycle_id)[c.status as (typeof WAITING_AFTER_FAILURE)[number]] = Number(c.n);
  for (const l of latest) {
    const e = entry(l.cycle_id);
    e.lastError = l.last_error;
    e.lastAttemptAt = l.last_attempt_at ? new Date(l.last_attempt_at).toISOString() : null;
  }
  return result;
}

/** "3 emails waiting, last error: 421 …" — the outbox health in one line. */
export function outboxHealthLine(h: OutboxHealth): string {
  const parts = [`${h.queued} email${h.queued === 1 ? '' : 's'} waiting`];
  if (h.failed) parts.push(`${h.failed} refused`);
  if (h.lastError) parts.push(`last error${h.lastAttemptAt ? ` at ${h.lastAttemptAt}` : ''}: ${h.lastError}`);
  return parts.join(', ');
}
