/**
 * A person's task, reached by the token in their email link, and its completion: the submission
 * travels to the task's batch workflow as an update, checked there by the same schema as here.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import {
  type CompleteTaskInput,
  type CompleteTaskResult,
  ErrorCode,
  type Locale,
  type TaskKind,
  type TaskStatus,
  completeTaskUpdate,
} from '../contract';
import type { DB } from '../db/schema';
import { AppError } from './errors';
import { hashToken, isWellFormedToken } from './tokens';

/** A closed task's link still shows "already done" for this long, then answers like an unknown one. */
export const CLOSED_TASK_GRACE_MS = 24 * 3600 * 1000;

export interface TaskContext {
  id: number;
  kind: TaskKind;
  round: number;
  status: TaskStatus;
  dueAt: string;
  completedAt: string | null;
  workflowId: string;
  cycleId: number;
  cycleKey: string;
  cycleTitle: string;
  personId: number;
  ownerName: string;
  ownerEmail: string;
  locale: Locale;
  managerId: number | null;
  /** What the person submitted, once completed. */
  result: unknown;
}

/** The task with its cycle and owner, in the shape pages and replies use. */
function taskContextQuery(db: Kysely<DB>) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('cycles as c', 'c.id', 't.cycle_id')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .select([
      't.id',
      't.kind',
      't.round',
      't.status',
      't.due_at',
      't.completed_at',
      't.closed_at',
      't.workflow_id',
      't.result',
      'c.id as cycle_id',
      'c.key as cycle_key',
      'c.title as cycle_title',
      'p.id as person_id',
      'p.name',
      'p.email',
      'p.locale',
      'p.manager_id',
    ]);
}

type TaskContextRow = NonNullable<Awaited<ReturnType<ReturnType<typeof taskContextQuery>['executeTakeFirst']>>>;

function toTaskContext(row: TaskContextRow): TaskContext {
  return {
    id: row.id,
    kind: row.kind as TaskKind,
    round: row.round,
    status: row.status as TaskStatus,
    dueAt: new Date(row.due_at).toISOString(),
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
    workflowId: row.workflow_id,
    cycleId: row.cycle_id,
    cycleKey: row.cycle_key,
    cycleTitle: row.cycle_title,
    personId: row.person_id,
    ownerName: row.name,
    ownerEmail: row.email,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    managerId: row.manager_id,
    result: (row.result as { submission?: unknown } | null)?.submission ?? null,
  };
}

export async function findTaskByToken(db: Kysely<DB>, token: string, now = Date.now()): Promise<TaskContext | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await taskContextQuery(db).where('t.token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return null;
  const endedAt = row.completed_at ?? row.closed_at;
  if (row.status !== 'open' && endedAt && now - new Date(endedAt).getTime() > CLOSED_TASK_GRACE_MS) return null;
  return toTaskContext(row);
}

export function closedTaskError(status: TaskStatus): AppError {
  return status === 'completed'
    ? new AppError(ErrorCode.taskAlreadyCompleted, 'this task is already completed')
    : new AppError(ErrorCode.taskClosed, `this task is ${status} and can no longer be completed`);
}

/** Finds the business failure (our error code) inside a Temporal error chain. */
function businessCause(error: unknown): ApplicationFailure | undefined {
  const codes = new Set<string>(Object.values(ErrorCode));
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ApplicationFailure && e.type && codes.has(e.type)) return e;
  }
  return undefined;
}

export async function completeTask(
  deps: { db: Kysely<DB>; client: Client },
  task: TaskContext,
  submission: unknown,
  via: CompleteTaskInput['via'],
): Promise<CompleteTaskResult> {
  if (task.status !== 'open') throw closedTaskError(task.status);
  // One update id per request: if a retry reaches a workflow that already applied the first
  // attempt (its answer was lost on the way), Temporal returns that first outcome again.
  const updateId = `complete-${task.id}-${randomUUID()}`;
  let lastError: unknown;
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    try {
      return await withWorkflowSlot(task.workflowId, () =>
        deps.client.workflow.getHandle(task.workflowId).executeUpdate(completeTaskUpdate, { updateId, args: [{ taskId: task.id, submission, via }] }),
      );
    } catch (error) {
      const cause = businessCause(error);
      if (cause) {
        const details = cause.details?.[0];
        throw new AppError(cause.type as ErrorCode, cause.message, details ?? undefined);
      }
      lastError = error;
      // The batch may have closed between our read and the update: the database says how it ended.
      // "completed" may be this very request whose answer was lost: the retry (same update id)
      // returns its outcome, or is refused as already completed if it was someone else's.
      const now = await deps.db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirst();
      if (now && now.status !== 'open' && now.status !== 'completed') throw closedTaskError(now.status as TaskStatus);
      // Otherwise the update was aborted or timed out (a busy worker, a server restart): try again.
    }
  }
  const now = await deps.db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirst();
  if (now && now.status !== 'open') throw closedTaskError(now.status as TaskStatus);
  throw new AppError(ErrorCode.unavailable, `the task could not be completed right now; nothing was saved, please try again (${(lastError as Error)?.message ?? 'unknown'})`);
}

/** Attempts of one completion (with 0.5 s, 1 s, 2 s between them) before answering 503. */
const UPDATE_ATTEMPTS = 4;

/**
 * Temporal admits a handful of in-flight updates per workflow execution (10 by default) and
 * answers more with "resource exhausted", which clients retry with growing backoff. Many people
 * completing tasks of the same batch at once (a deadline) would hit that; instead this process
 * queues them and keeps at most UPDATES_PER_WORKFLOW in flight per batch. Per API replica.
 */
const UPDATES_PER_WORKFLOW = 6;
const slots = new Map<string, { active: number; waiting: (() => void)[] }>();

async function withWorkflowSlot<T>(workflowId: string, fn: () => Promise<T>): Promise<T> {
  let slot = slots.get(workflowId);
  if (!slot) slots.set(workflowId, (slot = { active: 0, waiting: [] }));
  const mine = slot;
  // A full gate hands a finishing request's slot straight to the next in line.
  if (mine.active >= UPDATES_PER_WORKFLOW) await new Promise<void>((resolve) => mine.waiting.push(resolve));
  else mine.active++;
  try {
    return await fn();
  } finally {
    const next = mine.waiting.shift();
    if (next) next();
    else if (--mine.active === 0) slots.delete(workflowId);
  }
}

/**
 * A task by its id, in the same shape as `findTaskByToken` (for replies by email, whose address
 * carries a verified task id instead of the link token). Closed tasks are returned whatever their age.
 */
export async function findTaskById(db: Kysely<DB>, taskId: number): Promise<TaskContext | null> {
  const row = await taskContextQuery(db).where('t.id', '=', taskId).executeTakeFirst();
  return row ? toTaskContext(row) : null;
}
