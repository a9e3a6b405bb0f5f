/**
 * Task activities. Every write is keyed by the task's business identity (cycle, kind, round,
 * owner, subject), so a retried activity finds its earlier work instead of doing it twice.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema';
import { type AnySubmission, type CompletionRefusal, ErrorCode, PHASE_OF_KIND, type TaskKind, type TaskStatus, personTimeZone } from '../contract';
import { type KindHandler, type RecordOutcome, SubmissionRejected, type TaskRef, kindModule } from '../kinds';
import { hashToken, taskToken } from '../core/tokens';
import { writeAudit } from '../db/audit';
import { requireCycleByKey } from '../db/cycles';
import { queueEmails } from '../db/emails';
import { isParticipant } from '../db/participants';
import { batchTasks, closeOpenTasks, insertTasksIfAbsent, lockTaskForCompletion, markTaskCompleted, setOpenTasksDue } from '../db/tasks';
import type { ActivityDeps } from './deps';
import type { EmailData } from '../mail/templates/data';
import { asDataRefusal, asRefusal, businessFailure, orBusinessFailure } from './failures';
import { emailRow } from './outbox';
import { queueNotices } from './notices';
import { type Recipient, recipientsFor, reviewerOf } from './recipients';

/** Tasks by their owner, in task order. */
function groupByOwner<T extends { person_id: number }>(tasks: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const t of tasks) out.set(t.person_id, [...(out.get(t.person_id) ?? []), t]);
  return out;
}

/** A task as its batch workflow tracks it. */
export interface TaskInfo {
  taskId: number;
  kind: TaskKind;
  round: number;
  personId: number;
  subjectPersonId: number | null;
  dueAt: string;
  status: TaskStatus;
}

export interface OpenPhaseTasksInput {
  cycleKey: string;
  kind: TaskKind;
  round: number;
  batchNo: number;
  dueAt: string;
  /** Managers' due time for drafts (earlier, so reports can align to them). */
  managerDueAt?: string;
  /** Check-ins: the Monday of the week, to skip people out of office. */
  weekStart?: string;
  timeZone: string;
  /** The batch workflow that owns these tasks (it receives their completions). */
  workflowId: string;
}
export interface OpenTasksResult {
  tasks: TaskInfo[];
  /** How many were created by this call (0 on a retry). */
  created: number;
}

export interface OpenFollowUpInput {
  cycleKey: string;
  /** review, strategy-review, calibrate: owned by the subject's reviewer; draft, strategy: by the subject. */
  kind: TaskKind;
  round: number;
  subjectPersonId: number;
  batchNo: number;
  dueAt: string;
  /** The reviewer's comment, shown in the new task's email. */
  comment?: string;
  timeZone: string;
  workflowId: string;
}

/** Several follow-ups of one kind and round opened at once: a reviewer of several of them gets one email listing them. */
export interface OpenFollowUpTasksInput extends Omit<OpenFollowUpInput, 'subjectPersonId'> {
  subjectPersonIds: number[];
}

export interface RecordSubmissionInput {
  taskId: number;
  kind: TaskKind;
  /** Already checked against the kind's schema by the workflow's update validator. */
  submission: AnySubmission;
  via: 'form' | 'json' | 'reply';
  /** The answer of an already completed task, sent again while its window is open (correctTask). */
  correction?: boolean;
}
export interface RecordSubmissionResult {
  completedAt: string;
  outcome: RecordOutcome;
  /** Notices queued with the completion (in the batch's outbox: its next send delivers them). */
  notices?: number;
}

export interface RecordSubmissionsInput {
  items: RecordSubmissionInput[];
}
/** An item's result, or why it was refused (the task was closed, a rule that needs the database). */
export type RecordedOutcome = RecordSubmissionResult | Pick<CompletionRefusal, 'error'>;
export interface RecordSubmissionsResult {
  /** In the order of `items`. */
  outcomes: RecordedOutcome[];
}

export interface CloseTasksInput {
  workflowId: string;
  /** Only these tasks (else every open task of the workflow). */
  taskIds?: number[];
  /** Only tasks owned by or about these people. */
  personIds?: number[];
  status: Extract<TaskStatus, 'expired' | 'cancelled'>;
  reason: string;
  actor?: string;
}
export interface CloseTasksResult {
  closed: number[];
}

export interface SetTaskDueInput {
  taskIds: number[];
  dueAt: string;
  actor: string;
}

const INSERT_CHUNK = 1_000;

type LockedTask = NonNullable<Awaited<ReturnType<typeof lockTaskForCompletion>>>;

/** The task as the kinds' handlers see it. */
function refOf(task: LockedTask): TaskRef {
  return {
    id: task.id,
    kind: task.kind,
    cycleId: task.cycle_id,
    personId: task.person_id,
    ownerEmail: task.email,
    subjectPersonId: task.subject_person_id,
    round: task.round,
  };
}

/** The handler writes the submission; a rule it refuses is a validation failure naming the fields. */
async function recordWith(
  tx: Transaction<DB>,
  handler: KindHandler<TaskKind>,
  ref: TaskRef,
  submission: Parameters<KindHandler<TaskKind>['record']>[2],
): Promise<RecordOutcome> {
  try {
    return await handler.record(tx, ref, submission);
  } catch (error) {
    if (error instanceof SubmissionRejected) throw businessFailure(ErrorCode.validation, 'the submission is not valid', error.issues);
    throw error;
  }
}

export function createTaskActivities(deps: ActivityDeps) {
  const { db, tokenSecret, mailer } = deps;

  async function cycleByKey(cycleKey: string) {
    const cycle = await requireCycleByKey(db, cycleKey).catch(orBusinessFailure);
    if (cycle.hr_person_id === null) throw businessFailure(ErrorCode.validation, `cycle ${cycleKey} has no HR owner`);
    return { id: cycle.id, title: cycle.title, hrPersonId: cycle.hr_person_id };
  }

  /** Inserts the tasks (idempotently) and their invitation emails, in one transaction. */
  async function insertTasks(
    cycle: { id: number; title: string },
    spec: { kind: TaskKind; round: number; batchNo: number; workflowId: string; timeZone: string; comment?: string },
    recipients: (Recipient & { dueAt: string })[],
  ): Promise<OpenTasksResult> {
    const phase = PHASE_OF_KIND[spec.kind];
    return db.transaction().execute(async (tx) => {
      let created = 0;
      for (let i = 0; i < recipients.length; i += INSERT_CHUNK) {
        const chunk = recipients.slice(i, i + INSERT_CHUNK);
        const inserted = await insertTasksIfAbsent(
          tx,
          chunk.map((r) => ({
            cycle_id: cycle.id,
            person_id: r.personId,
            subject_person_id: r.subjectPersonId,
            kind: spec.kind,
            phase,
            round: spec.round,
            batch_no: spec.batchNo,
            workflow_id: spec.workflowId,
            due_at: r.dueAt,
            token_hash: hashToken(
              taskToken(tokenSecret, { cycleId: cycle.id, kind: spec.kind, round: spec.round, personId: r.personId, subjectPersonId: r.subjectPersonId }),
            ),
          })),
        );
        created += inserted.length;
      }
      const keys = recipients.map((r) => `${r.personId}:${r.subjectPersonId ?? 0}`);
      const rows = await batchTasks(tx, spec.workflowId, spec.kind, spec.round);
      const wanted = new Set(keys);
      const mine = rows.filter((t) => wanted.has(`${t.person_id}:${t.subject_person_id ?? 0}`));
      const open = mine.filter((t) => t.status === 'open');
      // A reviewer whose tasks about several people open together gets one email listing them.
      const together = kindModule(spec.kind).hasSubject ? groupByOwner(open) : new Map<number, typeof open>();
      const grouped = [...together.values()].filter((g) => g.length > 1);
      const inGroup = new Set(grouped.flat().map((t) => t.id));
      const lists = grouped.map((g) => {
        const t = g[0]!;
        const data: EmailData['tasks-together'] = {
          locale: t.locale === 'zh-CN' ? 'zh-CN' : 'en',
          personName: t.name,
          cycleTitle: cycle.title,
          timeZone: personTimeZone(t.time_zone, spec.timeZone),
          taskKind: spec.kind,
          round: spec.round,
          dueAt: new Date(t.due_at).toISOString(),
          tasks: g.map((x) => ({ taskId: x.id, subjectPersonId: x.subject_person_id, subjectName: x.subject_name ?? '' })),
        };
        // One list per group: a later group of the same kind and round (more calibrations) gets its own email.
        const key = `tasks:${spec.workflowId}:${spec.kind}:${spec.round}:${t.person_id}:together:${Math.min(...g.map((x) => x.id))}`;
        return emailRow({
          key,
          kind: 'tasks-together',
          cycleId: cycle.id,
          taskId: null,
          person: { id: t.person_id, name: t.name, email: t.email },
          data,
          senderRef: spec.workflowId,
          from: mailer.from,
        });
      });
      const invites = open
        .filter((t) => !inGroup.has(t.id))
        .map((t) => {
          const data: EmailData['task-invite'] = {
            locale: t.locale === 'zh-CN' ? 'zh-CN' : 'en',
            personName: t.name,
            cycleTitle: cycle.title,
            timeZone: personTimeZone(t.time_zone, spec.timeZone),
            taskKind: spec.kind,
            dueAt: new Date(t.due_at).toISOString(),
            round: spec.round,
            ...(t.subject_name ? { subjectName: t.subject_name } : {}),
            ...(spec.comment ? { comment: spec.comment } : {}),
          };
          return emailRow({
            key: `task:${t.id}:invite`,
            kind: 'task-invite',
            cycleId: cycle.id,
            taskId: t.id,
            person: { id: t.person_id, name: t.name, email: t.email },
            data,
            senderRef: spec.workflowId,
            from: mailer.from,
          });
        });
      await queueEmails(tx, [...invites, ...lists]);
      return {
        created,
        tasks: mine.map((t) => ({
          taskId: t.id,
          kind: spec.kind,
          round: spec.round,
          personId: t.person_id,
          subjectPersonId: t.subject_person_id,
          dueAt: new Date(t.due_at).toISOString(),
          status: t.status,
        })),
      };
    });
  }

  /** Writes one submission and completes its task, in one transaction (shared by both activities). */
  async function recordOne(input: RecordSubmissionInput): Promise<RecordSubmissionResult> {
    const handler = kindModule(input.kind)?.handler as KindHandler<TaskKind> | undefined;
    if (!handler) throw businessFailure(ErrorCode.internal, `no handler for tasks of kind ${input.kind}`);
    return db.transaction().execute(async (tx) => {
      const task = await lockTaskForCompletion(tx, input.taskId);
      if (!task) throw businessFailure(ErrorCode.notFound, `task ${input.taskId} does not exist`);
      // The workflow serialises completions of one task, so a completed row here is this same
      // submission's earlier attempt whose result was lost: report it, do nothing twice.
      if (input.correction) return correctOne(tx, task, handler, input);
      if (task.status === 'completed' && task.completed_at) {
        return { completedAt: new Date(task.completed_at).toISOString(), outcome: (task.result as { outcome?: RecordOutcome } | null)?.outcome ?? {} };
      }
      if (task.status !== 'open') throw businessFailure(ErrorCode.taskClosed, `task ${input.taskId} is ${task.status}`);
      const ref = refOf(task);
      const outcome = await recordWith(tx, handler, ref, input.submission);
      const notices = (await handler.notices?.(tx, ref, input.submission)) ?? [];
      const queued = await queueNotices(tx, ref, notices, mailer.from, task.workflow_id);
      const completedAt = await markTaskCompleted(tx, task.id, {
        result: { submission: input.submission, outcome },
        actor: task.email,
        detail: { via: input.via },
      });
      await writeAudit(tx, {
        actor: task.email,
        action: 'task.completed',
        cycleId: task.cycle_id,
        subject: `task:${task.id}`,
        detail: { via: input.via, kind: input.kind },
      });
      return { completedAt: new Date(completedAt).toISOString(), outcome, ...(queued ? { notices: queued } : {}) };
    });
  }

  /**
   * A correction: the kind's `undo` removes what the earlier answer wrote, `record` writes the new
   * one, the task keeps its completion time. A retry does the same again, with the same result.
   */
  async function correctOne(
    tx: Transaction<DB>,
    task: LockedTask,
    handler: KindHandler<TaskKind>,
    input: RecordSubmissionInput,
  ): Promise<RecordSubmissionResult> {
    if (task.status !== 'completed' || !task.completed_at || !handler.undo)
      throw businessFailure(ErrorCode.taskClosed, `task ${input.taskId} cannot be corrected`);
    const ref = refOf(task);
    await handler.undo(tx, ref);
    const outcome = await recordWith(tx, handler, ref, input.submission);
    await tx
      .updateTable('tasks')
      .set({ result: JSON.stringify({ submission: input.submission, outcome }) })
      .where('id', '=', task.id)
      .execute();
    await writeAudit(tx, {
      actor: task.email,
      action: 'task.corrected',
      cycleId: task.cycle_id,
      subject: `task:${task.id}`,
      detail: { via: input.via, kind: input.kind },
    });
    return { completedAt: new Date(task.completed_at).toISOString(), outcome };
  }

  return {
    async openPhaseTasks(input: OpenPhaseTasksInput): Promise<OpenTasksResult> {
      const cycle = await cycleByKey(input.cycleKey);
      const recipients = await recipientsFor(db, cycle, input.kind, input.batchNo, input.weekStart);
      return insertTasks(
        cycle,
        input,
        recipients.map((r) => ({ ...r, dueAt: r.isManager && input.managerDueAt && !kindModule(input.kind).hasSubject ? input.managerDueAt : input.dueAt })),
      );
    },

    async openFollowUpTask(input: OpenFollowUpInput): Promise<TaskInfo | null> {
      const cycle = await cycleByKey(input.cycleKey);
      const active = await isParticipant(db, cycle.id, input.subjectPersonId);
      const kind = kindModule(input.kind);
      if (!active && !kind.subjectOutsideCycle) return null; // the subject left the cycle
      const owner =
        kind.followUpOwner === 'hr'
          ? cycle.hrPersonId
          : kind.followUpOwner === 'reviewer'
            ? await reviewerOf(db, cycle.id, cycle.hrPersonId, input.subjectPersonId)
            : input.subjectPersonId;
      const recipient = { personId: owner, subjectPersonId: kind.hasSubject ? input.subjectPersonId : null, isManager: false, dueAt: input.dueAt };
      const { tasks } = await insertTasks(cycle, input, [recipient]);
      return tasks[0] ?? null;
    },

    /**
     * The follow-ups that came due together (calibrations after several self-scores, reviews after
     * several drafts), in one transaction: the kinds whose tasks are about a subject group them by
     * owner into one email (insertTasks), as when their phase opens. Subjects who left are skipped.
     */
    async openFollowUpTasks(input: OpenFollowUpTasksInput): Promise<TaskInfo[]> {
      const cycle = await cycleByKey(input.cycleKey);
      const kind = kindModule(input.kind);
      const recipients: (Recipient & { dueAt: string })[] = [];
      for (const subjectPersonId of input.subjectPersonIds) {
        if (!kind.subjectOutsideCycle && !(await isParticipant(db, cycle.id, subjectPersonId))) continue;
        const owner =
          kind.followUpOwner === 'hr'
            ? cycle.hrPersonId
            : kind.followUpOwner === 'reviewer'
              ? await reviewerOf(db, cycle.id, cycle.hrPersonId, subjectPersonId)
              : subjectPersonId;
        recipients.push({ personId: owner, subjectPersonId: kind.hasSubject ? subjectPersonId : null, isManager: false, dueAt: input.dueAt });
      }
      if (!recipients.length) return [];
      const { subjectPersonIds: _ids, ...spec } = input;
      return (await insertTasks(cycle, spec, recipients)).tasks;
    },

    async recordSubmission(input: RecordSubmissionInput): Promise<RecordSubmissionResult> {
      const result = await recordOne(input);
      return result;
    },

    /**
     * The submissions of one `completeTasks` update, each in its own transaction (they run side by
     * side on the pool), so one item never fails or delays the others. A business refusal
     * (validation, closed task) or a value PostgreSQL refuses to store (a data error, SQLSTATE
     * class 22, or a check constraint) is that item's outcome, naming the field where it can.
     * Any other error (a lost connection) fails the activity once every item has settled; its
     * retry finds the items already written and reports them as before.
     */
    async recordSubmissions({ items }: RecordSubmissionsInput): Promise<RecordSubmissionsResult> {
      const settled = await Promise.allSettled(items.map((item) => recordOne(item)));
      const outcomes = settled.map((s, i): RecordedOutcome => {
        if (s.status === 'fulfilled') return s.value;
        const refusal = asRefusal(s.reason) ?? asDataRefusal(s.reason, items[i]!.submission);
        if (refusal) return refusal;
        throw s.reason;
      });
      return { outcomes };
    },

    async closeTasks({ workflowId, taskIds, personIds, status, reason, actor = 'system' }: CloseTasksInput): Promise<CloseTasksResult> {
      return db.transaction().execute(async (tx) => ({ closed: await closeOpenTasks(tx, { workflowId, taskIds, personIds }, { status, actor, reason }) }));
    },

    async setTaskDue({ taskIds, dueAt, actor }: SetTaskDueInput): Promise<void> {
      if (!taskIds.length) return;
      await db.transaction().execute((tx) => setOpenTasksDue(tx, taskIds, dueAt, actor));
    },
  };
}
