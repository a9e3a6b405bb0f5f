/** What several kinds of task read: key results, objectives under review, names, earlier submissions. */
import { type Kysely, sql } from 'kysely';
import type { FieldIssue, Locale, ReviewKind, ReviewedKind } from '../contract';
import { pageStrings } from '../i18n/pages';
import type { DB } from '../db/schema';
import { suggestScore } from '../core/scoring';
import { type KeyResultOption, type KindContext, SubmissionRejected, type TaskRef } from './types';
import { isCurrentObjective } from '../db/objectives';

/** A context with every list empty; handlers fill in what their page needs. */
export function emptyContext(): KindContext {
  return { values: null, notes: [], parents: [], keyResults: [], objectives: [], nominations: [], subject: null };
}

/** Throws the issues, if any, as one rejection (so the person sees every problem at once). */
export function rejectIfAny(issues: FieldIssue[]): void {
  if (issues.length) throw new SubmissionRejected(issues);
}

/** The task's subject; a task of a kind that has one but doesn't is a bug in whoever opened it. */
export function subjectOf(task: TaskRef): number {
  if (task.subjectPersonId === null) throw new Error(`task ${task.id} (${task.kind}) has no subject person`);
  return task.subjectPersonId;
}

export async function personById(db: Kysely<DB>, id: number): Promise<{ name: string; email: string }> {
  const p = await db.selectFrom('people').select(['name', 'email']).where('id', '=', id).executeTakeFirst();
  if (!p) throw new Error(`person ${id} does not exist`);
  return p;
}

type KeyResultKind = KeyResultOption['kind'];
const asKind = (k: string): KeyResultKind => (k === 'percent' || k === 'milestone' ? k : 'numeric');

/** The current key results of a person's own objectives in a cycle, in the order they were drafted. */
export async function currentKeyResults(db: Kysely<DB>, cycleId: number, ownerId: number): Promise<KeyResultOption[]> {
  return (await currentKeyResultsOf(db, cycleId, [ownerId])).get(ownerId) ?? [];
}

/** The current key results of several people in a cycle (one query: a batch's emails), by owner. */
export async function currentKeyResultsOf(db: Kysely<DB>, cycleId: number, ownerIds: number[]): Promise<Map<number, KeyResultOption[]>> {
  const byOwner = new Map<number, KeyResultOption[]>();
  if (!ownerIds.length) return byOwner;
  const rows = await db
    .selectFrom('key_results as k')
    .innerJoin('objectives as o', 'o.id', 'k.objective_id')
    .select([
      'k.id',
      'k.objective_id',
      'o.title as objective_title',
      'k.title',
      'k.kind',
      'k.start_value',
      'k.target_value',
      'k.unit',
      'k.current_value',
      'k.done',
      'k.self_score',
      'k.score',
      'o.owner_id',
    ])
    .where('o.cycle_id', '=', cycleId)
    .where('o.owner_id', 'in', ownerIds)
    .where(isCurrentObjective('o'))
    .orderBy('o.position')
    .orderBy('o.id')
    .orderBy('k.position')
    .execute();
  for (const r of rows) {
    const kind = asKind(r.kind);
    const milestone = kind === 'milestone';
    const option: KeyResultOption = {
      keyResultId: r.id,
      objectiveId: r.objective_id,
      objectiveTitle: r.objective_title,
      title: r.title,
      kind,
      start: milestone ? null : r.start_value,
      target: milestone ? null : r.target_value,
      unit: r.unit,
      current: r.current_value,
      done: r.done,
      selfScore: r.self_score,
      score: r.score,
      suggestedScore: null,
    };
    option.suggestedScore = suggestScore({ kind, start: r.start_value, target: r.target_value, current: r.current_value, done: r.done });
    const list = byOwner.get(r.owner_id!) ?? [];
    list.push(option);
    byOwner.set(r.owner_id!, list);
  }
  return byOwner;
}

/** "40 → 60 %", "100 → 500 users", "done / not done", in the language. */
export function measureOf(kr: { kind: string; start_value: number | null; target_value: number | null; unit: string | null }, locale: Locale = 'en'): string {
  const w = pageStrings(locale).progress;
  if (kr.kind === 'milestone') return w.doneOrNot;
  const unit = kr.unit ?? (kr.kind === 'percent' ? '%' : '');
  return w.measure(String(kr.start_value ?? '?'), String(kr.target_value ?? '?'), unit);
}

/** Objectives (by id, in the given order) with their parent's title and their key results as measures. */
export async function describeObjectives(
  db: Kysely<DB>,
  objectives: { id: number; title: string; parent: string | null }[],
  locale: Locale = 'en',
): Promise<KindContext['objectives']> {
  if (!objectives.length) return [];
  const krs = await db
    .selectFrom('key_results')
    .select(['objective_id', 'title', 'kind', 'start_value', 'target_value', 'unit'])
    .where(
      'objective_id',
      'in',
      objectives.map((o) => o.id),
    )
    .orderBy('objective_id')
    .orderBy('position')
    .execute();
  return objectives.map((o) => ({
    ...o,
    keyResults: krs.filter((k) => k.objective_id === o.id).map((k) => ({ title: k.title, measure: measureOf(k, locale) })),
  }));
}

/** A person's own current objectives in a cycle (id, title, parent title). */
export async function currentObjectivesOf(db: Kysely<DB>, cycleId: number, ownerId: number, locale: Locale = 'en') {
  const rows = await db
    .selectFrom('objectives as o')
    .leftJoin('objectives as parent', 'parent.id', 'o.parent_objective_id')
    .select(['o.id', 'o.title', 'parent.title as parent_title'])
    .where('o.cycle_id', '=', cycleId)
    .where('o.owner_id', '=', ownerId)
    .where(isCurrentObjective('o'))
    .orderBy('o.position')
    .orderBy('o.id')
    .execute();
  return describeObjectives(
    db,
    rows.map((r) => ({ id: r.id, title: r.title, parent: r.parent_title ?? null })),
    locale,
  );
}

/** Ids of the current company objectives an executive drafted in a cycle (through their tasks of `draftedBy`, the strategy). */
export function companyObjectivesQuery(db: Kysely<DB>, cycleId: number, executiveId: number, draftedBy: ReviewedKind) {
  return db
    .selectFrom('objectives as o')
    .where('o.cycle_id', '=', cycleId)
    .where('o.owner_id', 'is', null)
    .where(isCurrentObjective('o'))
    .where(
      'o.task_id',
      'in',
      db.selectFrom('tasks').select('id').where('cycle_id', '=', cycleId).where('kind', '=', draftedBy).where('person_id', '=', executiveId),
    );
}

/**
 * The submission of the person's latest completed task of this kind in the cycle, up to this
 * task's round: the task's own submission once it is done, else the one before (a re-draft).
 */
export async function previousSubmission(db: Kysely<DB>, task: TaskRef): Promise<unknown> {
  const row = await db
    .selectFrom('tasks')
    .select('result')
    .where('cycle_id', '=', task.cycleId)
    .where('kind', '=', task.kind)
    .where('person_id', '=', task.personId)
    .where('status', '=', 'completed')
    .where('round', '<=', task.round)
    .$if(task.subjectPersonId !== null, (q) => q.where('subject_person_id', '=', task.subjectPersonId!))
    .orderBy('round', 'desc')
    .orderBy('completed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (row?.result as { submission?: unknown } | null | undefined)?.submission ?? null;
}

/**
 * The latest decision about a person in a cycle by tasks of `reviewKind` (the review of their own
 * objectives, or the strategy review of an executive's company objectives). The latest one only: a
 * request for changes that a later approval settled is no longer news.
 */
export async function latestReview(db: Kysely<DB>, cycleId: number, subjectId: number, reviewKind: ReviewKind) {
  return db
    .selectFrom('reviews as r')
    .innerJoin('tasks as t', 't.id', 'r.task_id')
    .select(['r.decision', 'r.comment', 'r.round', 'r.reviewer_id'])
    .where('r.cycle_id', '=', cycleId)
    .where('r.subject_id', '=', subjectId)
    .where('t.kind', '=', reviewKind)
    .orderBy('r.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The comment of the latest review if it asked for changes. */
export async function changesRequested(db: Kysely<DB>, cycleId: number, subjectId: number, reviewKind: ReviewKind): Promise<string | null> {
  const review = await latestReview(db, cycleId, subjectId, reviewKind);
  return review?.decision === 'changes' ? (review.comment ?? '') : null;
}

/** `role = any(<rolesColumn>)`: whether a people row has the role. */
export const hasRole = (rolesColumn: string, role: string) => sql<boolean>`${role} = any(${sql.ref(rolesColumn)})`;

/** Key result ids that appear more than once: the index of every repetition. */
export function repeatedIndexes(ids: number[]): number[] {
  const seen = new Set<number>();
  const repeated: number[] = [];
  ids.forEach((id, i) => {
    if (seen.has(id)) repeated.push(i);
    seen.add(id);
  });
  return repeated;
}
