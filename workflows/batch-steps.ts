/**
 * The activities a task batch runs, one function per thing it does: open follow-ups, cancel the
 * tasks of people who left, move due times, close the batch, fire due events, send the mail.
 * Each goes through `step` (retries, then a stall an operator resolves: workflows/steps.ts).
 */
import { ActivityFailure, CancellationScope, condition, isCancellation, patched, sleep } from '@temporalio/workflow';
import type { BatchState } from './batch-state';
import type { Acts, StepOptions } from './steps';
import type { TaskBatchInput } from './task-batch';

/** How long HR's close waits for an interrupted send to stop before the batch closes anyway. */
const STOP_WAIT_MS = 3_000;

type Step = <T>(name: string, run: (a: Acts) => Promise<T>, onSkip: T, options?: StepOptions) => Promise<T>;

export function batchSteps(batch: BatchState, input: TaskBatchInput, step: Step, workflowId: string) {
  const { policy } = input;
  /** The running send, cancelled when HR closes the batch (advance or cancel). */
  let sending: CancellationScope | undefined;

  /**
   * Sends the batch's queued mail. With `interruptible`, the send runs in a cancellation scope
   * that HR's close cancels (the activity stops between messages); what it did not send stays
   * queued in the outbox, and a cancelled send is no stall.
   */
  async function sendMail(interruptible: boolean): Promise<void> {
    if (!interruptible) {
      await step('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef: workflowId }), undefined);
      return;
    }
    // Added later: HR's close waits until the interrupted send has stopped (between messages,
    // having marked what it sent) before the batch closes its tasks and settles the outbox.
    // Before, the close went on at once: the settling send overlapped the interrupted one, and the
    // emails it had delivered but not yet marked were marked skipped.
    const stopsFirst = patched('send-stops-first-v1');
    await step(
      'sendQueuedEmails',
      async (acts) => {
        if (batch.closeRequest) return undefined;
        sending = new CancellationScope({ cancellable: true });
        try {
          const attempt = sending.run(() => acts.sendQueuedEmails({ senderRef: workflowId }));
          if (!stopsFirst) return await attempt;
          // A send that does not stop in time (a message held by a silent SMTP server) is left to
          // end by itself: what it delivers is still marked sent (mail/outbox-sender.ts).
          attempt.catch(() => undefined);
          // Only the timer's firing ends the wait early: when this scope is cancelled (the send
          // ended, or an operator's retry cancels a probing attempt) the race waits for the send.
          const waiting = new CancellationScope();
          const gaveUp = waiting
            .run(async () => {
              await condition(() => batch.closeRequest !== undefined);
              await sleep(STOP_WAIT_MS);
            })
            .then(
              () => undefined,
              () => new Promise<never>(() => undefined),
            );
          try {
            return await Promise.race([attempt, gaveUp]);
          } finally {
            waiting.cancel();
          }
        } catch (error) {
          // Only HR's close is ours to absorb; any other cancellation (an operator's retry of a
          // stalled send cancels the probing attempt) belongs to the step around us. Once HR has
          // closed the batch, however the awaited send ended, what it left queued is settled next.
          if (batch.closeRequest && (isCancellation(error) || (stopsFirst && error instanceof ActivityFailure))) return undefined;
          throw error;
        } finally {
          sending = undefined;
        }
      },
      undefined,
      { waitOnCancel: stopsFirst },
    );
  }

  return {
    /** Follow-up tasks from completions (reviews, next drafting rounds); true if any opened. */
    async openFollowUps(): Promise<boolean> {
      let opened = false;
      // Added later: follow-ups that came due together open in one activity per kind and round,
      // so a manager with several calibrations (or reviews) gets one email listing them.
      while (batch.followUps.length > 1 && !batch.closeRequest && patched('follow-ups-together-v1')) {
        const first = batch.followUps[0]!;
        const same = batch.followUps.filter((f) => f.kind === first.kind && f.round === first.round && f.comment === first.comment);
        for (const f of same) batch.followUps.splice(batch.followUps.indexOf(f), 1);
        const infos = await step(
          'openFollowUpTasks',
          (acts) =>
            acts.openFollowUpTasks({
              cycleKey: input.cycleKey,
              kind: first.kind,
              round: first.round,
              subjectPersonIds: same.map((f) => f.subjectPersonId),
              batchNo: input.batchNo,
              dueAt: input.followUpDueAt ?? input.opening.dueAt,
              ...(first.comment ? { comment: first.comment } : {}),
              timeZone: policy.timeZone,
              workflowId,
            }),
          [],
        );
        for (const info of infos) batch.track(info);
        opened = infos.length > 0 || opened;
      }
      while (batch.followUps.length && !batch.closeRequest) {
        const f = batch.followUps.shift()!;
        const info = await step(
          'openFollowUpTask',
          (acts) =>
            acts.openFollowUpTask({
              cycleKey: input.cycleKey,
              kind: f.kind,
              round: f.round,
              subjectPersonId: f.subjectPersonId,
              batchNo: input.batchNo,
              dueAt: input.followUpDueAt ?? input.opening.dueAt,
              ...(f.comment ? { comment: f.comment } : {}),
              timeZone: policy.timeZone,
              workflowId,
            }),
          null,
        );
        if (info) {
          batch.track(info);
          opened = true;
        }
      }
      return opened;
    },

    async cancelRemoved(): Promise<void> {
      if (!batch.removals.length) return;
      const personIds = batch.removals.splice(0);
      const { closed } = await step('closeTasks', (acts) => acts.closeTasks({ workflowId, personIds, status: 'cancelled', reason: 'left the cycle' }), {
        closed: [],
      });
      batch.setStatus(closed, 'cancelled');
    },

    async applyExtensions(): Promise<void> {
      for (const e of batch.extensions.splice(0)) {
        const ids = batch.extendable(e);
        await step('setTaskDue', (acts) => acts.setTaskDue({ taskIds: ids, dueAt: e.dueAt, actor: 'hr' }), undefined);
        batch.moveDue(ids, e.dueAt);
      }
    },

    /** HR closed the batch: its open tasks expire (advance) or are cancelled, once none is completing. */
    async closeAll(): Promise<void> {
      const request = batch.closeRequest!;
      const { closed } = await step('closeTasks', (acts) => acts.closeTasks({ workflowId, status: request.status, reason: request.reason }), { closed: [] });
      batch.setStatus(closed, request.status);
      batch.setStatus(batch.tasks.keys(), request.status, true);
      // Added later: what an interrupted send left queued is settled before the batch ends —
      // notices still go out; invitations and reminders of the tasks just closed are skipped.
      if (patched('settle-outbox-v1')) await sendMail(false);
    },

    /** Reminders, escalations and expiries that are due now, grouped into one activity each; true if mail was queued. */
    async fireDueEvents(): Promise<boolean> {
      const { reminders, escalations, expiring } = batch.dueNow(Date.now());
      for (const [reminderNo, taskIds] of reminders) {
        await step('queueTaskReminders', (acts) => acts.queueTaskReminders({ workflowId, taskIds, reminderNo, timeZone: policy.timeZone }), { queued: 0 });
      }
      for (const [escalationStep, taskIds] of escalations) {
        await step(
          'queueEscalations',
          (acts) =>
            acts.queueEscalations({ workflowId, taskIds, step: escalationStep, level: policy.escalations[escalationStep]!.to, timeZone: policy.timeZone }),
          { queued: 0 },
        );
      }
      if (expiring.length) {
        const { closed } = await step(
          'closeTasks',
          (acts) => acts.closeTasks({ workflowId, taskIds: expiring, status: 'expired', reason: 'due time passed' }),
          { closed: [] },
        );
        batch.setStatus(closed, 'expired');
        batch.setStatus(expiring, 'expired', true);
      }
      return reminders.size > 0 || escalations.size > 0;
    },

    sendMail,

    /** HR's close arrived: interrupt a running send. */
    interruptSend(): void {
      sending?.cancel();
    },
  };
}
