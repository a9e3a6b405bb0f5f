/**
 * taskBatch: one phase's tasks for one batch of participants. It opens the tasks, sends the
 * emails, reminds before the due time, accepts completions as updates (validated by the same zod
 * schema as the task page), and at the due time expires what is still open.
 *
 * Batching keeps every execution far from Temporal's limits: a batch of B people costs about
 * 10 history events per completion, so B = 250 stays near 2,500 events.
 */
import { ApplicationFailure, allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  type CompleteTaskInput,
  type CompleteTaskResult,
  ErrorCode,
  type TaskBatchState,
  type TaskKind,
  completeTaskUpdate,
  durationToMs,
  submissionSchemas,
  taskBatchStateQuery,
  toFieldIssues,
} from '../contract';
import { acts, localActs } from './activity-options';

export interface TaskBatchInput {
  cycleKey: string;
  kind: TaskKind;
  round: number;
  batchNo: number;
  dueAt: string;
  /** Reminder offsets before `dueAt`, e.g. ["3d", "1d"]. */
  reminders: string[];
  timeZone: string;
}

export interface TaskBatchResult {
  completed: number;
  expired: number;
  cancelled: number;
}

type LiveStatus = 'open' | 'completing' | 'completed' | 'expired' | 'cancelled';

export async function taskBatch(input: TaskBatchInput): Promise<TaskBatchResult> {
  const { workflowId } = workflowInfo();
  const tasks = new Map<number, LiveStatus>();
  let loaded = false;
  const count = (s: LiveStatus) => [...tasks.values()].filter((v) => v === s).length;
  const unfinished = () => count('open') + count('completing');

  setHandler(taskBatchStateQuery, (): TaskBatchState => ({
    open: unfinished(),
    completed: count('completed'),
    expired: count('expired'),
    cancelled: count('cancelled'),
    dueAt: input.dueAt,
  }));

  setHandler(
    completeTaskUpdate,
    async ({ taskId, submission, via }: CompleteTaskInput): Promise<CompleteTaskResult> => {
      await condition(() => loaded);
      checkCompletable(tasks.get(taskId), taskId);
      tasks.set(taskId, 'completing');
      try {
        const parsed = submissionSchemas[input.kind].parse(submission);
        const { completedAt } = await localActs.recordSubmission({ taskId, kind: input.kind, submission: parsed, via });
        tasks.set(taskId, 'completed');
        return { taskId, status: 'completed', completedAt };
      } catch (error) {
        tasks.set(taskId, 'open');
        throw error;
      }
    },
    {
      validator: ({ taskId, submission }: CompleteTaskInput) => {
        if (loaded) checkCompletable(tasks.get(taskId), taskId);
        const result = submissionSchemas[input.kind].safeParse(submission);
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

  const opened = await acts.openTasks({ ...input, workflowId });
  for (const t of opened.tasks) tasks.set(t.taskId, t.status === 'open' ? 'open' : (t.status as LiveStatus));
  loaded = true;
  await acts.sendQueuedEmails({ senderRef: workflowId });

  const due = Date.parse(input.dueAt);
  const reminders = input.reminders
    .map((offset, reminderNo) => ({ reminderNo, at: due - durationToMs(offset) }))
    .filter((r) => r.at > Date.now())
    .sort((a, b) => a.at - b.at);
  for (const r of reminders) {
    if (await condition(() => unfinished() === 0, r.at - Date.now())) break;
    await acts.queueReminders({ workflowId, reminderNo: r.reminderNo, timeZone: input.timeZone });
    await acts.sendQueuedEmails({ senderRef: workflowId });
  }
  const untilDue = due - Date.now();
  if (untilDue > 0) await condition(() => unfinished() === 0, untilDue);
  // A completion already in flight at the deadline is allowed to finish.
  await condition(() => count('completing') === 0);
  if (count('open') > 0) {
    await acts.closeOpenTasks({ workflowId, status: 'expired', reason: 'due time passed' });
    for (const [id, s] of tasks) if (s === 'open') tasks.set(id, 'expired');
  }
  await condition(allHandlersFinished);
  return { completed: count('completed'), expired: count('expired'), cancelled: count('cancelled') };
}

function checkCompletable(status: LiveStatus | undefined, taskId: number): void {
  if (status === undefined) {
    throw ApplicationFailure.create({ type: ErrorCode.notFound, message: `task ${taskId} does not belong to this batch`, nonRetryable: true });
  }
  if (status === 'completed' || status === 'completing') {
    throw ApplicationFailure.create({ type: ErrorCode.taskAlreadyCompleted, message: 'this task is already completed', nonRetryable: true });
  }
  if (status !== 'open') {
    throw ApplicationFailure.create({ type: ErrorCode.taskClosed, message: `this task is ${status}`, nonRetryable: true });
  }
}
