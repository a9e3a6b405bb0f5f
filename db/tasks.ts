/**
 * Repository: tasks and their event trail (task_events). Writes that change a task's status
 * record the change in task_events in the same call; pass the transaction that owns the change.
 */
import { type Insertable, type Kysely, type Transaction, sql } from 'kysely';
import { TASK_STATUSES, type TaskKind, type TaskStatus } from '../contract';
import type { DB, TaskEventsTable, TasksTable } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** Appends rows to the tasks' event trail. */
export async function addTaskEvents(db: Db, events: Insertable<TaskEventsTable>[]): Promise<void> {
  if (events.length) await db.insertInto('task_events').values(events).execute();
}

/**
 * Inserts tasks; a task whose business identity (cycle, kind, round, person, subject) exists is
 * left as it is. The new ones get their `open` event. Returns the ids of the new ones.
 */
export async function insertTasksIfAbsent(db: Db, rows: Insertable<TasksTable>[]): Promise<number[]> {
  if (!rows.length) return [];
  const inserted = await db
    .insertInto('tasks')
    .values(rows)
    .onConflict((oc) => oc.constraint('tasks_identity').doNothing())
    .returning(['id'])
    .execute();
  await addTaskEvents(
    db,
    inserted.map((t) => ({ task_id: t.id, from_status: null, to_status: 'open', actor: 'system', detail: null })),
  );
  return inserted.map((t) => t.id);
}

/** A batch workflow's tasks of one kind and round, with owner and subject, in id order. */
export async function batchTasks(db: Db, workflowId: string, kind: TaskKind, round: number) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .leftJoin('people as s', 's.id', 't.subject_person_id')
    .select(['t.id', 't.person_id', 't.subject_person_id', 't.status', 't.due_at', 'p.name', 'p.email', 'p.locale', 'p.time_zone', 's.name as subject_name'])
    .where('t.workflow_id', '=', workflowId)
    .where('t.kind', '=', kind)
    .where('t.round', '=', round)
    .orderBy('t.id')
    .execute();
}

/** The task with its owner's email, locked until the transaction ends (one completion at a time), or undefined. */
export async function lockTaskForCompletion(db: Transaction<DB>, taskId: number) {
  return db
    .selectFrom('tasks')
    .innerJoin('people', 'people.id', 'tasks.person_id')
    .select([
      'tasks.id',
      'tasks.kind',
      'tasks.cycle_id',
      'tasks.person_id',
      'tasks.subject_person_id',
      'tasks.round',
      'tasks.status',
      'tasks.completed_at',
      'tasks.result',
      'tasks.workflow_id',
      'people.email',
    ])
    .where('tasks.id', '=', taskId)
    .forUpdate('tasks')
    .executeTakeFirst();
}

/** Completes an open task with its result, recording who completed it and how. Returns the completion time. */
export async function markTaskCompleted(db: Db, taskId: number, c: { result: unknown; actor: string; detail: unknown }): Promise<Date> {
  const row = await db
    .updateTable('tasks')
    .set({ status: 'completed', completed_at: new Date(), result: JSON.stringify(c.result) })
    .where('id', '=', taskId)
    .returning('completed_at')
    .executeTakeFirstOrThrow();
  await addTaskEvents(db, [{ task_id: taskId, from_status: 'open', to_status: 'completed', actor: c.actor, detail: JSON.stringify(c.detail) }]);
  return row.completed_at!;
}

export interface CloseTasksWhere {
  workflowId: string;
  /** Only these tasks (else every open task of the workflow). */
  taskIds?: number[];
  /** Only tasks owned by or about these people. */
  personIds?: number[];
}

/** Closes open tasks (expired or cancelled) with the reason in their events; returns the ids closed. */
export async function closeOpenTasks(
  db: Db,
  where: CloseTasksWhere,
  c: { status: Extract<TaskStatus, 'expired' | 'cancelled'>; actor: string; reason: string },
): Promise<number[]> {
  let q = db.updateTable('tasks').set({ status: c.status, closed_at: new Date() }).where('workflow_id', '=', where.workflowId).where('status', '=', 'open');
  if (where.taskIds) q = q.where('id', 'in', where.taskIds.length ? where.taskIds : [-1]);
  if (where.personIds) {
    const ids = where.personIds.length ? where.personIds : [-1];
    q = q.where((eb) => eb.or([eb('person_id', 'in', ids), eb('subject_person_id', 'in', ids)]));
  }
  const closed = (await q.returning(['id']).execute()).map((t) => t.id);
  await addTaskEvents(
    db,
    closed.map((id) => ({ task_id: id, from_status: 'open', to_status: c.status, actor: c.actor, detail: JSON.stringify({ reason: c.reason }) })),
  );
  return closed;
}

/** Moves the due time of the tasks that are still open; returns the ids moved. */
export async function setOpenTasksDue(db: Db, taskIds: number[], dueAt: string, actor: string): Promise<number[]> {
  if (!taskIds.length) return [];
  const changed = (await db.updateTable('tasks').set({ due_at: dueAt }).where('id', 'in', taskIds).where('status', '=', 'open').returning('id').execute()).map(
    (t) => t.id,
  );
  await addTaskEvents(
    db,
    changed.map((id) => ({ task_id: id, from_status: 'open', to_status: 'open', actor, detail: JSON.stringify({ extendedTo: dueAt }) })),
  );
  return changed;
}

/** The status of the task with this id, or undefined. */
export async function findTaskStatus(db: Db, taskId: number): Promise<TaskStatus | undefined> {
  return (await db.selectFrom('tasks').select('status').where('id', '=', taskId).executeTakeFirst())?.status;
}

/** Whether any of these tasks is still open or completed (not expired or cancelled). */
export async function anyTaskNotClosed(db: Db, taskIds: number[]): Promise<boolean> {
  if (!taskIds.length) return false;
  const row = await db.selectFrom('tasks').select('id').where('id', 'in', taskIds).where('status', 'in', ['open', 'completed']).executeTakeFirst();
  return row !== undefined;
}

/** One task of a cycle (for HR's controls), or undefined when the cycle has no such task. */
export async function findTaskInCycle(db: Db, cycleId: number, taskId: number) {
  return db.selectFrom('tasks').select(['id', 'status', 'workflow_id', 'due_at']).where('id', '=', taskId).where('cycle_id', '=', cycleId).executeTakeFirst();
}

/** How many of a cycle's tasks are in each status (every status present, 0 when none). */
export async function taskCountsByStatus(db: Db, cycleId: number): Promise<Record<TaskStatus, number>> {
  const rows = await db
    .selectFrom('tasks')
    .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
    .where('cycle_id', '=', cycleId)
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** Open tasks of a cycle past their due time at `now`. */
export async function countOverdueTasks(db: Db, cycleId: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cycle_id', '=', cycleId)
    .where('status', '=', 'open')
    .where('due_at', '<', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CycleTasksFilter {
  status?: TaskStatus;
  kind?: TaskKind;
  ownerEmail?: string;
  limit: number;
  offset: number;
}

/** A page of a cycle's tasks in id order, with owner and subject, and how many match in all. */
export async function listCycleTasks(db: Db, cycleId: number, filter: CycleTasksFilter) {
  let q = db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .leftJoin('people as s', 's.id', 't.subject_person_id')
    .where('t.cycle_id', '=', cycleId);
  if (filter.status) q = q.where('t.status', '=', filter.status);
  if (filter.kind) q = q.where('t.kind', '=', filter.kind);
  if (filter.ownerEmail) q = q.where('p.email', '=', filter.ownerEmail);
  const [rows, total] = await Promise.all([
    q
      .select(['t.id', 't.kind', 't.phase', 't.round', 't.status', 't.due_at', 't.completed_at', 'p.email', 'p.name', 's.email as subject_email'])
      .orderBy('t.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** The open ones of `taskIds` with their owner and cycle, as reminders and escalations address them. */
export function openTasksWithOwner(db: Db, taskIds: number[]) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .innerJoin('cycles as c', 'c.id', 't.cycle_id')
    .select(['t.id', 't.kind', 't.round', 't.due_at', 't.cycle_id', 'p.id as person_id', 'p.name', 'p.email', 'p.locale', 'p.time_zone', 'c.title'])
    .where('t.id', 'in', taskIds)
    .where('t.status', '=', 'open');
}

/** A task with its cycle and owner, as task pages and replies read it. */
function taskWithCycleAndOwner(db: Db) {
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
      'p.time_zone',
      sql<string | null>`c.schedule->>'timeZone'`.as('cycle_time_zone'),
      'p.manager_id',
    ]);
}

export type TaskWithCycleAndOwner = NonNullable<Awaited<ReturnType<ReturnType<typeof taskWithCycleAndOwner>['executeTakeFirst']>>>;

/** The task whose link token hashes to `tokenHash`, with its cycle and owner, or undefined. */
export async function findTaskByTokenHash(db: Db, tokenHash: string): Promise<TaskWithCycleAndOwner | undefined> {
  return taskWithCycleAndOwner(db).where('t.token_hash', '=', tokenHash).executeTakeFirst();
}

/** The task with this id, with its cycle and owner, or undefined. */
export async function findTaskWithCycleAndOwner(db: Db, taskId: number): Promise<TaskWithCycleAndOwner | undefined> {
  return taskWithCycleAndOwner(db).where('t.id', '=', taskId).executeTakeFirst();
}
