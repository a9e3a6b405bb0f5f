/**
 * A person's task, reached by the token in their email link, and its completion: the submission
 * travels to the task's batch workflow in an update (with others that arrived at the same time),
 * checked there by the same schema as here.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import {
  type CompleteTaskInput,
  type CompleteTaskResult,
  type CompletionOutcome,
  ErrorCode,
  MAX_COMPLETIONS_PER_UPDATE,
  type Locale,
  type TaskKind,
  type TaskStatus,
  CORRECTABLE_KINDS,
  completeTasksUpdate,
  correctTaskUpdate,
  isRefusal,
  personTimeZone,
} from '../contract';
import type { DB } from '../db/schema';
import { type TaskWithCycleAndOwner, anyTaskNotClosed, findTaskByTokenHash, findTaskStatus, findTaskWithCycleAndOwner } from '../db/tasks';
import { kinds } from '../kinds';
import type { SealedFields } from '../kinds/module';
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
  /** The owner's time zone (theirs, else the cycle's): every time on their pages is shown in it. */
  timeZone: string;
  managerId: number | null;
  /** What the person submitted, once completed. */
  result: unknown;
}

function toTaskContext(row: TaskWithCycleAndOwner): TaskContext {
  return {
    id: row.id,
    kind: row.kind,
    round: row.round,
    status: row.status,
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
    timeZone: personTimeZone(row.time_zone, row.cycle_time_zone ?? 'UTC'),
    managerId: row.manager_id,
    result: (row.result as { submission?: unknown } | null)?.submission ?? null,
  };
}

export async function findTaskByToken(db: Kysely<DB>, token: string, now = Date.now()): Promise<TaskContext | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await findTaskByTokenHash(db, hashToken(token));
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

/** How long a completion waits for Temporal when the caller names no deadline (COMPLETION_DEADLINE). */
export const DEFAULT_COMPLETION_DEADLINE_MS = 10_000;
/** What a 503 from a completion tells the client to wait (Retry-After, seconds). */
export const COMPLETION_RETRY_AFTER_S = 5;

export interface CompletionDeps {
  db: Kysely<DB>;
  client: Client;
  /** Answer 503 (unavailable) when Temporal has not answered within this; none → wait for the update's own attempts. */
  deadlineMs?: number;
}

/**
 * Completes a task, or says why not. With a deadline, a completion Temporal does not answer in
 * time is answered "unavailable" while it goes on in the background; sending the same submission
 * again then answers the real result (completed, once), whether the first one was applied or not.
 * A kind's sealed fields (a finalize task's bonuses) never go to Temporal: they are taken out,
 * checked and kept in the database first (`withSealed`), and the rest is what is sent and compared.
 */
export async function completeTask(deps: CompletionDeps, task: TaskContext, submission: unknown, via: CompleteTaskInput['via']): Promise<CompleteTaskResult> {
  const sealed = kinds[task.kind].sealed?.take(submission);
  const rest = sealed ? sealed.rest : submission;
  if (task.status === 'completed' && task.completedAt && sameSubmission(task.result, rest)) return completedResult(task.id, task.completedAt);
  if (task.status !== 'open') throw closedTaskError(task.status);
  const send = () => withSealed(deps.db, task, sealed, () => submitCompletion(deps, task, rest, via));
  if (deps.deadlineMs === undefined) return send();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            ErrorCode.unavailable,
            `Temporal did not answer within ${Math.round(deps.deadlineMs! / 100) / 10} s; the completion may still be applied. Send the same submission again after Retry-After seconds: it answers the real result and is never applied twice`,
            { retryAfterSeconds: COMPLETION_RETRY_AFTER_S },
          ),
        ),
      deps.deadlineMs,
    );
  });
  const work = send();
  work.catch(() => {}); // answered by the deadline already; the group goes on and settles alone
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `send` after the sealed fields' rules and storage: a rule they break refuses the
 * submission with nothing kept; what was kept is forgotten when the batch refuses it (an
 * unavailable Temporal keeps it: the submission may still be applied, and a retry replaces it).
 */
async function withSealed<T>(db: Kysely<DB>, task: TaskContext, sealed: ReturnType<SealedFields['take']> | undefined, send: () => Promise<T>): Promise<T> {
  if (!sealed) return send();
  if (sealed.issues.length) throw new AppError(ErrorCode.validation, 'the submission is not valid', { issues: sealed.issues });
  try {
    await sealed.keep(db, task.id);
  } catch (error) {
    throw new AppError(
      ErrorCode.unavailable,
      `the task could not be completed right now; nothing was saved, please try again (${(error as Error)?.message ?? 'unknown'})`,
      { retryAfterSeconds: COMPLETION_RETRY_AFTER_S },
    );
  }
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof AppError && error.code === ErrorCode.unavailable)) await kinds[task.kind].sealed?.drop(db, task.id).catch(() => {});
    throw error;
  }
}

async function submitCompletion(deps: CompletionDeps, task: TaskContext, submission: unknown, via: CompleteTaskInput['via']): Promise<CompleteTaskResult> {
  let outcome: CompletionOutcome;
  try {
    outcome = await completions(deps).submit(task.workflowId, { taskId: task.id, submission, via });
  } catch (error) {
    const cause = businessCause(error);
    if (cause) throw new AppError(cause.type as ErrorCode, cause.message, cause.details?.[0] ?? undefined);
    // Every attempt failed (a worker down, Temporal unreachable): the database says whether the
    // task ended meanwhile; otherwise nothing was saved.
    const now = await findTaskStatus(deps.db, task.id);
    if (now && now !== 'open') throw closedTaskError(now);
    throw new AppError(
      ErrorCode.unavailable,
      `the task could not be completed right now; nothing was saved, please try again (${(error as Error)?.message ?? 'unknown'})`,
      { retryAfterSeconds: COMPLETION_RETRY_AFTER_S },
    );
  }
  if (isRefusal(outcome)) {
    const { type, message, issues } = outcome.error;
    if (type === ErrorCode.taskAlreadyCompleted) return answerRepeat(deps.db, task.id, submission, message);
    throw new AppError(type, message, issues ? { issues } : undefined);
  }
  return outcome;
}

/**
 * The workflow says the task is (being) completed: by this same submission (a retry after a
 * late answer) → its result; by another → 409; still being saved → unavailable, try again.
 */
async function answerRepeat(db: Kysely<DB>, taskId: number, submission: unknown, message: string): Promise<CompleteTaskResult> {
  const now = await findTaskWithCycleAndOwner(db, taskId);
  if (now?.status === 'completed' && now.completed_at) {
    if (sameSubmission((now.result as { submission?: unknown } | null)?.submission, submission))
      return completedResult(taskId, new Date(now.completed_at).toISOString());
    throw new AppError(ErrorCode.taskAlreadyCompleted, message);
  }
  if (now?.status === 'open')
    throw new AppError(ErrorCode.unavailable, 'this task is being completed right now; send the same submission again in a moment for its result', {
      retryAfterSeconds: COMPLETION_RETRY_AFTER_S,
    });
  throw closedTaskError(now?.status ?? 'completed');
}

function completedResult(taskId: number, completedAt: string): CompleteTaskResult {
  return { taskId, status: 'completed', completedAt };
}

/** The same submission: equal as JSON, whatever the order of object keys (jsonb reorders them). */
export function sameSubmission(stored: unknown, submitted: unknown): boolean {
  return stored !== null && stored !== undefined && canonicalJson(stored) === canonicalJson(submitted);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A completed task whose answer may still be corrected, as far as the page can tell (the batch decides). */
export function mayCorrect(task: Pick<TaskContext, 'kind' | 'status' | 'dueAt'>, now = Date.now()): boolean {
  return task.status === 'completed' && CORRECTABLE_KINDS.includes(task.kind) && Date.parse(task.dueAt) > now;
}

/**
 * Sends a completed task's corrected answer to its batch (correctTask update). The batch refuses
 * once the window has closed; a batch that has ended (everyone answered, or the week closed)
 * cannot take it either, which is the same answer: too late to correct.
 */
export async function correctTask(
  deps: { db: Kysely<DB>; client: Client },
  task: TaskContext,
  submission: unknown,
  via: CompleteTaskInput['via'],
): Promise<CompleteTaskResult> {
  const sealed = kinds[task.kind].sealed?.take(submission);
  const rest = sealed ? sealed.rest : submission;
  const handle = deps.client.workflow.getHandle(task.workflowId);
  return withSealed(deps.db, task, sealed, async () => {
    try {
      return await handle.executeUpdate(correctTaskUpdate, { args: [{ taskId: task.id, submission: rest, via }] });
    } catch (error) {
      const cause = businessCause(error);
      if (cause) throw new AppError(cause.type as ErrorCode, cause.message, cause.details?.[0] ?? undefined);
      const running = await handle.describe().then(
        (d) => d.status.name === 'RUNNING',
        () => false,
      );
      if (!running) throw new AppError(ErrorCode.taskClosed, 'this answer can no longer be corrected');
      throw new AppError(
        ErrorCode.unavailable,
        `the correction could not be saved right now; nothing was saved, please try again (${(error as Error)?.message ?? 'unknown'})`,
      );
    }
  });
}

/** Attempts of one update (with 0.5 s, 1 s, 2 s between them) before its completions fail. */
const UPDATE_ATTEMPTS = 4;

/**
 * Completions travel to their batch workflow in groups (group commit). Temporal admits about ten
 * in-flight updates per execution and each costs a workflow task and an activity, so many people
 * completing tasks of one batch at once (a deadline) would queue behind each other or be refused.
 * Instead this process keeps one update in flight per batch; what arrives meanwhile waits and
 * leaves together in the next update (up to MAX_COMPLETIONS_PER_UPDATE). A lone completion
 * leaves at once, alone. Per API replica. (Two in flight made smaller groups: 13.5 ms of CPU per
 * completion across the processes instead of 12.5, and p99 2.75× the no-Temporal floor instead
 * of 1.8×; docs/performance.md.)
 */
const UPDATES_PER_WORKFLOW = 1;

interface Waiting {
  item: CompleteTaskInput;
  resolve: (o: CompletionOutcome) => void;
  reject: (e: unknown) => void;
}

class CompletionGroups {
  private readonly lanes = new Map<string, { active: number; waiting: Waiting[] }>();

  constructor(private readonly deps: { db: Kysely<DB>; client: Client }) {}

  submit(workflowId: string, item: CompleteTaskInput): Promise<CompletionOutcome> {
    let lane = this.lanes.get(workflowId);
    if (!lane) this.lanes.set(workflowId, (lane = { active: 0, waiting: [] }));
    const promise = new Promise<CompletionOutcome>((resolve, reject) => lane.waiting.push({ item, resolve, reject }));
    this.pump(workflowId);
    return promise;
  }

  private pump(workflowId: string): void {
    const lane = this.lanes.get(workflowId);
    if (!lane) return;
    while (lane.active < UPDATES_PER_WORKFLOW && lane.waiting.length) {
      const group = lane.waiting.splice(0, MAX_COMPLETIONS_PER_UPDATE);
      lane.active++;
      void this.send(workflowId, group)
        // Nothing may leave a person waiting: an unexpected error answers the whole group.
        .catch((error: unknown) => group.forEach((w) => w.reject(error)))
        .finally(() => {
          lane.active--;
          if (lane.active === 0 && lane.waiting.length === 0) this.lanes.delete(workflowId);
          else this.pump(workflowId);
        });
    }
  }

  private async send(workflowId: string, group: Waiting[]): Promise<void> {
    // One update id per group: if a retry reaches a workflow that already applied an earlier
    // attempt (its answer was lost on the way), Temporal returns that first outcome again.
    const updateId = `complete-${randomUUID()}`;
    const items = group.map((w) => w.item);
    let lastError: unknown;
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      try {
        const { outcomes } = await this.deps.client.workflow.getHandle(workflowId).executeUpdate(completeTasksUpdate, { updateId, args: [{ items }] });
        group.forEach((w, i) => w.resolve(outcomes[i]!));
        return;
      } catch (error) {
        lastError = error;
        if (businessCause(error)) break;
        // The batch may have ended since (its tasks were closed): no retry can help then.
        const open = await anyTaskNotClosed(
          this.deps.db,
          items.map((i) => i.taskId),
        ).catch(() => 'unknown (the database did not answer)');
        if (!open) break;
        // Otherwise the update was aborted or timed out (a busy worker, a server restart): try again.
      }
    }
    for (const w of group) w.reject(lastError);
  }
}

const groupsByClient = new WeakMap<Client, CompletionGroups>();

function completions(deps: { db: Kysely<DB>; client: Client }): CompletionGroups {
  let groups = groupsByClient.get(deps.client);
  if (!groups) groupsByClient.set(deps.client, (groups = new CompletionGroups(deps)));
  return groups;
}

/**
 * A task by its id, in the same shape as `findTaskByToken` (for replies by email, whose address
 * carries a verified task id instead of the link token). Closed tasks are returned whatever their age.
 */
export async function findTaskById(db: Kysely<DB>, taskId: number): Promise<TaskContext | null> {
  const row = await findTaskWithCycleAndOwner(db, taskId);
  return row ? toTaskContext(row) : null;
}
