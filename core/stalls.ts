/**
 * The operator's view of what is stuck, and the two fixes. Two kinds of stall:
 * - `step-<id>`: a workflow step whose activity kept failing (the workflow waits for a decision);
 * - `email-<id>`: an email the SMTP server refused permanently.
 * Retry and skip are safe under concurrent calls: the second of two clicks gets 409.
 */
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { ErrorCode, type StepPolicy, emailRetryWorkflowId, resolveStallUpdate } from '../contract';
import type { DB } from '../db/schema';
import type { outboxDelivery } from '../workflows/outbox-delivery';
import { AppError } from './errors';

export interface StalledView {
  id: string;
  kind: 'step' | 'email';
  cycleKey: string | null;
  phase: string | null;
  /** The batch or cycle workflow, or the email's recipient. */
  where: string;
  step: string;
  since: string;
  why: string;
  attempts: number;
  nextRetryAt: string | null;
  actions: ('retry' | 'skip')[];
  /** What skipping means for the cycle. */
  skipMeans: string;
}

const SKIP_MEANS: Record<string, string> = {
  sendQueuedEmails: 'the queued emails stay unsent (visible as queued); tasks stay open and can still be completed from the page',
  openPhaseTasks: 'this batch opens no tasks for this phase; the phase goes on without them',
  openFollowUpTask: 'the follow-up task (a review or a new drafting round) is not opened',
  closeTasks: 'the tasks are treated as closed by the workflow but stay open in the database',
  queueTaskReminders: 'these reminders are not sent',
  queueEscalations: 'these escalations are not sent',
  setTaskDue: 'the new due time is used by the workflow but not shown in the database',
  queueCycleEmail: 'the announcement or cancellation email is not sent',
  loadCycle: 'the cycle runs as if it had no participants',
  planCheckIns: 'no weekly check-ins are held',
  setCycleStatus: 'the cycle row keeps its old status',
};

export async function listStalled(db: Kysely<DB>): Promise<StalledView[]> {
  const steps = await db
    .selectFrom('stalls as s')
    .leftJoin('cycles as c', 'c.id', 's.cycle_id')
    .select(['s.id', 's.workflow_id', 's.phase', 's.step', 's.since', 's.last_failure', 's.attempts', 's.auto_retry_at', 'c.key'])
    .where('s.status', '=', 'stalled')
    .orderBy('s.since')
    .execute();
  const emails = await db
    .selectFrom('emails as e')
    .leftJoin('cycles as c', 'c.id', 'e.cycle_id')
    .leftJoin('tasks as t', 't.id', 'e.task_id')
    .select(['e.id', 'e.kind', 'e.to_address', 'e.last_error', 'e.attempts', 'e.updated_at', 'c.key', 't.phase'])
    .where('e.status', '=', 'failed')
    .orderBy('e.updated_at')
    .execute();
  return [
    ...steps.map(
      (s): StalledView => ({
        id: `step-${s.id}`,
        kind: 'step',
        cycleKey: s.key,
        phase: s.phase,
        where: s.workflow_id,
        step: s.step,
        since: new Date(s.since).toISOString(),
        why: s.last_failure,
        attempts: s.attempts,
        nextRetryAt: new Date(s.auto_retry_at).toISOString(),
        actions: ['retry', 'skip'],
        skipMeans: SKIP_MEANS[s.step] ?? 'the step is treated as done without its effect',
      }),
    ),
    ...emails.map(
      (e): StalledView => ({
        id: `email-${e.id}`,
        kind: 'email',
        cycleKey: e.key,
        phase: e.phase,
        where: e.to_address,
        step: `email ${e.kind}`,
        since: new Date(e.updated_at).toISOString(),
        why: e.last_error ?? 'refused by the SMTP server',
        attempts: e.attempts,
        nextRetryAt: null,
        actions: ['retry', 'skip'],
        skipMeans: 'the email is not sent; it is marked skipped',
      }),
    ),
  ];
}

function parseId(id: string): { kind: 'step' | 'email'; n: number } {
  const m = /^(step|email)-(\d{1,12})$/.exec(id);
  if (!m) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
  return { kind: m[1] as 'step' | 'email', n: Number(m[2]) };
}

export interface StallDeps {
  db: Kysely<DB>;
  client: Client;
  taskQueue: string;
  stepPolicy: StepPolicy;
}

export async function resolveStalled(deps: StallDeps, id: string, action: 'retry' | 'skip', actor: string, reason: string | undefined): Promise<{ id: string; action: 'retry' | 'skip' }> {
  const { kind, n } = parseId(id);
  if (action === 'skip' && !reason?.trim()) throw new AppError(ErrorCode.validation, 'a skip needs a reason', { issues: [{ path: 'reason', message: 'say why the step is skipped' }] });
  if (kind === 'step') {
    const row = await deps.db.selectFrom('stalls').select(['stall_key', 'workflow_id', 'status', 'cycle_id']).where('id', '=', n).executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
    if (row.status !== 'stalled') throw new AppError(ErrorCode.conflict, `step ${id} is not stalled any more (${row.status})`);
    try {
      await deps.client.workflow.getHandle(row.workflow_id).executeUpdate(resolveStallUpdate, { args: [{ stallKey: row.stall_key, action, actor, ...(reason ? { reason } : {}) }] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw new AppError(ErrorCode.conflict, `step ${id} is not stalled any more`);
      throw new AppError(ErrorCode.unavailable, `the workflow could not be reached: ${(error as Error).message}`);
    }
    // The workflow records the resolution too; this makes it visible at once.
    await deps.db
      .updateTable('stalls')
      .set({ status: action === 'skip' ? 'skipped' : 'retried', resolved_by: actor, resolution: reason ?? null, resolved_at: new Date() })
      .where('id', '=', n)
      .where('status', '=', 'stalled')
      .execute();
    await deps.db.insertInto('audit_log').values({ actor, action: `stall.${action}`, cycle_id: row.cycle_id, subject: id, detail: JSON.stringify({ stallKey: row.stall_key, reason: reason ?? null }) }).execute();
    return { id, action };
  }

  const emailId = String(n);
  const claimed = await deps.db
    .updateTable('emails')
    .set(action === 'skip' ? { status: 'skipped', last_error: `skipped by ${actor}: ${reason}`, updated_at: new Date() } : { status: 'queued', updated_at: new Date() })
    .where('id', '=', emailId)
    .where('status', '=', 'failed')
    .returning(['id', 'attempts', 'cycle_id'])
    .executeTakeFirst();
  if (!claimed) {
    const exists = await deps.db.selectFrom('emails').select('status').where('id', '=', emailId).executeTakeFirst();
    if (!exists) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
    throw new AppError(ErrorCode.conflict, `email ${id} is not failed any more (${exists.status})`);
  }
  if (action === 'retry') {
    const senderRef = emailRetryWorkflowId(emailId, claimed.attempts);
    await deps.db.updateTable('emails').set({ sender_ref: senderRef }).where('id', '=', emailId).execute();
    const cycle = claimed.cycle_id ? await deps.db.selectFrom('cycles').select('key').where('id', '=', claimed.cycle_id).executeTakeFirst() : undefined;
    await deps.client.workflow.start<typeof outboxDelivery>('outboxDelivery', {
      workflowId: senderRef,
      taskQueue: deps.taskQueue,
      args: [{ senderRef, cycleKey: cycle?.key ?? '', stepPolicy: deps.stepPolicy }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
  await deps.db.insertInto('audit_log').values({ actor, action: `stall.${action}`, cycle_id: claimed.cycle_id, subject: id, detail: JSON.stringify({ reason: reason ?? null }) }).execute();
  return { id, action };
}
