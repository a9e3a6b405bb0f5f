/**
 * Queries, updates and signals of the workflows, declared once and imported by the workflows
 * (handlers) and the API (callers). Every message takes one object and returns one object.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CycleState } from './cycles';
import type { TaskStatus } from './tasks';

export const cycleStateQuery = defineQuery<CycleState>('cycleState');

export interface CompleteTaskInput {
  taskId: number;
  /** The submitted fields; checked against `submissionSchemas[kind]` by the update validator. */
  submission: unknown;
  /** How the person completed it, for the audit trail. */
  via: 'form' | 'json' | 'reply';
}
export interface CompleteTaskResult {
  taskId: number;
  status: TaskStatus;
  completedAt: string;
}
/** Sent to the task batch workflow that owns the task (its id is stored on the task row). */
export const completeTaskUpdate = defineUpdate<CompleteTaskResult, [CompleteTaskInput]>('completeTask');

export interface TaskBatchState {
  open: number;
  completed: number;
  expired: number;
  cancelled: number;
  dueAt: string;
}
export const taskBatchStateQuery = defineQuery<TaskBatchState>('taskBatchState');
