/**
 * Sending the outbox. Each email is marked sent right after the SMTP server accepts it, so a
 * crash in between can repeat at most that one email, with the same Message-ID. Temporary SMTP
 * failures leave the email queued and fail the activity, so Temporal retries it with backoff;
 * permanent ones (5xx for the recipient) mark that email failed and do not hold up the others.
 *
 * Rendering happens here, at send time: the task link is derived from the task (never stored),
 * and an email to a task's owner gets the task's reply address (`Reply-To: tasks+<key>@<domain>`)
 * when replies by email are on (the mailer's `replyDomain`).
 */
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { TaskKind } from '../contract';
import { replyAddress } from '../core/reply-keys';
import { type TaskRef, kindHandlers } from '../core/task-kinds';
import { taskLink, taskToken } from '../core/tokens';
import { type OutgoingMessage, classifySmtpError } from '../mail/mailer';
import type { ActivityDeps } from './deps';
import { EMAIL_KINDS, OWNER_TASK_EMAIL_KINDS, type OutboxData, type OutboxKind, REPLY_KINDS, type RenderExtras, renderEmail } from './email-templates';

export interface SendQueuedEmailsInput {
  senderRef: string;
}
export interface SendQueuedEmailsResult {
  sent: number;
  failed: number;
  skipped: number;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set<OutboxKind>([...EMAIL_KINDS, 'reply-answer']);
/** Messages in flight at once per activity (the transport pool queues the rest anyway). */
const CONCURRENCY = 32;

export function createEmailActivities({ db, mailer, publicBaseUrl, tokenSecret, log }: ActivityDeps) {
  const replyDomain = mailer.replyDomain;

  type Row = Awaited<ReturnType<typeof queued>>[number];
  function queued(senderRef: string) {
    return db
      .selectFrom('emails as e')
      .leftJoin('tasks as t', 't.id', 'e.task_id')
      .select([
        'e.id',
        'e.kind',
        'e.to_address',
        'e.to_name',
        'e.person_id',
        'e.data',
        'e.message_id',
        'e.task_id',
        'e.cycle_id as email_cycle_id',
        't.cycle_id',
        't.kind as task_kind',
        't.round',
        't.person_id as task_person_id',
        't.subject_person_id',
        't.status as task_status',
      ])
      .where('e.sender_ref', '=', senderRef)
      .where('e.status', '=', 'queued')
      .orderBy('e.id')
      .execute();
  }

  /** Why a queued email is no longer worth sending, if it is not. */
  function staleReason(row: Row): string | null {
    if (row.kind === 'task-reminder' && row.task_status !== null && row.task_status !== 'open') return `task is ${row.task_status}`;
    if (row.kind === 'task-escalation' && (row.task_status === 'completed' || row.task_status === 'cancelled')) return `task is ${row.task_status}`;
    return null;
  }

  /** What the template needs from the task's current state: key results, objectives under review. */
  async function extrasFor(ref: TaskRef): Promise<RenderExtras> {
    try {
      const context = await kindHandlers[ref.kind].context(db, ref);
      const confidence = (context.values as { confidence?: unknown } | null)?.confidence;
      return { keyResults: context.keyResults, objectives: context.objectives, ...(typeof confidence === 'number' ? { confidence } : {}) };
    } catch (error) {
      // The email still goes out, with the link and generic reply examples.
      log.warn({ taskId: ref.id, err: error instanceof Error ? error.message : String(error) }, 'could not load the task context for its email');
      return {};
    }
  }

  /** Each task's personal link in an email that lists several tasks of its recipient. */
  function togetherLinks(d: OutboxData['tasks-together'], personId: number | null, cycleId: number | null): Record<number, string> {
    if (personId === null || cycleId === null) return {};
    return Object.fromEntries(
      d.tasks.map((t) => [t.taskId, taskLink(publicBaseUrl, taskToken(tokenSecret, { cycleId, kind: d.taskKind, round: d.round, personId, subjectPersonId: t.subjectPersonId }))]),
    );
  }

  async function compose(row: Row): Promise<OutgoingMessage> {
    if (!KNOWN_KINDS.has(row.kind)) throw new Error(`unknown email kind ${row.kind}`);
    const kind = row.kind as OutboxKind;
    // Only the task's owner gets its link and reply address; an escalation about the task goes to someone else.
    const toOwner = OWNER_TASK_EMAIL_KINDS.has(kind) && row.task_id !== null && row.task_kind !== null && row.task_person_id === row.person_id;
    let link: string | undefined;
    let replyTo: string | undefined;
    let extras: RenderExtras = {};
    if (toOwner) {
      const taskKind = row.task_kind as TaskKind;
      link = taskLink(publicBaseUrl, taskToken(tokenSecret, { cycleId: row.cycle_id!, kind: taskKind, round: row.round!, personId: row.task_person_id!, subjectPersonId: row.subject_person_id }));
      if (replyDomain) replyTo = replyAddress(tokenSecret, row.task_id!, replyDomain);
      if (REPLY_KINDS.has(taskKind)) {
        const ref: TaskRef = { id: row.task_id!, kind: taskKind, cycleId: row.cycle_id!, personId: row.task_person_id!, ownerEmail: row.to_address, subjectPersonId: row.subject_person_id, round: row.round! };
        extras = await extrasFor(ref);
      }
      extras.replies = replyTo !== undefined;
    }
    if (kind === 'tasks-together') extras.links = togetherLinks(row.data as unknown as OutboxData['tasks-together'], row.person_id, row.email_cycle_id);
    const rendered = renderEmail(kind, row.data as unknown as OutboxData[typeof kind], link, extras);
    return { to: { name: row.to_name, address: row.to_address }, messageId: row.message_id, ...(replyTo ? { replyTo } : {}), ...rendered };
  }

  async function markEmail(id: string, status: 'sent' | 'failed' | 'queued' | 'skipped', error: string | null): Promise<void> {
    await db
      .updateTable('emails')
      .set({
        status,
        last_error: error,
        attempts: status === 'skipped' ? sql`attempts` : sql`attempts + 1`,
        updated_at: new Date(),
        ...(status === 'sent' ? { sent_at: new Date() } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  return {
    async sendQueuedEmails({ senderRef }: SendQueuedEmailsInput): Promise<SendQueuedEmailsResult> {
      const rows = await queued(senderRef);
      let sent = 0;
      let failed = 0;
      let skipped = 0;
      let temporary = 0;
      let lastTemporary = '';

      const sendOne = async (row: Row): Promise<void> => {
        const stale = staleReason(row);
        if (stale) {
          await markEmail(row.id, 'skipped', stale);
          skipped++;
          return;
        }
        let message: OutgoingMessage;
        try {
          message = await compose(row);
        } catch (error) {
          // A template bug or a malformed row: retrying cannot fix it, and it must not hold up the rest.
          const text = error instanceof Error ? error.message : String(error);
          await markEmail(row.id, 'failed', `render: ${text}`);
          failed++;
          log.error({ emailId: row.id, kind: row.kind, err: text }, 'email could not be rendered');
          return;
        }
        try {
          await mailer.send(message);
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          if (classifySmtpError(error) === 'permanent') {
            await markEmail(row.id, 'failed', text);
            failed++;
            log.warn({ emailId: row.id, err: text }, 'email refused permanently');
          } else {
            await markEmail(row.id, 'queued', text);
            temporary++;
            lastTemporary = text;
          }
          return;
        }
        // Accepted by the SMTP server: a crash before this line resends this one email, same Message-ID.
        await markEmail(row.id, 'sent', null);
        sent++;
      };

      let next = 0;
      const lane = async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          await sendOne(row);
          heartbeat({ sent, failed, skipped, temporary });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, lane));

      if (temporary > 0) {
        throw ApplicationFailure.retryable(`${temporary} of ${rows.length} emails could not be sent yet: ${lastTemporary}`, 'SMTP_TEMPORARY');
      }
      return { sent, failed, skipped };
    },
  };
}
