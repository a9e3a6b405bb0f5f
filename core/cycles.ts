/**
 * Starting and reading cycles. The cycle row and its participants are written first, then the
 * workflow is started with an id derived from the key; posting the same key again finds both
 * and starts nothing new (and finishes a start that Temporal's absence interrupted).
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import {
  type CycleKind,
  type CycleState,
  type CycleStatus,
  type EmailStatus,
  ErrorCode,
  type FieldIssue,
  PHASE_OF_KIND,
  type StartCycleInput,
  type StepPolicy,
  type TaskKind,
  type TaskStatus,
  type Phase,
  cycleStateQuery,
  cycleWorkflowId,
  CALENDAR_VERSION,
  fitIssues,
  type PlanWarning,
  planCycle,
  planWarnings,
  type TaskView,
  toFieldIssues,
} from '../contract';
import { writeAudit } from '../db/audit';
import { type CycleSummaryRow, findCycleByKey, insertCycleIfAbsent, listCycleSummaryRows, requireCycleByKey } from '../db/cycles';
import { type OutboxHealth, emailCountsByStatus, outboxHealth } from '../db/emails';
import { addParticipantRows } from '../db/participants';
import { activePersonIds, activePersonIdsByEmail, activePersonIdsWithRole } from '../db/people';
import type { DB } from '../db/schema';
import { openStallsOfCycle } from '../db/stalls';
import { type CycleTasksFilter, countOverdueTasks, listCycleTasks, taskCountsByStatus } from '../db/tasks';
import type { okrCycle } from '../workflows/okr-cycle';
import { AppError, validationError } from './errors';
import { abnormalEnd, describeAbnormalEnd } from './workflow-failures';

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
  status: CycleStatus;
  workflowId: string;
  participantCount: number;
  createdAt: string;
  /** A quarterly cycle, or a yearly awards run. */
  kind: CycleKind;
  /** A yearly awards run: the keys of the cycles it covers. */
  covers?: string[];
}

export function fingerprint(input: StartCycleInput): string {
  // The default planning (added later) is left out, so a cycle started before posts the same fingerprint again.
  const { planning, ...rest } = input.schedule;
  const schedule = planning === 'before-start' ? rest : input.schedule;
  const canonical = { ...input, schedule, participants: input.participants ? [...new Set(input.participants)].sort() : null };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export async function startCycle(
  deps: CycleDeps,
  input: StartCycleInput,
  actor: string,
): Promise<{ cycle: CycleSummary; created: boolean; warnings: PlanWarning[] }> {
  const { db } = deps;
  const print = fingerprint(input);
  const workflowId = cycleWorkflowId(input.key);
  let existing = await findCycleByKey(db, input.key);
  let created = false;

  if (!existing) {
    // The calendar's one rule that depends on today: planning that HR asked to fit before startsOn.
    const late = fitIssues({ startsOn: input.startsOn, endsOn: input.endsOn, schedule: input.schedule, startedAt: new Date().toISOString() });
    if (late.length) throw validationError(toFieldIssues(late));
    const participantIds = await resolveParticipants(db, input.participants);
    const [hrId] = await activePersonIdsWithRole(db, 'hr');
    if (hrId === undefined)
      throw validationError([
        { path: 'participants', message: 'import at least one person with role hr: HR owns the cycle, reviews people without a manager and finalises awards' },
      ]);
    const inserted = await db.transaction().execute(async (tx) => {
      const row = await insertCycleIfAbsent(tx, {
        key: input.key,
        title: input.title,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        schedule: JSON.stringify(input.schedule),
        request_fingerprint: print,
        workflow_id: workflowId,
        created_by: actor,
        hr_person_id: hrId,
      });
      if (!row) return undefined; // another request created it a moment ago
      await addParticipantRows(
        tx,
        participantIds.map((personId, i) => ({ cycle_id: row.id, person_id: personId, batch_no: Math.floor(i / deps.batchSize) })),
        false,
      );
      await writeAudit(tx, { actor, action: 'cycle.started', cycleId: row.id, subject: `cycle:${input.key}`, detail: { participants: participantIds.length } });
      return row;
    });
    created = inserted !== undefined;
    existing = inserted ?? (await requireCycleByKey(db, input.key));
  }
  if (existing.request_fingerprint !== print) {
    throw new AppError(ErrorCode.conflict, `a cycle with key ${input.key} already exists with different settings`, { key: input.key });
  }

  await startCycleWorkflow(deps, 'okrCycle', workflowId, {
    cycleKey: input.key,
    schedule: input.schedule,
    calendar: { startsOn: input.startsOn, endsOn: input.endsOn, version: CALENDAR_VERSION },
    stepPolicy: deps.stepPolicy,
    ...(deps.historyLimit ? { historyLimit: deps.historyLimit } : {}),
  });
  const cycle = (await getCycleSummary(db, input.key))!;
  // Planning that cannot be due by startsOn runs anyway (without fitBeforeStart): the answer says by how much it ends later.
  const warnings = planWarnings(planCycle({ startsOn: input.startsOn, endsOn: input.endsOn, schedule: input.schedule, startedAt: cycle.createdAt }));
  return { cycle, created, warnings };
}

/**
 * Starts a cycle's workflow (or a yearly awards run's) once: a start that finds it running is
 * no failure; a start Temporal's absence interrupted is finished by posting the request again.
 */
export async function startCycleWorkflow(
  deps: Pick<CycleDeps, 'client' | 'taskQueue'>,
  workflowType: 'okrCycle' | 'awardsRun',
  workflowId: string,
  input: Parameters<typeof okrCycle>[0],
): Promise<void> {
  try {
    await deps.client.workflow.start(workflowType, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') {
      throw new AppError(
        ErrorCode.unavailable,
        `the cycle is saved but its workflow could not be started (${(error as Error).message}); post the same request again to finish`,
      );
    }
  }
}

async function resolveParticipants(db: Kysely<DB>, emails: string[] | undefined): Promise<number[]> {
  if (!emails) {
    const all = await activePersonIds(db);
    if (!all.length) throw validationError([{ path: 'participants', message: 'no people have been imported yet' }]);
    return all;
  }
  const unique = [...new Set(emails)];
  const found = await activePersonIdsByEmail(db, unique);
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
  return (await listCycleSummaryRows(db, key)).map(toSummary);
}

function toSummary(r: CycleSummaryRow): CycleSummary {
  return {
    key: r.key,
    title: r.title,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    status: r.status,
    workflowId: r.workflow_id,
    participantCount: r.participants,
    createdAt: new Date(r.created_at).toISOString(),
    kind: r.kind,
    ...(r.covers ? { covers: r.covers } : {}),
  };
}

export interface CycleView extends CycleSummary {
  /** From the workflow; null when Temporal could not answer (see `workflowError`). */
  state: CycleState | null;
  workflowError?: string;
  taskCounts: Record<TaskStatus, number>;
  /** Open tasks past their due time (reminded and escalated, not yet expired). */
  overdueTasks: number;
  emailCounts: Record<EmailStatus, number>;
  /** Emails waiting and refused, with the SMTP server's last answer from the first failed attempt on. */
  outbox: OutboxHealth;
  /** Steps of this cycle's workflows waiting for an operator (see /api/admin/stalled). */
  stalledSteps: { id: string; step: string; since: string; why: string }[];
}

/**
 * The cycle workflow's state, and why it ended if it ended other than by completing (failed,
 * terminated, timed out): such a cycle still says `running` in its row, so the cause is shown.
 */
async function cycleWorkflowState(client: Client, workflowId: string): Promise<{ state: CycleState | null; workflowError?: string }> {
  const [state, ended] = await Promise.all([
    client.workflow
      .getHandle(workflowId)
      .query(cycleStateQuery)
      .then(
        (s) => ({ state: s }),
        (e: Error) => ({ state: null, workflowError: e.message }),
      ),
    abnormalEnd(client, workflowId),
  ]);
  if (!ended) return state;
  return { ...state, workflowError: describeAbnormalEnd(ended) };
}

export async function getCycleView(deps: Pick<CycleDeps, 'db' | 'client'>, key: string): Promise<CycleView> {
  const cycle = await requireCycleByKey(deps.db, key);
  const summary = (await getCycleSummary(deps.db, key))!;
  const [taskCounts, emailCounts, outbox, state, overdueTasks, stalls] = await Promise.all([
    taskCountsByStatus(deps.db, cycle.id),
    emailCountsByStatus(deps.db, cycle.id),
    outboxHealth(deps.db, [cycle.id]).then((m) => m.get(cycle.id)!),
    cycleWorkflowState(deps.client, summary.workflowId),
    countOverdueTasks(deps.db, cycle.id, new Date()),
    openStallsOfCycle(deps.db, cycle.id),
  ]);
  return {
    ...summary,
    ...state,
    taskCounts,
    overdueTasks,
    emailCounts,
    outbox,
    stalledSteps: stalls.map((r) => ({ id: `step-${r.id}`, step: r.step, since: new Date(r.since).toISOString(), why: r.last_failure })),
  };
}

/** A task as the cycle's task list shows it: the contract's task view. */
export type CycleTaskItem = TaskView;

/** A page of a cycle's tasks as the API lists them; NOT_FOUND for an unknown key. */
export async function listCycleTaskPage(db: Kysely<DB>, key: string, filter: CycleTasksFilter): Promise<{ total: number; tasks: CycleTaskItem[] }> {
  const cycle = await requireCycleByKey(db, key);
  const { rows, total } = await listCycleTasks(db, cycle.id, filter);
  return {
    total,
    tasks: rows.map((r) => ({
      id: r.id,
      cycleKey: key,
      kind: r.kind,
      phase: PHASE_OF_KIND[r.kind],
      round: r.round,
      status: r.status,
      ownerEmail: r.email,
      ownerName: r.name,
      subjectEmail: r.subject_email,
      dueAt: new Date(r.due_at).toISOString(),
      completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
    })),
  };
}
