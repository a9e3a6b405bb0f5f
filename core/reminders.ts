/**
 * "Remind now": HR sends one person a reminder of one open task, at most once a day per task.
 * The outbox row's idempotency key carries the task and the day (in the cycle's time zone), so of
 * two concurrent clicks one inserts it and the other is refused with 409; the audit row is written
 * in the same transaction. The mail leaves through an `outboxDelivery` workflow named after the
 * row, so a crash between the commit and the start is repaired by the next click (which finds the
 * row still queued and starts the same workflow again).
 *
 * The same path carries an ambassador's nudge (core/nudges.ts): `reminderData` with `nudgedBy`,
 * `queueReminder` under the nudge's own key (one per person per day), then `deliver`.
 */
import type { Client } from '@temporalio/client';
import type { Kysely, Transaction } from 'kysely';
import { ErrorCode, type Locale, type Schedule, type StepPolicy, personTimeZone } from '../contract';
import { emailRow } from '../activities/outbox';
import type { EmailData } from '../mail/templates/data';
import { writeAudit } from '../db/audit';
import { requireCycleByKey } from '../db/cycles';
import { taskForReminder } from '../db/dashboard';
import type { DB } from '../db/schema';
import type { outboxDelivery } from '../workflows/outbox-delivery';
import { dayIn } from './cycle-preview';
import { AppError } from './errors';

export interface ReminderDeps {
  db: Kysely<DB>;
  client: Client;
  taskQueue: string;
  stepPolicy: StepPolicy;
  /** The From address (it names the Message-ID's domain). */
  mailFrom: string;
}

export interface RemindResult {
  taskId: number;
  emailId: string;
  day: string;
}

/**
 * Sends the owner of an open task a personal reminder; 409 when one went out today already.
 * `remindedBy` (the signed-in person's name) is named in the email; a key's reminder names nobody.
 * The due time is in the owner's time zone; the "one a day" day is the cycle's.
 */
export async function remindNow(
  deps: ReminderDeps,
  cycleKey: string,
  taskId: number,
  actor: string,
  remindedBy?: string,
  now = new Date(),
): Promise<RemindResult> {
  const cycle = await requireCycleByKey(deps.db, cycleKey);
  const task = await taskForReminder(deps.db, cycle.id, taskId);
  if (!task) throw new AppError(ErrorCode.notFound, `no task ${taskId} in cycle ${cycleKey}`);
  if (task.status !== 'open')
    throw new AppError(ErrorCode.taskClosed, `task ${taskId} is ${task.status}: there is nothing to remind of`, { status: task.status });
  const timeZone = (cycle.schedule as unknown as Schedule).timeZone ?? 'UTC';
  const day = dayIn(now.toISOString(), timeZone);
  const key = `task:${taskId}:remind-now:${day}`;
  const senderRef = `remind-now:${taskId}:${day}`;
  const data = reminderData(task, timeZone, remindedBy ? { remindedBy } : {});
  const inserted = await deps.db
    .transaction()
    .execute((tx) =>
      queueReminder(tx, deps, { key, senderRef, cycleId: cycle.id, task, data }, { actor, action: 'task.reminded', detail: { to: task.email, day } }),
    );
  if (!inserted) {
    await redeliverIfQueued(deps, key, cycleKey);
    throw new AppError(ErrorCode.conflict, `${task.name} was already reminded of this task today (${day}); one personal reminder a day`, { day });
  }
  await deliver(deps, senderRef, cycleKey);
  return { taskId, emailId: inserted.id, day };
}

/** An open task as a personal reminder needs it (owner, cycle, subject). */
export type ReminderTask = NonNullable<Awaited<ReturnType<typeof taskForReminder>>>;

/**
 * The reminder email's data: the owner's language, the due time in the owner's time zone, and
 * who sent it by hand — HR's "remind now" (`remindedBy`) or an ambassador's nudge (`nudgedBy`).
 */
export function reminderData(
  task: ReminderTask,
  cycleTimeZone: string,
  by: { remindedBy?: string; nudgedBy?: string; nudgedAs?: 'ambassador' | 'hr' },
): EmailData['task-reminder'] {
  return {
    locale: (task.locale === 'zh-CN' ? 'zh-CN' : 'en') as Locale,
    personName: task.name,
    cycleTitle: task.title,
    timeZone: personTimeZone(task.time_zone, cycleTimeZone),
    taskKind: task.kind,
    dueAt: new Date(task.due_at).toISOString(),
    round: task.round,
    reminderNo: 0,
    ...(task.subjectName ? { subjectName: task.subjectName } : {}),
    ...(by.remindedBy ? { remindedBy: by.remindedBy } : {}),
    ...(by.nudgedBy ? { nudgedBy: by.nudgedBy, nudgedAs: by.nudgedAs ?? 'ambassador' } : {}),
  };
}

/**
 * Queues one personal reminder in the outbox under `key` and writes its audit row, in the
 * caller's transaction. Undefined when a row with that key exists already (sent before: the
 * caller refuses with 409, and nothing is written).
 */
export async function queueReminder(
  tx: Transaction<DB>,
  deps: Pick<ReminderDeps, 'mailFrom'>,
  mail: { key: string; senderRef: string; cycleId: number; task: ReminderTask; data: EmailData['task-reminder'] },
  audit: { actor: string; action: string; detail: Record<string, unknown>; subject?: string },
): Promise<{ id: string } | undefined> {
  const { task } = mail;
  const row = await tx
    .insertInto('emails')
    .values(
      emailRow({
        key: mail.key,
        kind: 'task-reminder',
        cycleId: mail.cycleId,
        taskId: task.id,
        person: { id: task.personId, name: task.name, email: task.email },
        data: mail.data,
        senderRef: mail.senderRef,
        from: deps.mailFrom,
      }),
    )
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row)
    await writeAudit(tx, {
      actor: audit.actor,
      action: audit.action,
      cycleId: mail.cycleId,
      subject: audit.subject ?? `task:${task.id}`,
      detail: audit.detail,
    });
  return row;
}

/** An earlier reminder under `key` still queued (its delivery never started): start it again. */
export async function redeliverIfQueued(deps: ReminderDeps, key: string, cycleKey: string): Promise<void> {
  const earlier = await deps.db.selectFrom('emails').select(['status', 'sender_ref']).where('idempotency_key', '=', key).executeTakeFirst();
  if (earlier?.status === 'queued') await deliver(deps, earlier.sender_ref, cycleKey).catch(() => {});
}

/** Hands the queued rows of `senderRef` to an outboxDelivery workflow named after it. */
export async function deliver(deps: ReminderDeps, senderRef: string, cycleKey: string): Promise<void> {
  try {
    await deps.client.workflow.start<typeof outboxDelivery>('outboxDelivery', {
      workflowId: senderRef,
      taskQueue: deps.taskQueue,
      args: [{ senderRef, cycleKey, stepPolicy: deps.stepPolicy }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (error) {
    throw new AppError(
      ErrorCode.unavailable,
      `the reminder is queued but could not be handed to the sender (${(error as Error).message}); click again to retry`,
    );
  }
}
