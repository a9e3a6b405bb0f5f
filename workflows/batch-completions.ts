/**
 * How people complete a batch's tasks: `completeTasksUpdate` takes several people's submissions
 * at a time, checks each with the same zod schema as the task page, writes the valid ones with
 * one activity and answers each on its own. `completeTaskUpdate` (one at a time) stays for
 * executions that started before groups, with its commands unchanged.
 */
import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import {
  type CompleteTaskInput,
  type CompleteTaskResult,
  type CompleteTasksInput,
  type CompleteTasksResult,
  type CompletionOutcome,
  CORRECTABLE_KINDS,
  ErrorCode,
  MAX_COMPLETIONS_PER_UPDATE,
  completeTaskUpdate,
  completeTasksUpdate,
  correctTaskUpdate,
  submissionSchemas,
  toFieldIssues,
} from '../contract';
import type { RecordSubmissionInput, RecordSubmissionsResult } from '../activities/tasks';
import { localSubmissionActs, submissionActs } from './activity-options';
import { type BatchState, type LiveStatus, type Tracked, completionProblem } from './batch-state';

export function registerCompletions(batch: BatchState): void {
  setHandler(
    completeTasksUpdate,
    async ({ items }: CompleteTasksInput): Promise<CompleteTasksResult> => {
      await condition(() => batch.loaded);
      const outcomes: CompletionOutcome[] = new Array(items.length);
      const accepted: { index: number; task: Tracked; record: RecordSubmissionInput }[] = [];
      items.forEach(({ taskId, submission, via }, index) => {
        const task = batch.tasks.get(taskId);
        const problem = completionProblem(task?.status, taskId);
        if (problem) {
          outcomes[index] = { taskId, error: problem };
          return;
        }
        const parsed = submissionSchemas[task!.info.kind].safeParse(submission);
        if (!parsed.success) {
          outcomes[index] = {
            taskId,
            error: { type: ErrorCode.validation, message: 'the submission is not valid', issues: toFieldIssues(parsed.error.issues) },
          };
          return;
        }
        task!.status = 'completing';
        accepted.push({ index, task: task!, record: { taskId, kind: task!.info.kind, submission: parsed.data, via } });
      });
      if (!accepted.length) return { outcomes };
      let recorded: RecordSubmissionsResult;
      try {
        // Added later: the write runs as a local activity (workflows/activity-options.ts), in
        // executions that keep their timer steady (an older execution keeps the ordinary one).
        const acts = batch.steadyWake && patched('local-record-v1') ? localSubmissionActs : submissionActs;
        recorded = await acts.recordSubmissions({ items: accepted.map((a) => a.record) });
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
          batch.markCompleted(task, r.outcome, r.notices);
          outcomes[index] = { taskId, status: 'completed', completedAt: r.completedAt };
        }
      });
      return { outcomes };
    },
    {
      validator: ({ items }: CompleteTasksInput) => {
        if (!Array.isArray(items) || items.length < 1 || items.length > MAX_COMPLETIONS_PER_UPDATE) {
          throw ApplicationFailure.create({
            type: ErrorCode.validation,
            message: `items must hold 1 to ${MAX_COMPLETIONS_PER_UPDATE} completions`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    completeTaskUpdate,
    async ({ taskId, submission, via }: CompleteTaskInput): Promise<CompleteTaskResult> => {
      await condition(() => batch.loaded);
      const task = batch.tasks.get(taskId);
      checkCompletable(task?.status, taskId);
      task!.status = 'completing';
      try {
        const parsed = submissionSchemas[task!.info.kind].parse(submission);
        const { completedAt, outcome, notices } = await submissionActs.recordSubmission({ taskId, kind: task!.info.kind, submission: parsed, via });
        batch.markCompleted(task!, outcome, notices);
        return { taskId, status: 'completed', completedAt };
      } catch (error) {
        task!.status = 'open';
        throw error;
      }
    },
    {
      validator: ({ taskId, submission }: CompleteTaskInput) => {
        const task = batch.tasks.get(taskId);
        if (batch.loaded) checkCompletable(task?.status, taskId);
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
    await condition(() => batch.loaded);
    const task = batch.tasks.get(taskId);
    if (!task) throw ApplicationFailure.create({ type: ErrorCode.notFound, message: `task ${taskId} does not belong to this batch`, nonRetryable: true });
    if (!CORRECTABLE_KINDS.includes(task.info.kind) || task.status !== 'completed' || batch.closeRequest || Date.now() >= task.due || correcting.has(taskId)) {
      throw ApplicationFailure.create({ type: ErrorCode.taskClosed, message: 'this answer can no longer be corrected', nonRetryable: true });
    }
    const parsed = submissionSchemas[task.info.kind].safeParse(submission);
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: ErrorCode.validation,
        message: 'the submission is not valid',
        nonRetryable: true,
        details: [{ issues: toFieldIssues(parsed.error.issues) }],
      });
    }
    correcting.add(taskId);
    try {
      const { outcomes } = await submissionActs.recordSubmissions({
        items: [{ taskId, kind: task.info.kind, submission: parsed.data, via, correction: true }],
      });
      const result = outcomes[0]!;
      if ('error' in result) {
        throw ApplicationFailure.create({
          type: result.error.type,
          message: result.error.message,
          nonRetryable: true,
          details: result.error.issues ? [{ issues: result.error.issues }] : [],
        });
      }
      return { taskId, status: 'completed', completedAt: result.completedAt };
    } finally {
      correcting.delete(taskId);
    }
  });
}

function checkCompletable(status: LiveStatus | undefined, taskId: number): void {
  const problem = completionProblem(status, taskId);
  if (problem) throw ApplicationFailure.create({ type: problem.type, message: problem.message, nonRetryable: true });
}
