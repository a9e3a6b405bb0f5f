/**
 * What a task batch knows: its tasks and their live status, the follow-ups its completions owe,
 * and HR's requests not applied yet (extensions, removals, a close). Plain state with no
 * Temporal calls, so the batch workflow reads as its steps (workflows/task-batch.ts).
 */
import {
  type CloseBatchInput,
  type CompletionRefusal,
  CORRECTABLE_KINDS,
  ErrorCode,
  type ExtendTasksInput,
  type TaskBatchState,
  type TaskKind,
  type TaskPolicy,
  durationToMs,
} from '../contract';
import type { RecordSubmissionResult, TaskInfo } from '../activities/tasks';
import { type DueRules, type DueTask, dueNow, nextEventAt } from './due-events';
import type { TaskBatchInput } from './task-batch';

export type LiveStatus = 'open' | 'completing' | 'completed' | 'expired' | 'cancelled';

export interface Tracked {
  info: TaskInfo;
  status: LiveStatus;
  due: number;
  openedAt: number;
  reminders: number[];
  escalations: number;
}

export interface FollowUp {
  kind: TaskKind;
  round: number;
  subjectPersonId: number;
  comment?: string;
}

export class BatchState {
  readonly tasks = new Map<number, Tracked>();
  readonly followUps: FollowUp[] = [];
  readonly extensions: ExtendTasksInput[] = [];
  readonly removals: number[] = [];
  readonly winners: number[] = [];
  closeRequest: CloseBatchInput | undefined;
  loaded = false;
  /**
   * This execution keeps its timer across completions (patch `steady-wake-v1`). Only such an
   * execution writes completions with a local activity: one started before keeps the ordinary
   * activity, whose results never share a workflow task with its per-completion timer moves.
   */
  steadyWake = false;
  /** Grows with every completion and signal: the batch's wait wakes when it changes. */
  changes = 0;
  /** A completion queued notices (an approval, final scores) with this batch's mail: the next pass sends them. */
  private noticesWaiting = false;
  private readonly dueRules: DueRules;

  constructor(private readonly input: Pick<TaskBatchInput, 'chain' | 'opening'> & { policy: TaskPolicy }) {
    const { policy } = input;
    this.dueRules = {
      reminders: policy.reminders.map(durationToMs),
      escalations: policy.escalations.map((e) => durationToMs(e.after)),
      expireAfter: durationToMs(policy.expireAfter),
    };
  }

  /** HR's requests, applied by the batch's loop: extend due times, close the batch, cancel people's tasks. */
  request(kind: 'extend', e: ExtendTasksInput): void;
  request(kind: 'close', c: CloseBatchInput): void;
  request(kind: 'remove', personIds: number[]): void;
  request(kind: 'extend' | 'close' | 'remove', arg: ExtendTasksInput | CloseBatchInput | number[]): void {
    if (kind === 'extend') this.extensions.push(arg as ExtendTasksInput);
    else if (kind === 'close') this.closeRequest ??= arg as CloseBatchInput;
    else this.removals.push(...(arg as number[]));
    this.changes++;
  }

  count(s: LiveStatus): number {
    return [...this.tasks.values()].filter((t) => t.status === s).length;
  }

  /** Tasks still open or being completed: the batch runs until there are none. */
  unfinished(): number {
    return this.count('open') + this.count('completing');
  }

  track(info: TaskInfo): void {
    if (this.tasks.has(info.taskId)) return;
    const status = info.status === 'open' ? 'open' : (info.status as LiveStatus);
    this.tasks.set(info.taskId, { info, status, due: Date.parse(info.dueAt), openedAt: Date.now(), reminders: [], escalations: 0 });
  }

  snapshot(): TaskBatchState {
    return {
      open: this.unfinished(),
      completed: this.count('completed'),
      expired: this.count('expired'),
      cancelled: this.count('cancelled'),
      dueAt: this.input.opening.dueAt,
    };
  }

  /** A recorded completion: the task is done; a chain may owe a follow-up. */
  markCompleted(task: Tracked, outcome: RecordSubmissionResult['outcome'], notices = 0): void {
    task.status = 'completed';
    if (notices > 0) this.noticesWaiting = true;
    const { chain } = this.input;
    const { kind, round, personId, subjectPersonId } = task.info;
    if (chain && kind === chain.author) {
      this.followUps.push({ kind: chain.reviewer, round, subjectPersonId: personId });
    } else if (chain?.loop && kind === chain.reviewer && outcome.decision === 'changes' && subjectPersonId !== null) {
      this.followUps.push({ kind: chain.author, round: round + 1, subjectPersonId, ...(outcome.comment ? { comment: outcome.comment } : {}) });
    }
    if (outcome.winners) this.winners.push(...outcome.winners);
    this.changes++;
  }

  /** Whether notices wait to be sent (and forget it: the caller sends them). */
  takeNotices(): boolean {
    const waiting = this.noticesWaiting;
    this.noticesWaiting = false;
    return waiting;
  }

  /** Sets the status of tasks an activity closed (and of those it had already closed). */
  setStatus(taskIds: Iterable<number>, status: LiveStatus, onlyOpen = false): void {
    for (const id of taskIds) {
      const t = this.tasks.get(id)!;
      if (!onlyOpen || t.status === 'open') t.status = status;
    }
  }

  /** Open tasks an extension applies to. */
  extendable(e: ExtendTasksInput): number[] {
    return [...this.tasks.values()].filter((t) => t.status === 'open' && (!e.taskIds || e.taskIds.includes(t.info.taskId))).map((t) => t.info.taskId);
  }

  /** Moves tasks' due time: their reminders and escalations start over. */
  moveDue(taskIds: number[], dueAt: string): void {
    for (const id of taskIds) Object.assign(this.tasks.get(id)!, { due: Date.parse(dueAt), reminders: [], escalations: 0 });
  }

  /** Reminders, escalations and expiries due now (each marked fired). */
  dueNow(now: number) {
    const open = [...this.tasks.values()].filter((t) => t.status === 'open');
    const views = open.map(view);
    const due = dueNow(views, this.dueRules, now);
    views.forEach((v, i) => (open[i]!.escalations = v.escalations));
    return due;
  }

  /** Until when a completed answer can still be corrected: the latest due time among completed tasks (0: none). */
  correctableUntil(): number {
    let until = 0;
    for (const t of this.tasks.values()) if (t.status === 'completed' && CORRECTABLE_KINDS.includes(t.info.kind)) until = Math.max(until, t.due);
    return until;
  }

  /** The earliest future reminder, escalation or expiry among open tasks. */
  nextWake(now: number): number {
    return nextEventAt([...this.tasks.values()].filter((t) => t.status === 'open').map(view), this.dueRules, now);
  }
}

/** The due-event view of a task; its `reminders` array is the task's own (dueNow marks it). */
function view(t: Tracked): DueTask {
  return { taskId: t.info.taskId, open: true, due: t.due, openedAt: t.openedAt, reminders: t.reminders, escalations: t.escalations };
}

/** Why a task cannot be completed now, or undefined if it can. */
export function completionProblem(status: LiveStatus | undefined, taskId: number): CompletionRefusal['error'] | undefined {
  if (status === undefined) return { type: ErrorCode.notFound, message: `task ${taskId} does not belong to this batch` };
  if (status === 'completed' || status === 'completing') return { type: ErrorCode.taskAlreadyCompleted, message: 'this task is already completed' };
  if (status !== 'open') return { type: ErrorCode.taskClosed, message: `this task is ${status}` };
  return undefined;
}
