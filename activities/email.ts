/**
 * Sending the outbox. Each email is marked sent right after the SMTP server accepts it, so a
 * crash in between can repeat at most that one email, with the same Message-ID. Temporary SMTP
 * failures leave the email queued and fail the activity, so Temporal retries it with backoff;
 * permanent ones (5xx for the recipient) mark that email failed and do not hold up the others.
 */
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import { taskLink, taskToken } from '../core/tokens';
import { classifySmtpError } from '../mail/mailer';
import type { ActivityDeps } from './deps';
import { type EmailKind, type TaskEmailData, renderTaskEmail } from './email-templates';
import { emailRow } from './outbox';

export interface SendQueuedEmailsInput {
  senderRef: string;
}
export interface SendQueuedEmailsResult {
  sent: number;
  failed: number;
  skipped: number;
}

export interface QueueRemindersInput {
  workflowId: string;
  reminderNo: number;
  timeZone: string;
}
export interface QueueRemindersResult {
  queued: number;
}

export function createEmailActivities({ db, mailer, publicBaseUrl, tokenSecret, log }: ActivityDeps) {
  return {
    async sendQueuedEmails({ senderRef }: SendQueuedEmailsInput): Promise<SendQueuedEmailsResult> {
      const rows = await db
        .selectFrom('emails as e')
        .leftJoin('tasks as t', 't.id', 'e.task_id')
        .select(['e.id', 'e.kind', 'e.to_address', 'e.to_name', 'e.data', 'e.message_id', 't.cycle_id', 't.kind as task_kind', 't.round', 't.person_id', 't.status as task_status'])
        .where('e.sender_ref', '=', senderRef)
        .where('e.status', '=', 'queued')
        .orderBy('e.id')
        .execute();
      let sent = 0;
      let failed = 0;
      let skipped = 0;
      let temporary = 0;
      let lastTemporary = '';

      await Promise.all(
        rows.map(async (row) => {
          if (row.kind === 'task-reminder' && row.task_status !== 'open') {
            await markEmail(row.id, 'skipped', null);
            skipped++;
            return;
          }
          const token = taskToken(tokenSecret, { cycleId: row.cycle_id!, kind: row.task_kind!, round: row.round!, personId: row.person_id! });
          const rendered = renderTaskEmail(row.kind as EmailKind, row.data as unknown as TaskEmailData, taskLink(publicBaseUrl, token));
          try {
            await mailer.send({ to: { name: row.to_name, address: row.to_address }, messageId: row.message_id, ...rendered });
            await markEmail(row.id, 'sent', null);
            sent++;
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (classifySmtpError(error) === 'permanent') {
              await markEmail(row.id, 'failed', message);
              failed++;
              log.warn({ emailId: row.id, err: message }, 'email refused permanently');
            } else {
              await markEmail(row.id, 'queued', message);
              temporary++;
              lastTemporary = message;
            }
          }
          heartbeat({ sent, failed, temporary });
        }),
      );
      if (temporary > 0) {
        throw ApplicationFailure.retryable(`${temporary} of ${rows.length} emails could not be sent yet: ${lastTemporary}`, 'SMTP_TEMPORARY');
      }
      return { sent, failed, skipped };
    },

    async queueReminders({ workflowId, reminderNo, timeZone }: QueueRemindersInput): Promise<QueueRemindersResult> {
      const open = await db
        .selectFrom('tasks as t')
        .innerJoin('people as p', 'p.id', 't.person_id')
        .innerJoin('cycles as c', 'c.id', 't.cycle_id')
        .select(['t.id', 't.kind', 't.due_at', 't.cycle_id', 'p.id as person_id', 'p.name', 'p.email', 'p.locale', 'c.title'])
        .where('t.workflow_id', '=', workflowId)
        .where('t.status', '=', 'open')
        .execute();
      if (!open.length) return { queued: 0 };
      const inserted = await db
        .insertInto('emails')
        .values(
          open.map((t) =>
            emailRow({
              key: `task:${t.id}:reminder:${reminderNo}`,
              kind: 'task-reminder',
              cycleId: t.cycle_id,
              taskId: t.id,
              person: { id: t.person_id, name: t.name, email: t.email },
              data: {
                locale: t.locale === 'zh-CN' ? 'zh-CN' : 'en',
                personName: t.name,
                cycleTitle: t.title,
                taskKind: t.kind,
                dueAt: new Date(t.due_at).toISOString(),
                timeZone,
                reminderNo,
              },
              senderRef: workflowId,
              from: mailer.from,
            }),
          ),
        )
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .execute();
      return { queued: inserted.length };
    },
  };

  async function markEmail(id: string, status: 'sent' | 'failed' | 'queued' | 'skipped', error: string | null): Promise<void> {
    await db
      .updateTable('emails')
      .set({
        status,
        last_error: error,
        attempts: sql`attempts + 1`,
        updated_at: new Date(),
        ...(status === 'sent' ? { sent_at: new Date() } : {}),
      })
      .where('id', '=', id)
      .execute();
  }
}
