/**
 * Repository: what "My team" and "My department" read. Every query is bounded by the cycle and a
 * list of people (a team, a department), so a page costs a few indexed queries whatever the
 * size of the organisation.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { ObjectiveStatus, Phase, TaskKind, TaskStatus } from '../contract';
import { currentObjectives } from './objectives';
import type { DB } from './schema';
import { calibrateKind } from '../kinds/score';

type Db = Kysely<DB> | Transaction<DB>;

export interface MemberRow {
  id: number;
  name: string;
  email: string;
  department: string | null;
  locale: string;
  time_zone: string | null;
}

/** A manager's active direct reports who take part in the cycle, by name. */
export async function teamMembers(db: Db, cycleId: number, managerId: number): Promise<MemberRow[]> {
  return db
    .selectFrom('people as p')
    .innerJoin('cycle_participants as cp', (j) => j.onRef('cp.person_id', '=', 'p.id').on('cp.cycle_id', '=', cycleId).on('cp.removed_at', 'is', null))
    .select(['p.id', 'p.name', 'p.email', 'p.department', 'p.locale', 'p.time_zone'])
    .where('p.manager_id', '=', managerId)
    .where('p.active', '=', true)
    .orderBy('p.name')
    .orderBy('p.id')
    .execute();
}

/** The active participants of a department, by name. */
export async function departmentMembers(db: Db, cycleId: number, department: string): Promise<MemberRow[]> {
  return db
    .selectFrom('people as p')
    .innerJoin('cycle_participants as cp', (j) => j.onRef('cp.person_id', '=', 'p.id').on('cp.cycle_id', '=', cycleId).on('cp.removed_at', 'is', null))
    .select(['p.id', 'p.name', 'p.email', 'p.department', 'p.locale', 'p.time_zone'])
    .where('p.department', '=', department)
    .where('p.active', '=', true)
    .orderBy('p.name')
    .orderBy('p.id')
    .execute();
}

export interface ObjectiveRow {
  id: number;
  owner_id: number;
  title: string;
  status: ObjectiveStatus;
  score: number | null;
  parent_title: string | null;
}

export interface KeyResultRow {
  id: number;
  objective_id: number;
  title: string;
  kind: string;
  start_value: number | null;
  target_value: number | null;
  unit: string | null;
  current_value: number | null;
  done: boolean | null;
  confidence: number | null;
  self_score: number | null;
  score: number | null;
}

/** The current objectives of these people and their key results. */
export async function objectivesOf(db: Db, cycleId: number, personIds: number[]): Promise<{ objectives: ObjectiveRow[]; keyResults: KeyResultRow[] }> {
  if (!personIds.length) return { objectives: [], keyResults: [] };
  const objectives = (await currentObjectives(db, cycleId)
    .leftJoin('objectives as parent', 'parent.id', 'o.parent_objective_id')
    .select(['o.id', 'o.owner_id', 'o.title', 'o.status', 'o.score', 'parent.title as parent_title'])
    .where('o.owner_id', 'in', personIds)
    .orderBy('o.owner_id')
    .orderBy('o.position')
    .orderBy('o.id')
    .execute()) as ObjectiveRow[];
  const ids = objectives.map((o) => o.id);
  const keyResults = ids.length
    ? await db
        .selectFrom('key_results')
        .select(['id', 'objective_id', 'title', 'kind', 'start_value', 'target_value', 'unit', 'current_value', 'done', 'confidence', 'self_score', 'score'])
        .where('objective_id', 'in', ids)
        .orderBy('objective_id')
        .orderBy('position')
        .execute()
    : [];
  return { objectives, keyResults };
}

export interface TaskRow {
  id: number;
  person_id: number;
  subject_person_id: number | null;
  kind: TaskKind;
  phase: Phase;
  round: number;
  status: TaskStatus;
  due_at: Date;
  completed_at: Date | null;
}

/** These people's tasks of the cycle (not cancelled), oldest first. */
export async function tasksOf(db: Db, cycleId: number, personIds: number[], kinds?: TaskKind[]): Promise<TaskRow[]> {
  if (!personIds.length) return [];
  let q = db
    .selectFrom('tasks')
    .select(['id', 'person_id', 'subject_person_id', 'kind', 'phase', 'round', 'status', 'due_at', 'completed_at'])
    .where('cycle_id', '=', cycleId)
    .where('person_id', 'in', personIds)
    .where('status', '<>', 'cancelled');
  if (kinds?.length) q = q.where('kind', 'in', kinds);
  return q.orderBy('id').execute();
}

/** Open tasks owned by one person (their review queue), due first. */
export async function openTasksOwnedBy(db: Db, cycleId: number, ownerId: number) {
  return db
    .selectFrom('tasks as t')
    .leftJoin('people as s', 's.id', 't.subject_person_id')
    .select(['t.id', 't.kind', 't.round', 't.due_at', 't.person_id', 't.subject_person_id', 's.name as subject_name', 's.email as subject_email'])
    .where('t.cycle_id', '=', cycleId)
    .where('t.person_id', '=', ownerId)
    .where('t.status', '=', 'open')
    .where('t.subject_person_id', 'is not', null)
    .orderBy('t.due_at')
    .orderBy('t.id')
    .execute();
}

/** Each check-in of these people: week and confidence. */
export async function checkinsOf(db: Db, cycleId: number, personIds: number[]): Promise<{ person_id: number; week: number; confidence: number }[]> {
  if (!personIds.length) return [];
  return db
    .selectFrom('checkins')
    .select(['person_id', 'week', 'confidence'])
    .where('cycle_id', '=', cycleId)
    .where('person_id', 'in', personIds)
    .orderBy('week')
    .orderBy('id')
    .execute();
}

/** The calibrate tasks one manager owns in a cycle, with their subject: the grid's rows. */
export async function calibrateTasksOwnedBy(db: Db, cycleId: number, ownerId: number) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('people as s', 's.id', 't.subject_person_id')
    .select(['t.id', 't.status', 't.round', 't.due_at', 't.subject_person_id', 's.name as subject_name', 's.email as subject_email'])
    .where('t.cycle_id', '=', cycleId)
    .where('t.person_id', '=', ownerId)
    .where('t.kind', '=', calibrateKind.kind)
    .where('t.status', '<>', 'cancelled')
    .orderBy('s.name')
    .orderBy('t.id')
    .execute();
}

/** The self-score comment of these participants. */
export async function selfScoreComments(db: Db, cycleId: number, personIds: number[]): Promise<Map<number, string | null>> {
  if (!personIds.length) return new Map();
  const rows = await db
    .selectFrom('cycle_participants')
    .select(['person_id', 'self_score_comment', 'score'])
    .where('cycle_id', '=', cycleId)
    .where('person_id', 'in', personIds)
    .execute();
  return new Map(rows.map((r) => [r.person_id, r.self_score_comment]));
}

/** Every department with its number of active people (HR's picker). */
export async function departmentNames(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('people')
    .select('department')
    .distinct()
    .where('department', 'is not', null)
    .where('active', '=', true)
    .orderBy('department')
    .execute();
  return rows.map((r) => r.department!);
}

/** The phase of the cycle's latest task: the phase that is open now (or was last). */
export async function latestPhase(db: Db, cycleId: number): Promise<Phase | undefined> {
  return (await db.selectFrom('tasks').select('phase').where('cycle_id', '=', cycleId).orderBy('id', 'desc').limit(1).executeTakeFirst())?.phase;
}

/** How many nudges (audited) an actor sent since `since`: the rate limit counts them across replicas. */
export async function nudgesSentBy(db: Db, actor: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select(sql<string>`count(*)`.as('n'))
    .where('actor', '=', actor)
    .where('action', '=', 'person.nudged')
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The OKR cycles a picker offers, newest first (at most 50; awards runs have no OKRs to show). */
export async function recentCycles(db: Db): Promise<{ key: string; title: string }[]> {
  return db.selectFrom('cycles').select(['key', 'title']).where('kind', '=', 'okr').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(50).execute();
}
