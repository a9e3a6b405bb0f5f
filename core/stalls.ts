/**
 * The operator's view of what is stuck, and the fixes. Three kinds of stall:
 * - `step-<id>`: a workflow step whose activity kept failing (the workflow waits for a decision);
 * - `email-<id>`: an email the SMTP server refused permanently;
 * - `cycle-<id>`: a cycle whose workflow ended abnormally (failed, terminated, timed out) while
 *   its row says running; retry resets the workflow to its first workflow task, skip is refused.
 * Retry and skip are safe under concurrent calls: the second of two clicks gets 409.
 */
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { ErrorCode, type StepPolicy, emailRetryWorkflowId, resolveStallUpdate } from '../contract';
import { writeAudit } from '../db/audit';
import { findCycleKeyById, listRunningCycles } from '../db/cycles';
import { type OutboxHealth, claimFailedEmail, failedEmails, findEmailStatus, outboxHealth, outboxHealthLine, setEmailSender } from '../db/emails';
import type { DB } from '../db/schema';
import { claimResolvedStall, findStallById, forgetStall, openStalls, resolveStallRow } from '../db/stalls';
import type { outboxDelivery } from '../workflows/outbox-delivery';
import { AppError } from './errors';
import { abnormalEnd, describeAbnormalEnd, resetToFirstWorkflowTask } from './workflow-failures';
import { consoleWords } from '../i18n/console';

export interface StalledView {
  id: string;
  kind: StallKind;
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

/** What skipping each step means, in the words the console shows (i18n/console.ts, English for the API). */
const SKIP_MEANS = consoleWords('en').ops.skipMeansOf;

export const STALL_KINDS = ['step', 'email', 'cycle'] as const;
export type StallKind = (typeof STALL_KINDS)[number];

/** Running cycles whose workflow ended abnormally, with the cause (cycles Temporal cannot describe are left out). */
async function failedCycleWorkflows(db: Kysely<DB>, client: Client): Promise<StalledView[]> {
  const cycles = await listRunningCycles(db);
  const ended = await Promise.all(cycles.map(async (c) => ({ c, end: await abnormalEnd(client, c.workflow_id) })));
  return ended.flatMap(({ c, end }): StalledView[] =>
    end
      ? [
          {
            id: `cycle-${c.id}`,
            kind: 'cycle',
            cycleKey: c.key,
            phase: null,
            where: c.workflow_id,
            step: 'cycle workflow',
            since: (end.closedAt ?? new Date()).toISOString(),
            why: describeAbnormalEnd(end),
            attempts: 1,
            nextRetryAt: null,
            actions: ['retry'],
            skipMeans: 'a failed cycle workflow cannot be skipped: retry resets it to its first workflow task (docs/operations.md)',
          },
        ]
      : [],
  );
}

export async function listStalled(db: Kysely<DB>, client: Client): Promise<StalledView[]> {
  const steps = await openStalls(db);
  const emails = await failedEmails(db);
  const cycles = await failedCycleWorkflows(db, client);
  return [
    ...cycles,
    ...steps.map((s): StalledView => ({
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
      skipMeans: SKIP_MEANS[s.step] ?? SKIP_MEANS.other!,
    })),
    ...emails.map((e): StalledView => ({
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
    })),
  ];
}

/** A cycle whose outbox has failures, from the first failed attempt on (long before a step stalls). */
export interface OutboxTrouble extends OutboxHealth {
  cycleKey: string | null;
  /** "N emails waiting, last error …" */
  summary: string;
}

export async function listOutboxTroubles(db: Kysely<DB>): Promise<OutboxTrouble[]> {
  const health = await outboxHealth(db);
  const troubles: OutboxTrouble[] = [];
  for (const [cycleId, h] of health) {
    const cycleKey = cycleId === null ? null : ((await findCycleKeyById(db, cycleId)) ?? null);
    troubles.push({ cycleKey, ...h, summary: outboxHealthLine(h) });
  }
  return troubles;
}

function parseId(id: string): { kind: StallKind; n: number } {
  const m = /^([a-z]+)-(\d{1,12})$/.exec(id);
  const kind = STALL_KINDS.find((k) => k === m?.[1]);
  if (!m || !kind) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
  return { kind, n: Number(m[2]) };
}

export interface StallDeps {
  db: Kysely<DB>;
  client: Client;
  taskQueue: string;
  stepPolicy: StepPolicy;
}

export async function resolveStalled(
  deps: StallDeps,
  id: string,
  action: 'retry' | 'skip',
  actor: string,
  reason: string | undefined,
): Promise<{ id: string; action: 'retry' | 'skip' }> {
  const { kind, n } = parseId(id);
  if (action === 'skip' && !reason?.trim())
    throw new AppError(ErrorCode.validation, 'a skip needs a reason', { issues: [{ path: 'reason', message: 'say why the step is skipped' }] });
  if (kind === 'cycle') return resetFailedCycle(deps, id, n, action, actor);
  if (kind === 'step') {
    const row = await findStallById(deps.db, n);
    if (!row) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
    if (row.status !== 'stalled') throw new AppError(ErrorCode.conflict, `step ${id} is not stalled any more (${row.status})`);
    try {
      await deps.client.workflow
        .getHandle(row.workflow_id)
        .executeUpdate(resolveStallUpdate, { args: [{ stallKey: row.stall_key, action, actor, ...(reason ? { reason } : {}) }] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw new AppError(ErrorCode.conflict, `step ${id} is not stalled any more`);
      throw new AppError(ErrorCode.unavailable, `the workflow could not be reached: ${(error as Error).message}`);
    }
    // The workflow records the resolution too; this makes it visible at once.
    await resolveStallRow(deps.db, { id: n }, { status: action === 'skip' ? 'skipped' : 'retried', resolvedBy: actor, resolution: reason ?? null });
    await writeAudit(deps.db, {
      actor,
      action: `stall.${action}`,
      cycleId: row.cycle_id,
      subject: id,
      detail: { stallKey: row.stall_key, reason: reason ?? null },
    });
    return { id, action };
  }

  const emailId = String(n);
  const claimed = await claimFailedEmail(deps.db, emailId, action === 'skip' ? { action, note: `skipped by ${actor}: ${reason}` } : { action });
  if (!claimed) {
    const status = await findEmailStatus(deps.db, emailId);
    if (!status) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
    throw new AppError(ErrorCode.conflict, `email ${id} is not failed any more (${status})`);
  }
  if (action === 'retry') {
    const senderRef = emailRetryWorkflowId(emailId, claimed.attempts);
    await setEmailSender(deps.db, emailId, senderRef);
    const cycleKey = claimed.cycle_id ? await findCycleKeyById(deps.db, claimed.cycle_id) : undefined;
    await deps.client.workflow.start<typeof outboxDelivery>('outboxDelivery', {
      workflowId: senderRef,
      taskQueue: deps.taskQueue,
      args: [{ senderRef, cycleKey: cycleKey ?? '', stepPolicy: deps.stepPolicy }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
  await writeAudit(deps.db, { actor, action: `stall.${action}`, cycleId: claimed.cycle_id, subject: id, detail: { reason: reason ?? null } });
  return { id, action };
}

/** Retry of a failed cycle workflow: reset its run to its first workflow task (once, whatever the clicks). */
async function resetFailedCycle(
  deps: StallDeps,
  id: string,
  cycleId: number,
  action: 'retry' | 'skip',
  actor: string,
): Promise<{ id: string; action: 'retry' | 'skip' }> {
  const cycle = (await listRunningCycles(deps.db)).find((c) => c.id === cycleId);
  if (!cycle) throw new AppError(ErrorCode.notFound, `no stalled step ${id}`);
  if (action === 'skip')
    throw new AppError(ErrorCode.conflict, 'a failed cycle workflow cannot be skipped: retry resets it to its first workflow task, or cancel the cycle');
  const end = await abnormalEnd(deps.client, cycle.workflow_id);
  if (!end) throw new AppError(ErrorCode.conflict, `the workflow of cycle ${cycle.key} is not failed (any more)`);
  // One reset per failed run, whatever the clicks and replicas: the first to record it resets it.
  const why = describeAbnormalEnd(end);
  const stallKey = `${cycle.workflow_id}/run/${end.runId}`;
  const claimed = await claimResolvedStall(deps.db, {
    stall_key: stallKey,
    cycle_id: cycle.id,
    workflow_id: cycle.workflow_id,
    phase: null,
    step: 'cycle workflow',
    since: end.closedAt ?? new Date(),
    last_failure: why,
    attempts: 1,
    auto_retry_at: new Date(),
    status: 'retried',
    resolved_by: actor,
    resolution: 'reset to its first workflow task',
  });
  if (!claimed) throw new AppError(ErrorCode.conflict, `the workflow of cycle ${cycle.key} is being reset already`);
  let runId: string;
  try {
    runId = await resetToFirstWorkflowTask(deps.client, cycle.workflow_id, end.runId, `${actor} retried the failed cycle workflow (${end.status})`);
  } catch (error) {
    await forgetStall(deps.db, stallKey);
    throw new AppError(ErrorCode.unavailable, `the cycle workflow could not be reset: ${(error as Error).message}`);
  }
  await writeAudit(deps.db, {
    actor,
    action: 'stall.retry',
    cycleId: cycle.id,
    subject: id,
    detail: { reset: { from: end.runId, to: runId }, cause: end.cause ?? null },
  });
  return { id, action };
}
