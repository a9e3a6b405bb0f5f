/**
 * Queries, updates and signals of the workflows, declared once and imported by the workflows
 * (handlers) and the API (callers). Every message takes one object and returns one object.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CycleState, Phase } from './cycles';
import type { ErrorCode, FieldIssue } from './errors';
import type { TaskKind, TaskStatus } from './tasks';

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
/**
 * One completion per update. Kept so that executions started before `completeTasks` existed
 * still replay and still accept completions; the API sends `completeTasks`.
 */
export const completeTaskUpdate = defineUpdate<CompleteTaskResult, [CompleteTaskInput]>('completeTask');

/**
 * A completed task's answer sent again while its window is open (kinds in CORRECTABLE_KINDS): the
 * batch decides — refused once the task's due time has passed or the batch has closed.
 */
export const correctTaskUpdate = defineUpdate<CompleteTaskResult, [CompleteTaskInput]>('correctTask');
/** Kinds whose answer can be corrected until the task's due time: a check-in, for its week. */
export const CORRECTABLE_KINDS: readonly TaskKind[] = ['checkin'];

/** Why one completion of a `completeTasks` update was refused: an ErrorCode and its details. */
export interface CompletionRefusal {
  taskId: number;
  error: { type: ErrorCode; message: string; issues?: FieldIssue[] };
}
export type CompletionOutcome = CompleteTaskResult | CompletionRefusal;
export interface CompleteTasksInput {
  /** Completions of tasks of this batch, 1 to MAX_COMPLETIONS_PER_UPDATE; each gets its own outcome. */
  items: CompleteTaskInput[];
}
export interface CompleteTasksResult {
  /** In the order of `items`. */
  outcomes: CompletionOutcome[];
}
export const MAX_COMPLETIONS_PER_UPDATE = 50;
/**
 * Several people's completions of tasks in one batch, sent together by the API when they arrive
 * while earlier ones are still in flight (group commit): one workflow task, one activity and two
 * history events for the group instead of for each. Each item is checked by the kind's zod schema
 * in the workflow and gets its own outcome; refusing one does not refuse the others.
 * Sent to the task batch workflow that owns the tasks (its id is stored on each task row).
 */
export const completeTasksUpdate = defineUpdate<CompleteTasksResult, [CompleteTasksInput]>('completeTasks');

export function isRefusal(o: CompletionOutcome): o is CompletionRefusal {
  return 'error' in o;
}

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
  /** "week": end only the open check-in week (the next opens on its day); default the whole phase. */
  scope?: 'phase' | 'week';
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
  /** After an advance: what opens next — the next phase, awards step or check-in week (and when, if later). */
  next?: { phase: Phase | null; step?: 'nominate' | 'vote' | 'finalize'; week?: number; opensAt?: string };
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
  /** A stalled step tries again by itself every this long (one attempt each), unless an operator decides first. */
  autoRetryAfter: string;
}
export const DEFAULT_STEP_POLICY: StepPolicy = { maxAttempts: 10, initialInterval: '1s', maxInterval: '1m', autoRetryAfter: '30s' };

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
