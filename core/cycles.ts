/**
 * Starting and reading cycles. The cycle row and its participants are written first, then the
 * workflow is started with an id derived from the key; posting the same key again finds both
 * and starts nothing new (and finishes a start that Temporal's absence interrupted).
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type Kysely, sql } from 'kysely';
import {
  type CycleState,
  ErrorCode,
  type FieldIssue,
  type StartCycleInput,
  type StepPolicy,
  TASK_STATUSES,
  type TaskStatus,
  cycleStateQuery,
  cycleWorkflowId,
} from '../contract';
import type { DB } from '../db/schema';
import type { okrCycle } from '../workflows/okr-cycle';
import { AppError, validationError } from './errors';

export interface CycleDeps {
  db: Kysely<DB>;
  client: Client;
  taskQueue: string;
  batchSize: number;
  stepPolicy: StepPolicy;
  /** The cycle workflow continues as new past this many history events (its default when unset). */
  historyLimit?: number;
}

export interface CycleSummary {
  key: string;
  title: string;
  startsOn: string;
  endsOn: string;
  status: string;
  workflowId: string;
  participantCount: number;
  createdAt: string;
}

export function fingerprint(input: StartCycleInput): string {
  const canonical = { ...input, participants: input.participants ? [...new Set(input.participants)].sort() : null };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export async function startCycle(deps: CycleDeps, input: StartCycleInput, actor: string): Promise<{ cycle: CycleSummary; created: boolean }> {
  const { db } = deps;
  const print = fingerprint(input);
  const workflowId = cycleWorkflowId(input.key);
  let existing = await db.selectFrom('cycles').select(['id', 'request_fingerprint']).where('key', '=', input.key).executeTakeFirst();
  let created = false;

  if (!existing) {
    const participantIds = await resolveParticipants(db, input.participants);
    const hr = await db
      .selectFrom('people')
      .select('id')
      .where('active', '=', true)
      .where(sql<boolean>`'hr' = any(roles)`)
      .orderBy('id')
      .executeTakeFirst();
    if (!hr) throw validationError([{ path: 'participants', message: 'import at least one person with role hr: HR owns the cycle, reviews people without a manager and finalises awards' }]);
    const inserted = await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('cycles')
        .values({
          key: input.key,
          title: input.title,
          starts_on: input.startsOn,
          ends_on: input.endsOn,
          schedule: JSON.stringify(input.schedule),
          request_fingerprint: print,
          workflow_id: workflowId,
          created_by: actor,
          hr_person_id: hr.id,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning(['id', 'request_fingerprint'])
        .executeTakeFirst();
      if (!row) return undefined; // another request created it a moment ago
      const CHUNK = 5_000;
      for (let i = 0; i < participantIds.length; i += CHUNK) {
        await tx
          .insertInto('cycle_participants')
          .values(participantIds.slice(i, i + CHUNK).map((personId, j) => ({ cycle_id: row.id, person_id: personId, batch_no: Math.floor((i + j) / deps.batchSize) })))
          .execute();
      }
      await tx
        .insertInto('audit_log')
        .values({ actor, action: 'cycle.started', cycle_id: row.id, subject: `cycle:${input.key}`, detail: JSON.stringify({ participants: participantIds.length }) })
        .execute();
      return row;
    });
    created = inserted !== undefined;
    existing = inserted ?? (await db.selectFrom('cycles').select(['id', 'request_fingerprint']).where('key', '=', input.key).executeTakeFirstOrThrow());
  }
  if (existing.request_fingerprint !== print) {
    throw new AppError(ErrorCode.conflict, `a cycle with key ${input.key} already exists with different settings`, { key: input.key });
  }

  try {
    await deps.client.workflow.start<typeof okrCycle>('okrCycle', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ cycleKey: input.key, schedule: input.schedule, stepPolicy: deps.stepPolicy, ...(deps.historyLimit ? { historyLimit: deps.historyLimit } : {}) }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') {
      throw new AppError(ErrorCode.unavailable, `the cycle is saved but its workflow could not be started (${(error as Error).message}); post the same request again to finish`);
    }
  }
  return { cycle: (await getCycleSummary(db, input.key))!, created };
}

async function resolveParticipants(db: Kysely<DB>, emails: string[] | undefined): Promise<number[]> {
  if (!emails) {
    const all = await db.selectFrom('people').select('id').where('active', '=', true).orderBy('id').execute();
    if (!all.length) throw validationError([{ path: 'participants', message: 'no people have been imported yet' }]);
    return all.map((r) => r.id);
  }
  const unique = [...new Set(emails)];
  const found = new Map((await db.selectFrom('people').select(['id', 'email']).where('email', 'in', unique).where('active', '=', true).execute()).map((r) => [r.email, r.id]));
  const issues: FieldIssue[] = [];
  emails.forEach((e, i) => {
    if (!found.has(e)) issues.push({ path: `participants.${i}`, message: `no active person with email ${e}` });
  });
  if (issues.length) throw validationError(issues);
  return unique.map((e) => found.get(e)!).sort((a, b) => a - b);
}

export async function getCycleSummary(db: Kysely<DB>, key: string): Promise<CycleSummary | undefined> {
  return (await listCycleSummaries(db, key))[0];
}

export async function listCycleSummaries(db: Kysely<DB>, key?: string): Promise<CycleSummary[]> {
  let q = db
    .selectFrom('cycles as c')
    .select((eb) => [
      'c.key',
      'c.title',
      'c.starts_on',
      'c.ends_on',
      'c.status',
      'c.workflow_id',
      'c.created_at',
      eb.selectFrom('cycle_participants as cp').whereRef('cp.cycle_id', '=', 'c.id').where('cp.removed_at', 'is', null).select(eb.fn.countAll<string>().as('n')).as('participants'),
    ])
    .orderBy('c.created_at', 'desc');
  if (key !== undefined) q = q.where('c.key', '=', key);
  const rows = await q.execute();
  return rows.map((r) => ({
    key: r.key,
    title: r.title,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    status: r.status,
    workflowId: r.workflow_id,
    participantCount: Number(r.participants ?? 0),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export interface CycleView extends CycleSummary {
  /** From the workflow; null when Temporal could not answer (see `workflowError`). */
  state: CycleState | null;
  workflowError?: string;
  taskCounts: Record<TaskStatus, number>;
  /** Open tasks past their due time (reminded and escalated, not yet expired). */
  overdueTasks: number;
  emailCounts: Record<'queued' | 'sent' | 'failed' | 'skipped', number>;
  /** Steps of this cycle's workflows waiting for an operator (see /api/admin/stalled). */
  stalledSteps: { id: string; step: string; since: string; why: string }[];
}

/**
 * The cycle workflow's state, and why it ended if it ended other than by completing (failed,
 * terminated, timed out): such a cycle still says `running` in its row, so the cause is shown.
 */
async function cycleWorkflowState(client: Client, workflowId: string): Promise<{ state: CycleState | null; workflowError?: string }> {
  const handle = client.workflow.getHandle(workflowId);
  const [state, described] = await Promise.all([
    handle.query(cycleStateQuery).then((s) => ({ state: s }), (e: Error) => ({ state: null, workflowError: e.message })),
    handle.describe().catch(() => undefined),
  ]);
  const status = described?.status.name;
  if (status !== 'FAILED' && status !== 'TERMINATED' && status !== 'TIMED_OUT' && status !== 'CANCELLED') return state;
  const cause = await handle.result().then(
    () => undefined,
    (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
  );
  return { ...state, workflowError: `the cycle workflow ${status.toLowerCase().replace('_', ' ')}${cause ? `: ${cause}` : ''}; see docs/operations.md "A cycle workflow that failed"` };
}

export async function getCycleView(deps: Pick<CycleDeps, 'db' | 'client'>, key: string): Promise<CycleView> {
  const summary = await getCycleSummary(deps.db, key);
  if (!summary) throw new AppError(ErrorCode.notFound, `no cycle with key ${key}`);
  const cycleId = deps.db.selectFrom('cycles').select('id').where('key', '=', key);
  const [taskRows, emailRows, state, overdue, stalls] = await Promise.all([
    deps.db.selectFrom('tasks').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).where('cycle_id', '=', cycleId).groupBy('status').execute(),
    deps.db.selectFrom('emails').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).where('cycle_id', '=', cycleId).groupBy('status').execute(),
    cycleWorkflowState(deps.client, summary.workflowId),
    deps.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cycle_id', '=', cycleId)
      .where('status', '=', 'open')
      .where('due_at', '<', new Date())
      .executeTakeFirstOrThrow(),
    deps.db.selectFrom('stalls').select(['id', 'step', 'since', 'last_failure']).where('cycle_id', '=', cycleId).where('status', '=', 'stalled').orderBy('id').execute(),
  ]);
  const taskCounts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const r of taskRows) taskCounts[r.status as TaskStatus] = Number(r.n);
  const emailCounts = { queued: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of emailRows) emailCounts[r.status as keyof typeof emailCounts] = Number(r.n);
  return {
    ...summary,
    ...state,
    taskCounts,
    overdueTasks: Number(overdue.n),
    emailCounts,
    stalledSteps: stalls.map((r) => ({ id: `step-${r.id}`, step: r.step, since: new Date(r.since).toISOString(), why: r.last_failure })),
  };
}
