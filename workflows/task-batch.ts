/**
 * taskBatch: the tasks of one phase (or one check-in week) for one batch of participants.
 *
 * It opens the tasks, sends their emails, and then runs one timer at a time: the earliest
 * reminder (before the due time), escalation (after it) or expiry among its open tasks. People
 * complete tasks through `completeTasksUpdate` (workflows/batch-completions.ts). A `chain` turns
 * completions into follow-up tasks — a draft into its review, "changes requested" into a new
 * draft round — until approved or the deadline. HR's controls arrive as signals: extend, close
 * early (advance or cancel, which also interrupts a running send), people leaving the cycle.
 * A check-in week's batch (`holdUntilDue`) stays open until its due time even when everyone has
 * answered, so answers can be corrected (`correctTaskUpdate`) until the window closes.
 *
 * Every execution stays small: a batch of B people costs about 10 history events per task.
 */
import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  type BatchChangesInput,
  DEFAULT_STEP_POLICY,
  type Phase,
  type StepPolicy,
  type TaskKind,
  type TaskPolicy,
  batchChangesSignal,
  closeBatchSignal,
  extendTasksSignal,
  taskBatchStateQuery,
} from '../contract';
import { BatchState } from './batch-state';
import { batchSteps } from './batch-steps';
import { registerCompletions } from './batch-completions';
import { createSteps } from './steps';
import { WakeTimer } from './wake-timer';

export interface TaskBatchInput {
  cycleKey: string;
  phase: Phase;
  batchNo: number;
  /** The tasks opened when the batch starts. */
  opening: { kind: TaskKind; round: number; dueAt: string; managerDueAt?: string; weekStart?: string };
  /**
   * Completing an `author` task opens a `reviewer` task about its owner; with `loop`, a review
   * that requests changes opens the next `author` round for the subject.
   */
  chain?: { author: TaskKind; reviewer: TaskKind; loop: boolean };
  /** Due time of follow-up tasks (the phase deadline). */
  followUpDueAt?: string;
  policy: TaskPolicy;
  /** How hard each step is retried before it is reported stalled. */
  stepPolicy?: StepPolicy;
  /**
   * Answers stay correctable until their due time (check-in weeks): the batch ends then, or
   * when HR closes it, not as soon as the last task is answered.
   */
  holdUntilDue?: boolean;
}

export interface TaskBatchResult {
  completed: number;
  expired: number;
  cancelled: number;
  /** For finalize tasks: the winning nominations. */
  winners: number[];
}

export async function taskBatch(input: TaskBatchInput): Promise<TaskBatchResult> {
  const { workflowId } = workflowInfo();
  const { opening, policy } = input;
  const { step } = createSteps(input.stepPolicy ?? DEFAULT_STEP_POLICY, { cycleKey: input.cycleKey, phase: input.phase });
  const batch = new BatchState(input);
  const steps = batchSteps(batch, input, step, workflowId);

  setHandler(taskBatchStateQuery, () => batch.snapshot());
  registerCompletions(batch);
  setHandler(extendTasksSignal, (e) => batch.request('extend', e));
  setHandler(closeBatchSignal, (c) => {
    batch.request('close', c);
    steps.interruptSend();
  });
  setHandler(batchChangesSignal, (c: BatchChangesInput) => batch.request('remove', c.removedPersonIds));

  const opened = await step(
    'openPhaseTasks',
    (acts) =>
      acts.openPhaseTasks({
        cycleKey: input.cycleKey,
        kind: opening.kind,
        round: opening.round,
        batchNo: input.batchNo,
        dueAt: opening.dueAt,
        ...(opening.managerDueAt ? { managerDueAt: opening.managerDueAt } : {}),
        ...(opening.weekStart ? { weekStart: opening.weekStart } : {}),
        timeZone: policy.timeZone,
        workflowId,
      }),
    { tasks: [], created: 0 },
  );
  for (const t of opened.tasks) batch.track(t);
  // Added later: the loop keeps one timer across its passes (workflows/wake-timer.ts) and skips
  // the steps that have nothing to do, instead of a new timer and four awaits per completion group.
  // Decided once per execution, before any completion is let in (they read it: batch-completions.ts).
  const steady = patched('steady-wake-v1');
  batch.steadyWake = steady;
  batch.loaded = true;
  let mailQueued = opened.tasks.length > 0;
  const wake = new WakeTimer();

  for (;;) {
    // Anything that happens from here on (a completion, a signal) wakes the wait below at once.
    const seen = batch.changes;
    const followedUp = !steady || batch.followUps.length ? await steps.openFollowUps() : false;
    mailQueued = batch.takeNotices() || followedUp || mailQueued;
    if (!steady || batch.removals.length) await steps.cancelRemoved();
    if (!steady || batch.extensions.length) await steps.applyExtensions();
    if (batch.closeRequest) {
      wake.cancel();
      await condition(() => batch.count('completing') === 0);
      await steps.closeAll();
      break;
    }
    mailQueued = (await steps.fireDueEvents()) || mailQueued;
    if (mailQueued) {
      // Added after the first recorded histories: HR's close interrupts a send from here on.
      await steps.sendMail(patched('interruptible-send-v1'));
      mailQueued = false;
    }
    if (batch.unfinished() === 0 && batch.followUps.length === 0) {
      wake.cancel();
      // Added later: everyone has answered, but a check-in can still be corrected until its window closes.
      const until = input.holdUntilDue ? batch.correctableUntil() : 0;
      if (until <= Date.now() || !patched('correct-until-due-v1')) break;
      await condition(() => batch.changes !== seen, until - Date.now());
      continue;
    }
    const at = batch.nextWake(Date.now());
    if (steady) {
      // Never a wake in the past: a due event that did not fire (a rule that fires nothing at
      // its time) must not make the loop spin without yielding; it looks again a second later.
      wake.arm(Math.max(at, Date.now() + 1000));
      await condition(() => batch.changes !== seen || wake.rang);
    } else {
      if (at <= Date.now()) continue;
      await condition(() => batch.changes !== seen, at - Date.now());
    }
  }

  await condition(allHandlersFinished);
  return { completed: batch.count('completed'), expired: batch.count('expired'), cancelled: batch.count('cancelled'), winners: batch.winners };
}
