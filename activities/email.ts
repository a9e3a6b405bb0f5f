/**
 * Sending the outbox: the activity side of the one sender (mail/outbox-sender.ts). It heartbeats
 * after every message and stops between messages when Temporal cancels it — HR advanced or
 * cancelled the cycle, or the worker is shutting down — leaving the rest queued for the next
 * attempt or sender. Temporary SMTP failures fail the activity with the server's words, so
 * Temporal retries it with backoff and the log says why; permanent ones (5xx for the recipient)
 * mark that email failed and do not hold up the others.
 *
 * Composed messages are bounded per process (one limiter for every running send), not per
 * activity: a worker running 40 sends at once still renders and holds at most `composeLimit`.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createLimiter } from '../core/concurrency';
import { DEFAULT_COMPOSE_LIMIT, createOutboxSender } from '../mail/outbox-sender';
import type { ActivityDeps } from './deps';

export interface SendQueuedEmailsInput {
  senderRef: string;
}
export interface SendQueuedEmailsResult {
  sent: number;
  failed: number;
  skipped: number;
}

export function createEmailActivities(deps: ActivityDeps) {
  const sender = createOutboxSender({ ...deps, composeLimit: deps.composeLimit ?? createLimiter(DEFAULT_COMPOSE_LIMIT) });
  const log = deps.log.child({ component: 'outbox' });

  return {
    async sendQueuedEmails({ senderRef }: SendQueuedEmailsInput): Promise<SendQueuedEmailsResult> {
      const ctx = Context.current();
      const result = await sender.sendQueued(senderRef, {
        signal: ctx.cancellationSignal,
        onProgress: (p) => ctx.heartbeat(p),
      });
      const { sent, failed, skipped, temporary, untried, lastTemporary } = result;
      if (result.stopped) {
        log.info({ senderRef, sent, failed, skipped, untried }, 'sending stopped between messages: cancelled');
        // Confirms the cancellation to Temporal (rejects with the CancelledFailure).
        await ctx.cancelled;
      }
      if (temporary > 0 || untried > 0) {
        const waiting = temporary + untried;
        const smtp = lastTemporary ?? { text: 'not tried' };
        log.warn({ senderRef, attempt: ctx.info.attempt, sent, waiting, smtp }, `emails could not be sent yet: ${smtp.text}`);
        throw ApplicationFailure.create({
          message: `${waiting} of ${result.total} emails could not be sent yet: ${smtp.text}`,
          type: 'SMTP_TEMPORARY',
          details: [{ waiting, smtp }],
        });
      }
      return { sent, failed, skipped };
    },
  };
}
