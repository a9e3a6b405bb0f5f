/**
 * Task activities. Every write is keyed by the task's business identity (cycle, kind, round,
 * person), so a retried activity finds its earlier work instead of doing it twice.
 */
import { type AnySubmission, ErrorCode, PHASE_OF_KIND, type TaskKind, type TaskStatus } from '../contract';
import { type KindHandler, type RecordOutcome, SubmissionRejected, type TaskRef, kindHandlers } from '../core/task-kinds';
import { hashToken, taskToken } from '../core/tokens';
import type { ActivityDeps } from './deps';
import type { TaskEmailData } from './email-templates';
import { emailRow } from './outbox';
import { businessFailure } from './failures';

export interface OpenTasksInput {
  cycleKey: string;
  kind: TaskKind;
  round: number;
  batchNo: number;
  dueAt: string;
  timeZone: string;
  /** The batch workflow that owns these tasks (it receives their completions). */
  workflowId: string;
}
export interface OpenTaskRef {
  taskId: number;
  status: TaskStatus;
}
export interface OpenTasksResult {
  tasks: OpenTaskRef[];
  /** How many were created by this call (0 on a retry). */
  created: number;
}

export interface RecordSubmissionInput {
  taskId: number;
  kind: TaskKind;
  /** Already checked against the kind's schema by the workflow's update validator. */
  submission: AnySubmission;
  via: 'form' | 'json' | 'reply';
}
export interface RecordSubmissionResult {
  completedAt: string;
  outcome: RecordOutcome;
}

export interface CloseOpenTasksInput {
  workflowId: string;
  status: Extract<TaskStatus, 'expired' | 'cancelled'>;
  reason: string;
}
export interface CloseOpenTasksResult {
  closed: number;
}

const INSERT_CHUNK = 1_000;

export function createTaskActivities({ db, tokenSecret, mailer }: ActivityDeps) {
  return {
    async openTasks(input: OpenTasksInput): Promise<OpenTasksResult> {
      const cycle = await db.selectFrom('cycles').select(['id', 'title']).where('key', '=', input.cycleKey).executeTakeFirst();
      if (!cycle) throw businessFailure(ErrorCode.notFound, `cycle ${input.cycleKey} does not exist`);
      const people = await db
        .selectFrom('cycle_participants as cp')
        .innerJoin('people as p', 'p.id', 'cp.person_id')
        .select(['p.id', 'p.name', 'p.email', 'p.locale'])
        .where('cp.cycle_id', '=', cycle.id)
        .where('cp.batch_no', '=', input.batchNo)
        .where('cp.removed_at', 'is', null)
        .where('p.active', '=', true)
        .orderBy('p.id')
        .execute();
      const phase = PHASE_OF_KIND[input.kind];

      return db.transaction().execute(async (tx) => {
        let created = 0;
        for (let i = 0; i < people.length; i += INSERT_CHUNK) {
          const chunk = people.slice(i, i + INSERT_CHUNK);
          const inserted = await tx
            .insertInto('tasks')
            .values(
              chunk.map((p) => ({
                cycle_id: cycle.id,
                person_id: p.id,
                kind: input.kind,
                phase,
                round: input.round,
                batch_no: input.batchNo,
                workflow_id: input.workflowId,
                due_at: input.dueAt,
                token_hash: hashToken(taskToken(tokenSecret, { cycleId: cycle.id, kind: input.kind, round: input.round, personId: p.id })),
              })),
            )
            .onConflict((oc) => oc.constraint('tasks_identity').doNothing())
            .returning(['id'])
            .execute();
          created += inserted.length;
          if (inserted.length) {
            await tx
              .insertInto('task_events')
              .values(inserted.map((t) => ({ task_id: t.id, from_status: null, to_status: 'open', actor: 'system', detail: null })))
              .execute();
          }
        }

        const tasks = await tx
          .selectFrom('tasks')
          .select(['id', 'person_id', 'status', 'due_at'])
          .where('workflow_id', '=', input.workflowId)
          .orderBy('id')
          .execute();
        const byPerson = new Map(people.map((p) => [p.id, p]));
        const invites = tasks
          .filter((t) => t.status === 'open' && byPerson.has(t.person_id))
          .map((t) => {
            const p = byPerson.get(t.person_id)!;
            const data: TaskEmailData = {
              locale: p.locale === 'zh-CN' ? 'zh-CN' : 'en',
              personName: p.name,
              cycleTitle: cycle.title,
              taskKind: input.kind,
              dueAt: new Date(t.due_at).toISOString(),
              timeZone: input.timeZone,
            };
            return emailRow({ key: `task:${t.id}:invite`, kind: 'task-invite', cycleId: cycle.id, taskId: t.id, person: p, data, senderRef: input.workflowId, from: mailer.from });
          });
        for (let i = 0; i < invites.length; i += INSERT_CHUNK) {
          await tx
            .insertInto('emails')
            .values(invites.slice(i, i + INSERT_CHUNK))
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .execute();
        }
        return { tasks: tasks.map((t) => ({ taskId: t.id, status: t.status as TaskStatus })), created };
      });
    },

    async recordSubmission(input: RecordSubmissionInput): Promise<RecordSubmissionResult> {
      const handler = kindHandlers[input.kind] as KindHandler<TaskKind> | undefined;
      if (!handler) throw businessFailure(ErrorCode.internal, `no handler for tasks of kind ${input.kind}`);
      return db.transaction().execute(async (tx) => {
        const task = await tx
          .selectFrom('tasks')
          .innerJoin('people', 'people.id', 'tasks.person_id')
          .select(['tasks.id', 'tasks.kind', 'tasks.cycle_id', 'tasks.person_id', 'tasks.subject_person_id', 'tasks.round', 'tasks.status', 'tasks.completed_at', 'tasks.result', 'people.email'])
          .where('tasks.id', '=', input.taskId)
          .forUpdate('tasks')
          .executeTakeFirst();
        if (!task) throw businessFailure(ErrorCode.notFound, `task ${input.taskId} does not exist`);
        // The workflow serialises completions of one task, so a completed row here is this same
        // submission's earlier attempt whose result was lost: report it, do nothing twice.
        if (task.status === 'completed' && task.completed_at) {
          return { completedAt: new Date(task.completed_at).toISOString(), outcome: ((task.result as { outcome?: RecordOutcome } | null)?.outcome ?? {}) };
        }
        if (task.status !== 'open') throw businessFailure(ErrorCode.taskClosed, `task ${input.taskId} is ${task.status}`);
        const ref: TaskRef = {
          id: task.id,
          kind: task.kind as TaskKind,
          cycleId: task.cycle_id,
          personId: task.person_id,
          ownerEmail: task.email,
          subjectPersonId: task.subject_person_id,
          round: task.round,
        };
        let outcome: RecordOutcome;
        try {
          outcome = await handler.record(tx, ref, input.submission);
        } catch (error) {
          if (error instanceof SubmissionRejected) throw businessFailure(ErrorCode.validation, 'the submission is not valid', error.issues);
          throw error;
        }
        const completed = await tx
          .updateTable('tasks')
          .set({ status: 'completed', completed_at: new Date(), result: JSON.stringify({ submission: input.submission, outcome }) })
          .where('id', '=', task.id)
          .returning('completed_at')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('task_events')
          .values({ task_id: task.id, from_status: 'open', to_status: 'completed', actor: task.email, detail: JSON.stringify({ via: input.via }) })
          .execute();
        await tx
          .insertInto('audit_log')
          .values({ actor: task.email, action: 'task.completed', cycle_id: task.cycle_id, subject: `task:${task.id}`, detail: JSON.stringify({ via: input.via, kind: input.kind }) })
          .execute();
        return { completedAt: new Date(completed.completed_at!).toISOString(), outcome };
      });
    },

    async closeOpenTasks({ workflowId, status, reason }: CloseOpenTasksInput): Promise<CloseOpenTasksResult> {
      return db.transaction().execute(async (tx) => {
        const closed = await tx
          .updateTable('tasks')
          .set({ status, closed_at: new Date() })
          .where('workflow_id', '=', workflowId)
          .where('status', '=', 'open')
          .returning(['id', 'cycle_id'])
          .execute();
        if (closed.length) {
          await tx
            .insertInto('task_events')
            .values(closed.map((t) => ({ task_id: t.id, from_status: 'open', to_status: status, actor: 'system', detail: JSON.stringify({ reason }) })))
            .execute();
        }
        return { closed: closed.length };
      });
    },
  };
}
