/**
 * HR's controls on a running cycle. Each one is a Temporal update (or signal) to the cycle or
 * to the batch that owns a task, so the workflow decides and records what happens; each is
 * written to the audit log.
 */
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Kysely, Transaction } from 'kysely';
import {
  type ControlResult,
  ErrorCode,
  type FieldIssue,
  type Phase,
  advancePhaseUpdate,
  cancelCycleUpdate,
  cycleWorkflowId,
  extendPhaseUpdate,
  extendTasksSignal,
  participantsChangedSignal,
} from '../contract';
import { writeAudit } from '../db/audit';
import { requireCycleByKey } from '../db/cycles';
import { addParticipantRows, currentParticipantIds, nextBatchNo, removeParticipantRow } from '../db/participants';
import { activePersonIdsByEmail, requirePersonByEmail } from '../db/people';
import type { DB } from '../db/schema';
import { findTaskInCycle } from '../db/tasks';
import { AppError, validationError } from './errors';

export interface ControlDeps {
  db: Kysely<DB>;
  client: Client;
  batchSize: number;
}

const cycleRow = requireCycleByKey;

function audit(db: Kysely<DB> | Transaction<DB>, actor: string, action: string, cycleId: number, subject: string, detail: unknown) {
  return writeAudit(db, { actor, action, cycleId, subject, detail });
}

/**
 * An HR control that acts in Temporal (not in this database): its audit row is written first,
 * with `outcome: "requested"`, then the act runs, then the row records the outcome ("done", or
 * "refused" with the error's code). So no act is ever missing from the audit log, whatever fails
 * after it; input is validated before any of this (docs/operations.md).
 */
async function auditedAct<T>(
  db: Kysely<DB>,
  entry: { actor: string; action: string; cycleId: number; subject: string; detail: Record<string, unknown> },
  act: () => Promise<T>,
): Promise<T> {
  const row = await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      cycle_id: entry.cycleId,
      subject: entry.subject,
      detail: JSON.stringify({ ...entry.detail, outcome: 'requested' }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const outcome = (detail: Record<string, unknown>) =>
    db
      .updateTable('audit_log')
      .set({ detail: JSON.stringify({ ...entry.detail, ...detail }) })
      .where('id', '=', row.id)
      .execute();
  let result: T;
  try {
    result = await act();
  } catch (error) {
    await outcome({ outcome: 'refused', error: error instanceof AppError ? error.code : ErrorCode.internal }).catch(() => {});
    throw error;
  }
  await outcome({ outcome: 'done' });
  return result;
}

/** Turns a refused update into the API's error (the workflow's reason, with field issues). */
function fromUpdateError(error: unknown): never {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
    const code = (Object.values(ErrorCode) as string[]).includes(cause?.type ?? '') ? (cause!.type as ErrorCode) : ErrorCode.conflict;
    throw new AppError(code, cause?.message ?? error.message, cause?.details?.[0] ?? undefined);
  }
  if ((error as Error).name === 'WorkflowNotFoundError') throw new AppError(ErrorCode.conflict, 'the cycle has already ended');
  throw new AppError(ErrorCode.unavailable, `the cycle's workflow could not be reached: ${(error as Error).message}`);
}

/** Closes the current phase, or with scope "week" only the open check-in week; awards advance one step at a time. */
export async function advancePhase(deps: ControlDeps, key: string, phase: Phase, actor: string, scope: 'phase' | 'week' = 'phase'): Promise<ControlResult> {
  const cycle = await cycleRow(deps.db, key);
  const detail = scope === 'week' ? { phase, scope } : { phase };
  return auditedAct(deps.db, { actor, action: 'cycle.phase-advanced', cycleId: cycle.id, subject: `cycle:${key}`, detail }, () =>
    deps.client.workflow
      .getHandle(cycle.workflow_id)
      .executeUpdate(advancePhaseUpdate, { args: [{ phase, actor, ...(scope === 'week' ? { scope } : {}) }] })
      .catch(fromUpdateError),
  );
}

export async function extendPhase(deps: ControlDeps, key: string, phase: Phase, until: string, actor: string): Promise<ControlResult> {
  const cycle = await cycleRow(deps.db, key);
  return auditedAct(deps.db, { actor, action: 'cycle.phase-extended', cycleId: cycle.id, subject: `cycle:${key}`, detail: { phase, until } }, () =>
    deps.client.workflow
      .getHandle(cycle.workflow_id)
      .executeUpdate(extendPhaseUpdate, { args: [{ phase, until, actor }] })
      .catch(fromUpdateError),
  );
}

export async function cancelCycle(deps: ControlDeps, key: string, reason: string, actor: string): Promise<ControlResult> {
  const cycle = await cycleRow(deps.db, key);
  return auditedAct(deps.db, { actor, action: 'cycle.cancelled', cycleId: cycle.id, subject: `cycle:${key}`, detail: { reason } }, () =>
    deps.client.workflow
      .getHandle(cycle.workflow_id)
      .executeUpdate(cancelCycleUpdate, { args: [{ reason, actor }] })
      .catch(fromUpdateError),
  );
}

/** Extends one person's task: its batch moves the due time and its reminders and escalations. */
export async function extendTask(deps: ControlDeps, key: string, taskId: number, until: string, actor: string): Promise<{ taskId: number; dueAt: string }> {
  const cycle = await cycleRow(deps.db, key);
  const task = await findTaskInCycle(deps.db, cycle.id, taskId);
  if (!task) throw new AppError(ErrorCode.notFound, `no task ${taskId} in cycle ${key}`);
  if (task.status !== 'open') throw new AppError(ErrorCode.taskClosed, `task ${taskId} is ${task.status}`);
  if (Date.parse(until) <= Date.now()) throw validationError([{ path: 'until', message: 'must be in the future' }]);
  await auditedAct(
    deps.db,
    { actor, action: 'task.extended', cycleId: cycle.id, subject: `task:${taskId}`, detail: { from: new Date(task.due_at).toISOString(), until } },
    async () => {
      try {
        await deps.client.workflow.getHandle(task.workflow_id).signal(extendTasksSignal, { taskIds: [taskId], dueAt: until });
      } catch (error) {
        throw new AppError(ErrorCode.conflict, `the task's batch has already ended (${(error as Error).message})`);
      }
    },
  );
  return { taskId, dueAt: until };
}

/** Adds people mid-cycle: they join a new batch and receive the current phase's task. */
export async function addParticipants(deps: ControlDeps, key: string, emails: string[], actor: string): Promise<{ added: number }> {
  const cycle = await cycleRow(deps.db, key);
  if (cycle.status !== 'running') throw new AppError(ErrorCode.conflict, `the cycle is ${cycle.status}`);
  const found = await activePersonIdsByEmail(deps.db, emails);
  const issues: FieldIssue[] = emails.flatMap((e, i) => (found.has(e) ? [] : [{ path: `emails.${i}`, message: `no active person with email ${e}` }]));
  if (issues.length) throw validationError(issues);
  const batchNos = await deps.db.transaction().execute(async (tx) => {
    const current = await currentParticipantIds(tx, cycle.id, [...found.values()]);
    const toAdd = [...found.values()].filter((id) => !current.has(id));
    if (!toAdd.length) return [];
    const first = await nextBatchNo(tx, cycle.id);
    const rows = toAdd.map((personId, i) => ({ cycle_id: cycle.id, person_id: personId, batch_no: first + Math.floor(i / deps.batchSize) }));
    await addParticipantRows(tx, rows);
    await audit(tx, actor, 'cycle.participants-added', cycle.id, `cycle:${key}`, { emails });
    return [...new Set(rows.map((r) => r.batch_no))];
  });
  if (batchNos.length)
    await deps.client.workflow.getHandle(cycle.workflow_id).signal(participantsChangedSignal, { addedBatches: batchNos, removedPersonIds: [] });
  return { added: batchNos.length ? emails.length : 0 };
}

/** Removes a person from the cycle: their open tasks (and tasks about them) are cancelled. */
export async function removeParticipant(deps: ControlDeps, key: string, email: string, actor: string): Promise<void> {
  const cycle = await cycleRow(deps.db, key);
  const person = await requirePersonByEmail(deps.db, email);
  if (!(await removeParticipantRow(deps.db, cycle.id, person.id))) throw new AppError(ErrorCode.notFound, `${email} is not a participant of cycle ${key}`);
  await audit(deps.db, actor, 'cycle.participant-removed', cycle.id, `cycle:${key}`, { email });
  if (cycle.status === 'running') {
    await deps.client.workflow.getHandle(cycle.workflow_id).signal(participantsChangedSignal, { addedBatches: [], removedPersonIds: [person.id] });
  }
}
