/**
 * Sending the outbox: the activity side of the one sender (mail/outbox-sender.ts). It heartbeats
 * as it goes (at most every 100 ms) and stops between messages when Temporal cancels it — HR advanced or
 * cancelled the cycle, or the worker is shutting down — leaving the rest queued for the next
 * attempt or sender. Temporary SMTP failures fail the activity with the server's words, so
 * Temporal retries it with backoff and the log says why; permanent ones (5xx for the recipient)
 * mark that email failed and do not hold up the others.
 *
 * Composed messages are bounded per process (one limiter for every running send), not per
 * activity: a worker running 40 sends at once still renders and holds at most `composeLimitFor`
 * its SMTP pool (two per connection).
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

/**
 * Two messages per SMTP connection keep every connection busy (one on the wire, one composed and
 * waiting); more only hold memory and lengthen what a stop or a crash leaves in flight.
 */
export function composeLimitFor(maxConnections: number | undefined): number {
  return maxConnections ? Math.min(DEFAULT_COMPOSE_LIMIT, Math.max(4, 2 * maxConnections)) : DEFAULT_COMPOSE_LIMIT;
}

/** How often a running send heartbeats (runtime/worker.ts passes at most one a second on). */
const HEARTBEAT_EVERY_MS = 100;

export function createEmailActivities(deps: ActivityDeps) {
  const sender = createOutboxSender({ ...deps, composeLimit: deps.composeLimit ?? createLimiter(composeLimitFor(deps.mailer.maxConnections)) });
  const log = deps.log.child({ component: 'outbox' });

  return {
    async sendQueuedEmails({ senderRef }: SendQueuedEmailsInput): Promise<SendQueuedEmailsResult> {
      const ctx = Context.current();
      const signal = deps.stopping ? AbortSignal.any([ctx.cancellationSignal, deps.stopping]) : ctx.cancellationSignal;
      // Heartbeats carry the progress and bring a cancellation in. The worker passes at most one a
      // second on to the server, so one every HEARTBEAT_EVERY_MS is as prompt as one per message
      // and spares a launch of 10,000 emails most of its heartbeat calls (about 2 % of the worker's CPU).
      // A heartbeat also goes out every second while no message moves (one held by a silent SMTP
      // server): the cancellation still arrives, and the attempt is not taken for a dead one.
      let lastBeat = 0;
      let latest: unknown;
      const beat = (p: unknown) => {
        latest = p;
        const now = Date.now();
        if (now - lastBeat < HEARTBEAT_EVERY_MS) return;
        lastBeat = now;
        ctx.heartbeat(p);
      };
      const idle = setInterval(() => {
        if (Date.now() - lastBeat >= 1_000) beat(latest);
      }, 1_000);
      let result: Awaited<ReturnType<typeof sender.sendQueued>>;
      try {
        result = await sender.sendQueued(senderRef, { signal, onProgress: beat });
      } finally {
        clearInterval(idle);
      }
      const { sent, failed, skipped, temporary, untried, lastTemporary } = result;
      if (result.stopped) {
        const why = ctx.cancellationSignal.aborted ? 'cancelled' : 'the worker is stopping';
        log.info({ senderRef, sent, failed, skipped, untried }, `sending stopped between messages: ${why}`);
        // Confirms a cancellation to Temporal (rejects with the CancelledFailure).
        if (ctx.cancellationSignal.aborted) await ctx.cancelled;
        // The rest stay queued; the retry (on this worker's successor) sends them.
        throw ApplicationFailure.create({
          message: `stopped after ${sent} of ${result.total} emails: the worker is stopping`,
          type: 'WORKER_STOPPING',
          details: [{ sent, untried }],
        });
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
