/**
 * Repository: what the personal homes read about one person (Me) and about the company (the
 * alignment tree's numbers). Every query is bounded by a person or a cycle; what a viewer may
 * see of the rows is decided by core/visibility.ts, not here.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { ExecutionItemSource, ObjectiveStatus, TaskKind, TaskStatus } from '../contract';
import { currentObjectives } from './objectives';
import type { DB } from './schema';
import { reviewKind } from '../kinds/review';
import { checkinKind } from '../kinds/checkin';

type Db = Kysely<DB> | Transaction<DB>;

export interface HomePerson {
  id: number;
  email: string;
  name: string;
  department: string | null;
  locale: 'en' | 'zh-CN';
  timeZone: string | null;
  manager: { name: string; email: string } | null;
}

export async function homePerson(db: Db, where: { id: number } | { email: string }): Promise<HomePerson | undefined> {
  let q = db
    .selectFrom('people as p')
    .leftJoin('people as m', 'm.id', 'p.manager_id')
    .select(['p.id', 'p.email', 'p.name', 'p.department', 'p.locale', 'p.time_zone', 'm.name as managerName', 'm.email as managerEmail']);
  q = 'id' in where ? q.where('p.id', '=', where.id) : q.where('p.email', '=', where.email);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    department: row.department,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    timeZone: row.time_zone,
    manager: row.managerName && row.managerEmail ? { name: row.managerName, email: row.managerEmail } : null,
  };
}

export interface HomeCycle {
  id: number;
  key: string;
  title: string;
  status: string;
  startsOn: string;
  endsOn: string;
  timeZone: string;
}

const HOME_CYCLE_COLUMNS = ['c.id', 'c.key', 'c.title', 'c.status', 'c.starts_on', 'c.ends_on', sql<string | null>`c.schedule->>'timeZone'`.as('tz')] as const;

function toHomeCycle(r: { id: number; key: string; title: string; status: string; starts_on: unknown; ends_on: unknown; tz: string | null }): HomeCycle {
  return { id: r.id, key: r.key, title: r.title, status: r.status, startsOn: String(r.starts_on), endsOn: String(r.ends_on), timeZone: r.tz ?? 'UTC' };
}

/** The OKR cycles a person takes part in (not removed), newest first (awards runs have no OKRs to show). */
export async function cyclesOf(db: Db, personId: number): Promise<HomeCycle[]> {
  const rows = await db
    .selectFrom('cycle_participants as cp')
    .innerJoin('cycles as c', 'c.id', 'cp.cycle_id')
    .select(HOME_CYCLE_COLUMNS)
    .where('cp.person_id', '=', personId)
    .where('c.kind', '=', 'okr')
    .where('cp.removed_at', 'is', null)
    .orderBy('c.starts_on', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map(toHomeCycle);
}

/** Every OKR cycle, newest first (the company page's choice; awards runs have no OKRs). */
export async function allCycles(db: Db): Promise<HomeCycle[]> {
  const rows = await db
    .selectFrom('cycles as c')
    .select(HOME_CYCLE_COLUMNS)
    .where('c.kind', '=', 'okr')
    .orderBy('c.starts_on', 'desc')
    .orderBy('c.id', 'desc')
    .limit(200)
    .execute();
  return rows.map(toHomeCycle);
}

export interface OpenTaskRow {
  id: number;
  kind: TaskKind;
  round: number;
  status: TaskStatus;
  dueAt: Date;
  cycleId: number;
  cycleKey: string;
  cycleTitle: string;
  cycleTimeZone: string;
  subjectPersonId: number | null;
  subjectName: string | null;
}

/** A person's open tasks across cycles, soonest due first. */
export async function openTasksOf(db: Db, personId: number): Promise<OpenTaskRow[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('cycles as c', 'c.id', 't.cycle_id')
    .leftJoin('people as s', 's.id', 't.subject_person_id')
    .select([
      't.id',
      't.kind',
      't.round',
      't.status',
      't.due_at',
      't.cycle_id',
      'c.key',
      'c.title',
      sql<string | null>`c.schedule->>'timeZone'`.as('tz'),
      't.subject_person_id',
      's.name as subjectName',
    ])
    .where('t.person_id', '=', personId)
    .where('t.status', '=', 'open')
    .orderBy('t.due_at')
    .orderBy('t.id')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    round: r.round,
    status: r.status,
    dueAt: new Date(r.due_at),
    cycleId: r.cycle_id,
    cycleKey: r.key,
    cycleTitle: r.title,
    cycleTimeZone: r.tz ?? 'UTC',
    subjectPersonId: r.subject_person_id,
    subjectName: r.subjectName,
  }));
}

export interface ObjectiveRow {
  id: number;
  title: string;
  status: ObjectiveStatus;
  position: number;
  score: number | null;
  parentId: number | null;
  parentTitle: string | null;
  parentOwnerName: string | null;
}

/** A person's current objectives in a cycle, with the parent objective each serves. */
export async function objectivesOf(db: Db, cycleId: number, personId: number): Promise<ObjectiveRow[]> {
  return currentObjectives(db, cycleId)
    .leftJoin('objectives as po', 'po.id', 'o.parent_objective_id')
    .leftJoin('people as pp', 'pp.id', 'po.owner_id')
    .select([
      'o.id',
      'o.title',
      'o.status',
      'o.position',
      'o.score',
      'o.parent_objective_id as parentId',
      'po.title as parentTitle',
      'pp.name as parentOwnerName',
    ])
    .where('o.owner_id', '=', personId)
    .orderBy('o.position')
    .orderBy('o.id')
    .execute();
}

export interface KeyResultRow {
  id: number;
  objectiveId: number;
  title: string;
  kind: string;
  start: number | null;
  target: number | null;
  unit: string | null;
  current: number | null;
  done: boolean | null;
  confidence: number | null;
  selfScore: number | null;
  score: number | null;
  scoreComment: string | null;
}

export async function keyResultsOf(db: Db, objectiveIds: number[]): Promise<KeyResultRow[]> {
  if (!objectiveIds.length) return [];
  return db
    .selectFrom('key_results')
    .select([
      'id',
      'objective_id as objectiveId',
      'title',
      'kind',
      'start_value as start',
      'target_value as target',
      'unit',
      'current_value as current',
      'done',
      'confidence',
      'self_score as selfScore',
      'score',
      'score_comment as scoreComment',
    ])
    .where('objective_id', 'in', objectiveIds)
    .orderBy('objective_id')
    .orderBy('position')
    .execute();
}

export interface CheckinRow {
  id: number;
  taskId: number;
  week: number;
  confidence: number;
  report: string;
  values: { keyResultId: number; value?: number; done?: boolean }[];
  createdAt: Date;
  taskStatus: TaskStatus;
  dueAt: Date;
}

/** A person's check-ins in a cycle, by week (the latest row of a week when there are several). */
export async function checkinsOf(db: Db, cycleId: number, personId: number): Promise<CheckinRow[]> {
  const rows = await db
    .selectFrom('checkins as ch')
    .innerJoin('tasks as t', 't.id', 'ch.task_id')
    .select(['ch.id', 'ch.task_id', 'ch.week', 'ch.confidence', 'ch.report', 'ch.values', 'ch.created_at', 't.status', 't.due_at'])
    .where('ch.cycle_id', '=', cycleId)
    .where('ch.person_id', '=', personId)
    .orderBy('ch.week')
    .orderBy('ch.id')
    .execute();
  const byWeek = new Map<number, CheckinRow>();
  for (const r of rows) {
    byWeek.set(r.week, {
      id: r.id,
      taskId: r.task_id,
      week: r.week,
      confidence: r.confidence,
      report: r.report,
      values: (typeof r.values === 'string' ? JSON.parse(r.values) : r.values) as CheckinRow['values'],
      createdAt: new Date(r.created_at),
      taskStatus: r.status,
      dueAt: new Date(r.due_at),
    });
  }
  return [...byWeek.values()];
}

export interface ExecutionItemRow {
  id: number;
  keyResultId: number;
  week: number;
  kind: string;
  title: string;
  status: string;
  url: string | null;
  source: ExecutionItemSource;
  createdAt: Date;
}

/** Execution items of a person's key results in a cycle, week by week. */
export async function executionItemsOf(db: Db, cycleId: number, personId: number): Promise<ExecutionItemRow[]> {
  return db
    .selectFrom('execution_items')
    .select(['id', 'key_result_id as keyResultId', 'week', 'kind', 'title', 'status', 'url', 'source', 'created_at as createdAt'])
    .where('cycle_id', '=', cycleId)
    .where('person_id', '=', personId)
    .orderBy('week')
    .orderBy('id')
    .limit(2000)
    .execute();
}

/** The participant's overall score and the comments on it (self, manager), or undefined. */
export async function scoreOf(db: Db, cycleId: number, personId: number) {
  return db
    .selectFrom('cycle_participants')
    .select(['score', 'self_score_comment as selfComment', 'calibration_comment as managerComment'])
    .where('cycle_id', '=', cycleId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** The latest review of a person's objectives in a cycle (decision and comment), or undefined. */
export async function latestReviewOf(db: Db, cycleId: number, personId: number) {
  return db
    .selectFrom('reviews as r')
    .innerJoin('people as p', 'p.id', 'r.reviewer_id')
    .select(['r.decision', 'r.comment', 'r.round', 'p.name as reviewerName', 'r.created_at as at'])
    .where('r.cycle_id', '=', cycleId)
    .where('r.subject_id', '=', personId)
    .orderBy('r.round', 'desc')
    .orderBy('r.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Whether a review of the person's objectives is open now (their draft is "in review"). */
export async function reviewOpenFor(db: Db, cycleId: number, personId: number): Promise<boolean> {
  const row = await db
    .selectFrom('tasks')
    .select('id')
    .where('cycle_id', '=', cycleId)
    .where('subject_person_id', '=', personId)
    .where('kind', 'in', [reviewKind.kind])
    .where('status', '=', 'open')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The key result with its objective's owner and cycle (who may add execution items to it), or undefined. */
export async function keyResultOwner(db: Db, keyResultId: number) {
  return db
    .selectFrom('key_results as kr')
    .innerJoin('objectives as o', 'o.id', 'kr.objective_id')
    .select(['kr.id', 'kr.title', 'o.owner_id as ownerId', 'o.cycle_id as cycleId', 'o.status'])
    .where('kr.id', '=', keyResultId)
    .executeTakeFirst();
}

/** The week the person's check-ins are at in a cycle (their latest check-in task's round; 0 before the first). */
export async function currentCheckinWeek(db: Db, cycleId: number, personId: number): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select(sql<number | null>`max(round)`.as('week'))
    .where('cycle_id', '=', cycleId)
    .where('person_id', '=', personId)
    .where('kind', '=', checkinKind.kind)
    .executeTakeFirst();
  return Number(row?.week ?? 0);
}

export interface NewExecutionItem {
  cycleId: number;
  personId: number;
  keyResultId: number;
  week: number;
  kind: 'project' | 'task' | 'report';
  title: string;
  status: 'planned' | 'in-progress' | 'done';
  url: string | null;
  externalId: string | null;
}

/** Adds an item; undefined when the same external id is already on this key result. */
export async function insertExecutionItem(db: Db, item: NewExecutionItem): Promise<ExecutionItemRow | undefined> {
  return db
    .insertInto('execution_items')
    .values({
      cycle_id: item.cycleId,
      person_id: item.personId,
      key_result_id: item.keyResultId,
      checkin_id: null,
      week: item.week,
      kind: item.kind,
      title: item.title,
      status: item.status,
      url: item.url,
      source: 'api',
      external_id: item.externalId,
    })
    .onConflict((oc) => oc.columns(['key_result_id', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returning(['id', 'key_result_id as keyResultId', 'week', 'kind', 'title', 'status', 'url', 'source', 'created_at as createdAt'])
    .executeTakeFirst();
}

/** Each current objective's progress in a cycle: the mean of its key results' progress (0–1), by objective id. */
export async function objectiveProgress(db: Db, cycleId: number): Promise<Map<number, { progress: number | null; confidence: number | null }>> {
  const rows = await db
    .selectFrom('key_results as kr')
    .innerJoin('objectives as o', 'o.id', 'kr.objective_id')
    .select([
      'o.id',
      sql<number | null>`avg(case
        when kr.kind = 'milestone' then case when kr.done then 1.0 else 0.0 end
        when kr.target_value is null or kr.start_value is null or kr.target_value = kr.start_value then null
        else least(1.0, greatest(0.0, (coalesce(kr.current_value, kr.start_value) - kr.start_value) / (kr.target_value - kr.start_value)))
      end)`.as('progress'),
      sql<number | null>`avg(kr.confidence)`.as('confidence'),
    ])
    .where('o.cycle_id', '=', cycleId)
    .where('o.status', '!=', 'superseded')
    .groupBy('o.id')
    .execute();
  return new Map(
    rows.map((r) => [r.id, { progress: r.progress === null ? null : Number(r.progress), confidence: r.confidence === null ? null : Number(r.confidence) }]),
  );
}

/** The people who own objectives in a cycle, by email, with their department (for visibility). */
export async function objectiveOwners(db: Db, cycleId: number): Promise<Map<string, { id: number; department: string | null }>> {
  const rows = await currentObjectives(db, cycleId)
    .innerJoin('people as p', 'p.id', 'o.owner_id')
    .select(['p.id', 'p.email', 'p.department'])
    .distinct()
    .execute();
  return new Map(rows.map((r) => [r.email, { id: r.id, department: r.department }]));
}
