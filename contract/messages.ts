/**
 * Queries, updates and signals of the workflows, declared once and imported by the workflows
 * (handlers) and the API (callers). Every message takes one object and returns one object.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CycleState, Phase } from './cycles';
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

// ---- HR controls on a cycle (sent to the cycle workflow) ----------------------------------------

export interface AdvancePhaseInput {
  /** The phase HR sees as current; refused if the cycle has moved on meanwhile. */
  phase: Phase;
  actor: string;
}
export interface ExtendPhaseInput {
  phase: Phase;
  /** The new due time of every open task of the phase (ISO); must be later than now. */
  until: string;
  actor: string;
}
export interface CancelCycleInput {
  reason: string;
  actor: string;
}
export interface ControlResult {
  phase: Phase | null;
  status: CycleState['status'];
}
export const advancePhaseUpdate = defineUpdate<ControlResult, [AdvancePhaseInput]>('advancePhase');
export const extendPhaseUpdate = defineUpdate<ControlResult, [ExtendPhaseInput]>('extendPhase');
export const cancelCycleUpdate = defineUpdate<ControlResult, [CancelCycleInput]>('cancelCycle');

export interface ParticipantsChangedInput {
  /** Batches that gained people (new participants get the current phase's task). */
  addedBatches: number[];
  /** People removed from the cycle: their open tasks are cancelled. */
  removedPersonIds: number[];
}
export const participantsChangedSignal = defineSignal<[ParticipantsChangedInput]>('participantsChanged');

// ---- messages to a task batch ---------------------------------------------------------------------

export interface ExtendTasksInput {
  /** Only these tasks; all open tasks of the batch when omitted. */
  taskIds?: number[];
  dueAt: string;
}
export const extendTasksSignal = defineSignal<[ExtendTasksInput]>('extendTasks');

export interface CloseBatchInput {
  status: 'expired' | 'cancelled';
  reason: string;
}
export const closeBatchSignal = defineSignal<[CloseBatchInput]>('closeBatch');

export interface BatchChangesInput {
  /** Cancel these people's open tasks (they left the cycle). */
  removedPersonIds: number[];
}
export const batchChangesSignal = defineSignal<[BatchChangesInput]>('batchChanges');

// ---- stalled steps (operators) ---------------------------------------------------------------------

/** How hard a workflow step (an activity) is retried before it is reported as stalled. */
export interface StepPolicy {
  maxAttempts: number;
  initialInterval: string;
  maxInterval: string;
  /** A stalled step retries by itself after this long, unless an operator decides first. */
  autoRetryAfter: string;
}
export const DEFAULT_STEP_POLICY: StepPolicy = { maxAttempts: 10, initialInterval: '1s', maxInterval: '1m', autoRetryAfter: '30m' };

export interface StalledStep {
  /** Unique per stall: "<workflowId>/<step>/<n>". */
  stallKey: string;
  workflowId: string;
  step: string;
  since: string;
  lastFailure: string;
  attempts: number;
  autoRetryAt: string;
}
export const stalledStepsQuery = defineQuery<StalledStep[]>('stalledSteps');

export interface ResolveStallInput {
  stallKey: string;
  action: 'retry' | 'skip';
  actor: string;
  reason?: string;
}
export interface ResolveStallResult {
  stallKey: string;
  action: 'retry' | 'skip';
}
export const resolveStallUpdate = defineUpdate<ResolveStallResult, [ResolveStallInput]>('resolveStall');
