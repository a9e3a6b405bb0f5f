/**
 * Repository: what the cycle dashboard and the exports read. Every query is bounded by the cycle
 * (and, for a step, by kind and round) so it runs on the indexes of migrations 0070 and 0500 at 10,000 people.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Phase, TaskKind, TaskStatus } from '../contract';
import { currentObjectives, isCurrentObjective } from './objectives';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** The most recent step (kind and round) opened in a phase: what "the open step" means on the dashboard. */
export async function latestStepOfPhase(db: Db, cycleId: number, phase: Phase): Promise<{ kind: TaskKind; round: number } | undefined> {
  return db
    .selectFrom('tasks')
    .select(['kind', 'round'])
    .where('cycle_id', '=', cycleId)
    .where('phase', '=', phase)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The phase of the cycle's most recent task (when the workflow cannot say). */
export async function latestTaskPhase(db: Db, cycleId: number): Promise<Phase | undefined> {
  return (await db.selectFrom('tasks').select('phase').where('cycle_id', '=', cycleId).orderBy('id', 'desc').limit(1).executeTakeFirst())?.phase;
}

export interface CompletionRow {
  /** Department name, or the manager's email; null when none. */
  group: string | null;
  label: string | null;
  total: number;
  completed: number;
  open: number;
  overdue: number;
  expired: number;
}

/**
 * One step's tasks counted per owner's department and per owner's manager in one pass over the
 * step's tasks (grouping sets), the managers' names joined afterwards.
 */
export async function stepCompletion(
  db: Db,
  cycleId: number,
  step: { kind: TaskKind; round: number },
  now: Date,
): Promise<{ byDepartment: CompletionRow[]; byManager: CompletionRow[] }> {
  const result = await sql<{
    byManager: number;
    group: string | null;
    label: string | null;
    total: string;
    completed: string;
    open: string;
    overdue: string;
    expired: string;
  }>`
    with x as (
      select grouping(p.department) as by_manager, p.department, p.manager_id,
             count(*) as total,
             count(*) filter (where t.status = 'completed') as completed,
             count(*) filter (where t.status = 'open') as open,
             count(*) filter (where t.status = 'open' and t.due_at < ${now}) as overdue,
             count(*) filter (where t.status = 'expired') as expired
      from tasks t join people p on p.id = t.person_id
      where t.cycle_id = ${cycleId} and t.kind = ${step.kind} and t.round = ${step.round} and t.status <> 'cancelled'
      group by grouping sets ((p.department), (p.manager_id)))
    select x.by_manager as "byManager",
           case when x.by_manager = 1 then m.email else x.department end as "group",
           case when x.by_manager = 1 then m.name else x.department end as "label",
           x.total, x.completed, x.open, x.overdue, x.expired
    from x left join people m on x.by_manager = 1 and m.id = x.manager_id`.execute(db);
  const rows = (manager: boolean) =>
    result.rows
      .filter((r) => (Number(r.byManager) === 1) === manager)
      .map((r) => ({
        group: r.group,
        label: r.label,
        total: Number(r.total),
        completed: Number(r.completed),
        open: Number(r.open),
        overdue: Number(r.overdue),
        expired: Number(r.expired),
      }))
      .sort((a, b) => b.total - a.total || String(a.label).localeCompare(String(b.label)));
  return { byDepartment: rows(false), byManager: rows(true) };
}

/** Each current objective's parent and owner (null: a company objective), for alignment coverage. */
export async function objectiveLinks(db: Db, cycleId: number): Promise<{ id: number; parentId: number | null; ownerId: number | null }[]> {
  return currentObjectives(db, cycleId).select(['o.id', 'o.parent_objective_id as parentId', 'o.owner_id as ownerId']).execute();
}

/** Participants whose current objectives are not all approved (or who have none). */
export async function countNotApproved(db: Db, cycleId: number): Promise<number> {
  const row = await sql<{ n: string }>`
    select count(*) as n from cycle_participants cp
    left join (select owner_id, bool_and(status = 'approved') as ok from objectives
               where cycle_id = ${cycleId} and owner_id is not null and ${isCurrentObjective('objectives')} group by owner_id) o on o.owner_id = cp.person_id
    where cp.cycle_id = ${cycleId} and cp.removed_at is null and coalesce(o.ok, false) = false`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

export interface OverdueRow {
  taskId: number;
  kind: TaskKind;
  round: number;
  dueAt: Date;
  email: string;
  name: string;
  department: string | null;
  managerName: string | null;
}

/** Open tasks past their due time, the longest overdue first, and how many there are. */
export async function overdueTasks(db: Db, cycleId: number, now: Date, limit: number): Promise<{ rows: OverdueRow[]; total: number }> {
  const base = db.selectFrom('tasks as t').where('t.cycle_id', '=', cycleId).where('t.status', '=', 'open').where('t.due_at', '<', now);
  const [rows, count] = await Promise.all([
    base
      .innerJoin('people as p', 'p.id', 't.person_id')
      .leftJoin('people as m', 'm.id', 'p.manager_id')
      .select(['t.id as taskId', 't.kind', 't.round', 't.due_at as dueAt', 'p.email', 'p.name', 'p.department', 'm.name as managerName'])
      .orderBy('t.due_at')
      .orderBy('t.id')
      .limit(limit)
      .execute(),
    base.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The latest check-in week and how many check-ins gave each confidence (1–10). */
export async function latestConfidence(db: Db, cycleId: number): Promise<{ week: number | null; counts: { confidence: number; n: number }[] }> {
  const latest = await db
    .selectFrom('checkins')
    .select(sql<number | null>`max(week)`.as('week'))
    .where('cycle_id', '=', cycleId)
    .executeTakeFirst();
  const week = latest?.week ?? null;
  if (week === null) return { week, counts: [] };
  const rows = await db
    .selectFrom('checkins')
    .select(['confidence', sql<string>`count(*)`.as('n')])
    .where('cycle_id', '=', cycleId)
    .where('week', '=', week)
    .groupBy('confidence')
    .execute();
  return { week, counts: rows.map((r) => ({ confidence: r.confidence, n: Number(r.n) })) };
}

/** Final person scores of the cycle's participants, in tenths (0 … 10; 10 is 1.0). */
export async function scoreTenths(db: Db, cycleId: number): Promise<{ tenth: number; n: number }[]> {
  const rows = await db
    .selectFrom('cycle_participants')
    .select([sql<number>`least(10, greatest(0, floor(score * 10)))::int`.as('tenth'), sql<string>`count(*)`.as('n')])
    .where('cycle_id', '=', cycleId)
    .where('removed_at', 'is', null)
    .where('score', 'is not', null)
    .groupBy(sql`1`)
    .execute();
  return rows.map((r) => ({ tenth: Number(r.tenth), n: Number(r.n) }));
}

export interface TreeObjectiveRow {
  id: number;
  title: string;
  status: string;
  parentId: number | null;
  ownerId: number | null;
  ownerName: string | null;
  ownerEmail: string | null;
}

/** Every current objective of the cycle with its owner (company objectives have none). */
export async function cycleObjectivesForTree(db: Db, cycleId: number): Promise<TreeObjectiveRow[]> {
  return currentObjectives(db, cycleId)
    .leftJoin('people as p', 'p.id', 'o.owner_id')
    .select(['o.id', 'o.title', 'o.status', 'o.parent_objective_id as parentId', 'o.owner_id as ownerId', 'p.name as ownerName', 'p.email as ownerEmail'])
    .orderBy('o.owner_id', (ob) => ob.nullsFirst())
    .orderBy('o.position')
    .execute();
}

/** Ids of people who manage someone active. */
export async function managerIds(db: Db): Promise<Set<number>> {
  const rows = await db.selectFrom('people').select('manager_id').distinct().where('manager_id', 'is not', null).where('active', '=', true).execute();
  return new Set(rows.map((r) => r.manager_id!));
}

export interface NominationRow {
  id: number;
  nominatorName: string;
  personName: string | null;
  objectiveTitle: string | null;
  objectiveOwner: string | null;
  citation: string;
  winner: boolean;
  votes: number;
}

/** The awards step: every nomination with its votes, the most voted first. */
export async function nominationsWithVotes(db: Db, cycleId: number): Promise<NominationRow[]> {
  const rows = await db
    .selectFrom('nominations as n')
    .innerJoin('people as by', 'by.id', 'n.nominator_id')
    .leftJoin('people as np', 'np.id', 'n.person_id')
    .leftJoin('objectives as o', 'o.id', 'n.objective_id')
    .leftJoin('people as op', 'op.id', 'o.owner_id')
    .select([
      'n.id',
      'by.name as nominatorName',
      'np.name as personName',
      'o.title as objectiveTitle',
      'op.name as objectiveOwner',
      'n.citation',
      'n.winner',
      (eb) =>
        eb
          .selectFrom('votes as v')
          .select(sql<string>`count(*)`.as('n'))
          .whereRef('v.nomination_id', '=', 'n.id')
          .as('votes'),
    ])
    .where('n.cycle_id', '=', cycleId)
    .execute();
  return rows.map((r) => ({ ...r, votes: Number(r.votes ?? 0) })).sort((a, b) => b.votes - a.votes || a.id - b.id);
}

/** How many of the cycle's tasks are in each status per kind (for the confirmation texts). */
export async function openTaskCountsByKind(db: Db, cycleId: number): Promise<Partial<Record<TaskKind, number>>> {
  const rows = await db
    .selectFrom('tasks')
    .select(['kind', sql<string>`count(*)`.as('n')])
    .where('cycle_id', '=', cycleId)
    .where('status', '=', 'open')
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** One task of the cycle with its owner, for a personal reminder. */
export async function taskForReminder(db: Db, cycleId: number, taskId: number) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .innerJoin('cycles as c', 'c.id', 't.cycle_id')
    .leftJoin('people as s', 's.id', 't.subject_person_id')
    .select([
      't.id',
      't.kind',
      't.round',
      't.status',
      't.due_at',
      'p.id as personId',
      'p.name',
      'p.email',
      'p.locale',
      'p.time_zone',
      'c.title',
      'c.schedule',
      's.name as subjectName',
    ])
    .where('t.id', '=', taskId)
    .where('t.cycle_id', '=', cycleId)
    .executeTakeFirst();
}

// ---- exports ------------------------------------------------------------------------------------

export async function exportObjectives(db: Db, cycleId: number) {
  return db
    .selectFrom('objectives as o')
    .leftJoin('people as p', 'p.id', 'o.owner_id')
    .leftJoin('objectives as parent', 'parent.id', 'o.parent_objective_id')
    .select([
      'o.id',
      'p.email',
      'p.name',
      'p.department',
      'o.position',
      'o.title',
      'o.status',
      'o.parent_objective_id as parentId',
      'parent.title as parentTitle',
      'o.score',
    ])
    .where('o.cycle_id', '=', cycleId)
    .where(isCurrentObjective('o'))
    .orderBy('o.owner_id', (ob) => ob.nullsFirst())
    .orderBy('o.position')
    .execute();
}

export async function exportKeyResults(db: Db, cycleId: number) {
  return db
    .selectFrom('key_results as k')
    .innerJoin('objectives as o', 'o.id', 'k.objective_id')
    .leftJoin('people as p', 'p.id', 'o.owner_id')
    .select([
      'k.id',
      'o.id as objectiveId',
      'p.email',
      'o.title as objective',
      'k.position',
      'k.title',
      'k.kind',
      'k.start_value',
      'k.target_value',
      'k.unit',
      'k.current_value',
      'k.done',
      'k.confidence',
      'k.self_score',
      'k.score',
    ])
    .where('o.cycle_id', '=', cycleId)
    .where(isCurrentObjective('o'))
    .orderBy('o.owner_id', (ob) => ob.nullsFirst())
    .orderBy('o.position')
    .orderBy('k.position')
    .execute();
}

export async function exportCheckins(db: Db, cycleId: number) {
  return db
    .selectFrom('checkins as ci')
    .innerJoin('people as p', 'p.id', 'ci.person_id')
    .select(['ci.week', 'p.email', 'p.name', 'ci.confidence', 'ci.values', 'ci.report', 'ci.created_at'])
    .where('ci.cycle_id', '=', cycleId)
    .orderBy('ci.week')
    .orderBy('p.email')
    .execute();
}

export async function exportScores(db: Db, cycleId: number) {
  return db
    .selectFrom('cycle_participants as cp')
    .innerJoin('people as p', 'p.id', 'cp.person_id')
    .leftJoin('objectives as o', (j) => j.onRef('o.owner_id', '=', 'p.id').on('o.cycle_id', '=', cycleId).on(isCurrentObjective('o')))
    .leftJoin('key_results as k', 'k.objective_id', 'o.id')
    .select([
      'p.email',
      'p.name',
      'p.department',
      'cp.score as personScore',
      'o.title as objective',
      'o.score as objectiveScore',
      'k.title as keyResult',
      'k.self_score',
      'k.score',
      'k.score_comment',
    ])
    .where('cp.cycle_id', '=', cycleId)
    .where('cp.removed_at', 'is', null)
    .orderBy('p.email')
    .orderBy('o.position')
    .orderBy('k.position')
    .execute();
}

/** Distinct departments of active people (for choosing participants). */
export async function departments(db: Db): Promise<{ department: string; people: number }[]> {
  const rows = await db
    .selectFrom('people')
    .select(['department', sql<string>`count(*)`.as('n')])
    .where('active', '=', true)
    .where('department', 'is not', null)
    .groupBy('department')
    .orderBy('department')
    .execute();
  return rows.map((r) => ({ department: r.department!, people: Number(r.n) }));
}

/** Emails of active people in these departments. */
export async function emailsInDepartments(db: Db, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const rows = await db.selectFrom('people').select('email').where('active', '=', true).where('department', 'in', names).orderBy('id').execute();
  return rows.map((r) => r.email);
}

export type { TaskStatus };
