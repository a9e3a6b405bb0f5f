/**
 * taskBatch: the tasks of one phase (or one check-in week) for one batch of participants.
 *
 * It opens the tasks, sends their emails, and then runs one timer at a time: the earliest
 * reminder (before the due time), escalation (after it) or expiry among its open tasks. People
 * complete tasks through `completeTasksUpdate` (several people's completions at a time), each
 * checked by the same zod schema as the task page.
 * A `chain` turns completions into follow-up tasks — a draft into its review, "changes requested"
 * into a new draft round — until approved or the deadline. HR's controls arrive as signals:
 * extend, close early (advance or cancel), people leaving the cycle.
 *
 * Every execution stays small: a batch of B people costs about 10 history events per task.
 */
import { ApplicationFailure, allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  type BatchChangesInput,
  type CloseBatchInput,
  type CompleteTaskInput,
  type CompleteTaskResult,
  type CompleteTasksInput,
  type CompleteTasksResult,
  type CompletionOutcome,
  type CompletionRefusal,
  ErrorCode,
  MAX_COMPLETIONS_PER_UPDATE,
  type ExtendTasksInput,
  DEFAULT_STEP_POLICY,
  type StepPolicy,
  type Phase,
  type TaskBatchState,
  type TaskKind,
  batchChangesSignal,
  closeBatchSignal,
  CORRECTABLE_KINDS,
  completeTaskUpdate,
  completeTasksUpdate,
  correctTaskUpdate,
  durationToMs,
  extendTasksSignal,
  submissionSchemas,
  taskBatchStateQuery,
  toFieldIssues,
} from '../contract';
import type { RecordSubmissionInput, RecordSubmissionResult, RecordSubmissionsResult, TaskInfo } from '../activities/tasks';
import { submissionActs } from './activity-options';
import { type DueRules, dueNow, nextEventAt } from './due-events';
import { createSteps } from './steps';

export interface TaskPolicy {
  /** Reminder offsets before the due time, e.g. ["3d", "1d"]. */
  reminders: string[];
  /** After the due time: tell the manager, then HR. */
  escalations: { after: string; to: 'manager' | 'hr' }[];
  /** An unfinished task expires this long after its due time. */
  expireAfter: string;
  timeZone: string;
}

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
}

export interface TaskBatchResult {
  completed: number;
  expired: number;
  cancelled: number;
  /** For finalize tasks: the winning nominations. */
  winners: number[];
}

type LiveStatus = 'open' | 'completing' | 'completed' | 'expired' | 'cancelled';

interface Tracked {
  info: TaskInfo;
  status: LiveStatus;
  due: number;
  openedAt: number;
  reminders: number[];
  escalations: number;
}

interface FollowUp {
  kind: TaskKind;
  round: number;
  subjectPersonId: number;
  comment?: string;
}

export async function taskBatch(input: TaskBatchInput): Promise<TaskBatchResult> {
  const { workflowId } = workflowInfo();
  const { policy } = input;
  const { step } = createSteps(input.stepPolicy ?? DEFAULT_STEP_POLICY, { cycleKey: input.cycleKey, phase: input.phase });
  const tasks = new Map<number, Tracked>();
  const followUps: FollowUp[] = [];
  const extensions: ExtendTasksInput[] = [];
  const removals: number[] = [];
  const winners: number[] = [];
  let closeRequest: CloseBatchInput | undefined;
  let loaded = false;
  let changes = 0;

  const count = (s: LiveStatus) => [...tasks.values()].filter((t) => t.status === s).length;
  const dueRules: DueRules = {
    reminders: policy.reminders.map(durationToMs),
    escalations: policy.escalations.map((e) => durationToMs(e.after)),
    expireAfter: durationToMs(policy.expireAfter),
  };

  const track = (info: TaskInfo) => {
    if (tasks.has(info.taskId)) return;
    tasks.set(info.taskId, {
      info,
      status: info.status === 'open' ? 'open' : (info.status as LiveStatus),
      due: Date.parse(info.dueAt),
      openedAt: Date.now(),
      reminders: [],
      escalations: 0,
    });
  };

  setHandler(taskBatchStateQuery, (): TaskBatchState => ({
    open: count('open') + count('completing'),
    completed: count('completed'),
    expired: count('expired'),
    cancelled: count('cancelled'),
    dueAt: input.opening.dueAt,
  }));

  /** A recorded completion: the task is done; a chain may owe a follow-up. */
  const markCompleted = (task: Tracked, outcome: RecordSubmissionResult['outcome']) => {
    task.status = 'completed';
    const { kind, round, personId, subjectPersonId } = task.info;
    if (input.chain && kind === input.chain.author) {
      followUps.push({ kind: input.chain.reviewer, round, subjectPersonId: personId });
    } else if (input.chain?.loop && kind === input.chain.reviewer && outcome.decision === 'changes' && subjectPersonId !== null) {
      followUps.push({ kind: input.chain.author, round: round + 1, subjectPersonId, ...(outcome.comment ? { comment: outcome.comment } : {}) });
    }
    if (outcome.winners) winners.push(...outcome.winners);
    changes++;
  };

  setHandler(
    completeTasksUpdate,
    async ({ items }: CompleteTasksInput): Promise<CompleteTasksResult> => {
      await condition(() => loaded);
      const outcomes: CompletionOutcome[] = new Array(items.length);
      const accepted: { index: number; task: Tracked; record: RecordSubmissionInput }[] = [];
      items.forEach(({ taskId, submission, via }, index) => {
        const task = tasks.get(taskId);
        const problem = completionProblem(task?.status, taskId);
        if (problem) {
          outcomes[index] = { taskId, error: problem };
          return;
        }
        const parsed = submissionSchemas[task!.info.kind].safeParse(submission);
        if (!parsed.success) {
          outcomes[index] = { taskId, error: { type: ErrorCode.validation, message: 'the submission is not valid', issues: toFieldIssues(parsed.error.issues) } };
          return;
        }
        task!.status = 'completing';
        accepted.push({ index, task: task!, record: { taskId, kind: task!.info.kind, submission: parsed.data, via } });
      });
      if (!accepted.length) return { outcomes };
      let recorded: RecordSubmissionsResult;
      try {
        recorded = await submissionActs.recordSubmissions({ items: accepted.map((a) => a.record) });
      } catch (error) {
        for (const a of accepted) a.task.status = 'open';
        throw error;
      }
      recorded.outcomes.forEach((r, j) => {
        const { index, task } = accepted[j]!;
        const taskId = task.info.taskId;
        if ('error' in r) {
          task.status = 'open';
          outcomes[index] = { taskId, error: r.error };
        } else {
          markCompleted(task, r.outcome);
          outcomes[index] = { taskId, status: 'completed', completedAt: r.completedAt };
        }
      });
      return { outcomes };
    },
    {
      validator: ({ items }: CompleteTasksInput) => {
        if (!Array.isArray(items) || items.length < 1 || items.length > MAX_COMPLETIONS_PER_UPDATE) {
          throw ApplicationFailure.create({ type: ErrorCode.validation, message: `items must hold 1 to ${MAX_COMPLETIONS_PER_UPDATE} completions`, nonRetryable: true });
        }
      },
    },
  );

  // The one-completion update of executions started before completeTasks (unchanged commands).
  setHandler(
    completeTaskUpdate,
    async ({ taskId, submission, via }: CompleteTaskInput): Promise<CompleteTaskResult> => {
      await condition(() => loaded);
      const task = tasks.get(taskId);
      checkCompletable(task?.status, taskId);
      task!.status = 'completing';
      try {
        const parsed = submissionSchemas[task!.info.kind].parse(submission);
        const { completedAt, outcome } = await submissionActs.recordSubmission({ taskId, kind: task!.info.kind, submission: parsed, via });
        markCompleted(task!, outcome);
        return { taskId, status: 'completed', completedAt };
      } catch (error) {
        task!.status = 'open';
        throw error;
      }
    },
    {
      validator: ({ taskId, submission }: CompleteTaskInput) => {
        const task = tasks.get(taskId);
        if (loaded) checkCompletable(task?.status, taskId);
        if (!task) return; // not loaded yet: the handler checks again
        const result = submissionSchemas[task.info.kind].safeParse(submission);
        if (!result.success) {
          throw ApplicationFailure.create({
            type: ErrorCode.validation,
            message: 'the submission is not valid',
            nonRetryable: true,
            details: [{ issues: toFieldIssues(result.error.issues) }],
          });
        }
      },
    },
  );

  // A check-in corrected while its week is open: the answer is written again, the task stays
  // completed. Only this batch knows whether the window is still open (due time, closing).
  const correcting = new Set<number>();
  setHandler(correctTaskUpdate, async ({ taskId, submission, via }: CompleteTaskInput): Promise<CompleteTaskResult> => {
    await condition(() => loaded);
    const task = tasks.get(taskId);
    if (!task) throw ApplicationFailure.create({ type: ErrorCode.notFound, message: `task ${taskId} does not belong to this batch`, nonRetryable: true });
    if (!CORRECTABLE_KINDS.includes(task.info.kind) || task.status !== 'completed' || closeRequest || Date.now() >= task.due || correcting.has(taskId)) {
      throw ApplicationFailure.create({ type: ErrorCode.taskClosed, message: 'this answer can no longer be corrected', nonRetryable: true });
    }
    const parsed = submissionSchemas[task.info.kind].safeParse(submission);
    if (!parsed.success) {
      throw ApplicationFailure.create({ type: ErrorCode.validation, message: 'the submission is not valid', nonRetryable: true, details: [{ issues: toFieldIssues(parsed.error.issues) }] });
    }
    correcting.add(taskId);
    try {
      const { outcomes } = await submissionActs.recordSubmissions({ items: [{ taskId, kind: task.info.kind, submission: parsed.data, via, correction: true }] });
      const result = outcomes[0]!;
      if ('error' in result) {
        throw ApplicationFailure.create({ type: result.error.type, message: result.error.message, nonRetryable: true, details: result.error.issues ? [{ issues: result.error.issues }] : [] });
      }
      return { taskId, status: 'completed', completedAt: result.completedAt };
    } finally {
      correcting.delete(taskId);
    }
  });

  setHandler(extendTasksSignal, (e) => {
    extensions.push(e);
    changes++;
  });
  setHandler(closeBatchSignal, (c) => {
    closeRequest ??= c;
    changes++;
  });
  setHandler(batchChangesSignal, (c: BatchChangesInput) => {
    removals.push(...c.removedPersonIds);
    changes++;
  });

  const opened = await step('openPhaseTasks', (acts) => acts.openPhaseTasks({
    cycleKey: input.cycleKey,
    kind: input.opening.kind,
    round: input.opening.round,
    batchNo: input.batchNo,
    dueAt: input.opening.dueAt,
    ...(input.opening.managerDueAt ? { managerDueAt: input.opening.managerDueAt } : {}),
    ...(input.opening.weekStart ? { weekStart: input.opening.weekStart } : {}),
    timeZone: policy.timeZone,
    workflowId,
  }), { tasks: [], created: 0 });
  for (const t of opened.tasks) track(t);
  loaded = true;
  let mailQueued = opened.tasks.length > 0;

  for (;;) {
    // Anything that happens from here on (a completion, a signal) wakes the wait below at once.
    const seen = changes;
    // Follow-up tasks from completions (reviews, next drafting rounds).
    while (followUps.length && !closeRequest) {
      const f = followUps.shift()!;
      const info = await step('openFollowUpTask', (acts) => acts.openFollowUpTask({
        cycleKey: input.cycleKey,
        kind: f.kind,
        round: f.round,
        subjectPersonId: f.subjectPersonId,
        batchNo: input.batchNo,
        dueAt: input.followUpDueAt ?? input.opening.dueAt,
        ...(f.comment ? { comment: f.comment } : {}),
        timeZone: policy.timeZone,
        workflowId,
      }), null);
      if (info) {
        track(info);
        mailQueued = true;
      }
    }

    if (removals.length) {
      const personIds = removals.splice(0);
      const { closed } = await step('closeTasks', (acts) => acts.closeTasks({ workflowId, personIds, status: 'cancelled', reason: 'left the cycle' }), { closed: [] });
      for (const id of closed) tasks.get(id)!.status = 'cancelled';
    }

    for (const e of extensions.splice(0)) {
      const due = Date.parse(e.dueAt);
      const ids = [...tasks.values()].filter((t) => t.status === 'open' && (!e.taskIds || e.taskIds.includes(t.info.taskId))).map((t) => t.info.taskId);
      await step('setTaskDue', (acts) => acts.setTaskDue({ taskIds: ids, dueAt: e.dueAt, actor: 'hr' }), undefined);
      for (const id of ids) {
        const t = tasks.get(id)!;
        t.due = due;
        t.reminders = [];
        t.escalations = 0;
      }
    }

    if (closeRequest) {
      await condition(() => count('completing') === 0);
      const request = closeRequest;
      const { closed } = await step('closeTasks', (acts) => acts.closeTasks({ workflowId, status: request.status, reason: request.reason }), { closed: [] });
      for (const id of closed) tasks.get(id)!.status = closeRequest.status;
      for (const t of tasks.values()) if (t.status === 'open') t.status = closeRequest.status;
      break;
    }

    mailQueued = (await fireDueEvents()) || mailQueued;
    if (mailQueued) {
      await step('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef: workflowId }), undefined);
      mailQueued = false;
    }

    if (count('open') + count('completing') === 0 && followUps.length === 0) break;
    const next = nextWake();
    const wait = next - Date.now();
    if (wait > 0) await condition(() => changes !== seen, wait);
  }

  await condition(allHandlersFinished);
  return { completed: count('completed'), expired: count('expired'), cancelled: count('cancelled'), winners };

  /** Reminders, escalations and expiries that are due now, grouped into one activity each. */
  async function fireDueEvents(): Promise<boolean> {
    const open = [...tasks.values()].filter((t) => t.status === 'open');
    const views = open.map((t) => ({ taskId: t.info.taskId, open: true, due: t.due, openedAt: t.openedAt, reminders: t.reminders, escalations: t.escalations }));
    const { reminders, escalations, expiring } = dueNow(views, dueRules, Date.now());
    views.forEach((v, i) => (open[i]!.escalations = v.escalations));
    for (const [reminderNo, taskIds] of reminders) {
      await step('queueTaskReminders', (acts) => acts.queueTaskReminders({ workflowId, taskIds, reminderNo, timeZone: policy.timeZone }), { queued: 0 });
    }
    for (const [escalationStep, taskIds] of escalations) {
      await step('queueEscalations', (acts) => acts.queueEscalations({ workflowId, taskIds, step: escalationStep, level: policy.escalations[escalationStep]!.to, timeZone: policy.timeZone }), { queued: 0 });
    }
    if (expiring.length) {
      const { closed } = await step('closeTasks', (acts) => acts.closeTasks({ workflowId, taskIds: expiring, status: 'expired', reason: 'due time passed' }), { closed: [] });
      for (const id of closed) tasks.get(id)!.status = 'expired';
      for (const id of expiring) if (tasks.get(id)!.status === 'open') tasks.get(id)!.status = 'expired';
    }
    return reminders.size > 0 || escalations.size > 0;
  }

  /** The earliest future reminder, escalation or expiry among open tasks. */
  function nextWake(): number {
    const open = [...tasks.values()].filter((t) => t.status === 'open');
    return nextEventAt(open.map((t) => ({ taskId: t.info.taskId, open: true, due: t.due, openedAt: t.openedAt, reminders: t.reminders, escalations: t.escalations })), dueRules, Date.now());
  }
}

/** Why a task cannot be completed now, or undefined if it can. */
function completionProblem(status: LiveStatus | undefined, taskId: number): CompletionRefusal['error'] | undefined {
  if (status === undefined) return { type: ErrorCode.notFound, message: `task ${taskId} does not belong to this batch` };
  if (status === 'completed' || status === 'completing') return { type: ErrorCode.taskAlreadyCompleted, message: 'this task is already completed' };
  if (status !== 'open') return { type: ErrorCode.taskClosed, message: `this task is ${status}` };
  return undefined;
}

function checkCompletable(status: LiveStatus | undefined, taskId: number): void {
  const problem = completionProblem(status, taskId);
  if (problem) throw ApplicationFailure.create({ type: problem.type, message: problem.message, nonRetryable: true });
}
