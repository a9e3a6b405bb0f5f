/**
 * "Me": one person's OKR record as a viewer may see it — open tasks (due times in the person's
 * time zone, links only for the person themself: a task link is a credential), objectives and
 * key results with progress, status and the parent each serves, check-ins per key result week
 * by week, execution items under the key result they serve, and final scores with the manager's
 * comment. Facets the viewer may not see (core/visibility.ts) are left out (null / empty).
 * The JSON endpoints and the page both read this.
 */
import type { Kysely } from 'kysely';
import { type ApprovalState, ErrorCode, type ExecutionItemSource, type ObjectiveStatus, type TaskKind, approvalState, personTimeZone } from '../contract';
import {
  type HomeCycle,
  type HomePerson,
  checkinsOf,
  cyclesOf,
  executionItemsOf,
  homePerson,
  keyResultsOf,
  latestReviewOf,
  objectivesOf,
  openTasksOf,
  reviewOpenFor,
  scoreOf,
} from '../db/homes';
import type { DB } from '../db/schema';
import { formatDue } from '../mail/templates/format';
import { AppError } from './errors';
import { taskLink, taskToken } from './tokens';
import { type Facet, type Relation, type Viewer, type VisibilityPolicy, viewerScope } from './visibility';

/** An objective's status as a person reads it: draft, in review (a review is open), changes requested, approved. */
export type HomeObjectiveStatus = Exclude<ApprovalState, 'none'>;

export interface MeTask {
  id: number;
  kind: TaskKind;
  round: number;
  cycleKey: string;
  cycleTitle: string;
  dueAt: string;
  /** The due time in the person's language and time zone. */
  dueLocal: string;
  overdue: boolean;
  subjectName: string | null;
  /** The task page; only in the person's own view. */
  link: string | null;
}

export interface MeKeyResult {
  id: number;
  title: string;
  kind: string;
  start: number | null;
  target: number | null;
  unit: string | null;
  current: number | null;
  done: boolean | null;
  /** 0–1 (milestones 0 or 1); null when it cannot be computed. */
  progress: number | null;
  confidence: number | null;
  selfScore: number | null;
  score: number | null;
  scoreComment: string | null;
  /** The value each week (check-ins facet). */
  weeks: { week: number; value: number | null; done: boolean | null; confidence: number | null }[];
  /** Execution items (projects, tasks, weekly reports) under this key result (execution facet). */
  items: { id: number; week: number; kind: string; title: string; status: string; url: string | null; source: ExecutionItemSource }[];
}

export interface MeObjective {
  id: number;
  title: string;
  status: HomeObjectiveStatus;
  parent: { id: number; title: string; ownerName: string | null } | null;
  progress: number | null;
  score: number | null;
  keyResults: MeKeyResult[];
}

export interface MeCheckin {
  taskId: number;
  week: number;
  confidence: number | null;
  report: string | null;
  at: string;
  dueAt: string;
  /** Whether the person may still correct it (their own view, the window open). */
  correctable: boolean;
}

/** The latest decision on the person's objectives, if any. */
export type LatestReview = { decision: string; comment: string | null; reviewerName: string } | null;

export interface MeHome {
  person: { email: string; name: string; department: string | null; timeZone: string; manager: { name: string; email: string } | null };
  relation: Relation;
  facets: Facet[];
  cycles: { key: string; title: string; status: string }[];
  cycle: { key: string; title: string; status: string; startsOn: string; endsOn: string } | null;
  tasks: MeTask[];
  objectives: MeObjective[];
  checkins: MeCheckin[];
  review: LatestReview;
  scores: { overall: number | null; selfComment: string | null; managerComment: string | null } | null;
}

export interface MeDeps {
  db: Kysely<DB>;
  publicBaseUrl: string;
  /** Task links are derived with it; without it the home has no links. */
  tokenSecret: string | undefined;
  visibility?: VisibilityPolicy;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function keyResultProgress(kr: {
  kind: string;
  start: number | null;
  target: number | null;
  current: number | null;
  done: boolean | null;
}): number | null {
  if (kr.kind === 'milestone') return kr.done ? 1 : 0;
  if (kr.start === null || kr.target === null || kr.target === kr.start) return null;
  const now = kr.current ?? kr.start;
  return round3(Math.min(1, Math.max(0, (now - kr.start) / (kr.target - kr.start))));
}

function statusOf(status: ObjectiveStatus, inReview: boolean): HomeObjectiveStatus {
  return approvalState([status], inReview) as HomeObjectiveStatus;
}

/** Resolves whose home is asked for: by email (API) or the viewer themself. NOT_FOUND also for someone the viewer may not see at all. */
export async function requireHomePerson(db: Kysely<DB>, email: string): Promise<HomePerson> {
  const person = await homePerson(db, { email: email.trim().toLowerCase() });
  if (!person) throw new AppError(ErrorCode.notFound, `no person with email ${email}`);
  return person;
}

/**
 * The home of `person` as `viewer` sees it, for one cycle (`cycleKey`, else the person's newest).
 * A cycle the person is not in is NOT_FOUND (the same answer as an unknown cycle).
 */
export async function meHome(deps: MeDeps, viewer: Viewer, person: HomePerson, cycleKey?: string, now = new Date()): Promise<MeHome> {
  const { db } = deps;
  const scope = await viewerScope(db, viewer, deps.visibility);
  const who = { id: person.id, department: person.department };
  const facets = scope.facets(who);
  const can = (f: Facet) => facets.includes(f);
  const own = scope.relation(who) === 'self';
  const cycles = await cyclesOf(db, person.id);
  const cycle: HomeCycle | undefined = cycleKey ? cycles.find((c) => c.key === cycleKey) : cycles[0];
  if (cycleKey && !cycle) throw new AppError(ErrorCode.notFound, `${person.email} takes no part in a cycle ${cycleKey}`);
  const timeZone = personTimeZone(person.timeZone, cycle?.timeZone ?? 'UTC');

  // Open tasks are the person's to-do list: theirs, and their circle's (they are not public).
  const taskRows = can('checkins') ? await openTasksOf(db, person.id) : [];
  const tasks: MeTask[] = taskRows.map((t) => {
    const zone = personTimeZone(person.timeZone, t.cycleTimeZone);
    return {
      id: t.id,
      kind: t.kind,
      round: t.round,
      cycleKey: t.cycleKey,
      cycleTitle: t.cycleTitle,
      dueAt: t.dueAt.toISOString(),
      dueLocal: formatDue(t.dueAt.toISOString(), person.locale, zone),
      overdue: t.dueAt.getTime() < now.getTime(),
      subjectName: t.subjectName,
      link:
        own && deps.tokenSecret
          ? taskLink(
              deps.publicBaseUrl,
              taskToken(deps.tokenSecret, { cycleId: t.cycleId, kind: t.kind, round: t.round, personId: person.id, subjectPersonId: t.subjectPersonId }),
            )
          : null,
    };
  });

  let objectives: MeObjective[] = [];
  let checkins: MeCheckin[] = [];
  let review: LatestReview = null;
  let scores: MeHome['scores'] = null;
  if (cycle) {
    const [objectiveRows, inReview, checkinRows, itemRows, reviewRow, scoreRow] = await Promise.all([
      can('objectives') ? objectivesOf(db, cycle.id, person.id) : Promise.resolve([]),
      reviewOpenFor(db, cycle.id, person.id),
      can('checkins') || can('confidence') ? checkinsOf(db, cycle.id, person.id) : Promise.resolve([]),
      can('execution') ? executionItemsOf(db, cycle.id, person.id) : Promise.resolve([]),
      can('comments') ? latestReviewOf(db, cycle.id, person.id) : Promise.resolve(undefined),
      can('scores') ? scoreOf(db, cycle.id, person.id) : Promise.resolve(undefined),
    ]);
    const krRows = await keyResultsOf(
      db,
      objectiveRows.map((o) => o.id),
    );
    objectives = objectiveRows.map((o) => {
      const keyResults: MeKeyResult[] = krRows
        .filter((k) => k.objectiveId === o.id)
        .map((k) => ({
          id: k.id,
          title: k.title,
          kind: k.kind,
          start: k.start,
          target: k.target,
          unit: k.unit,
          current: k.current,
          done: k.done,
          progress: keyResultProgress(k),
          confidence: can('confidence') ? k.confidence : null,
          selfScore: can('scores') ? k.selfScore : null,
          score: can('scores') ? k.score : null,
          scoreComment: can('scores') && can('comments') ? k.scoreComment : null,
          weeks: can('checkins')
            ? checkinRows.flatMap((c) => {
                const v = c.values.find((x) => x.keyResultId === k.id);
                return v ? [{ week: c.week, value: v.value ?? null, done: v.done ?? null, confidence: can('confidence') ? c.confidence : null }] : [];
              })
            : [],
          items: itemRows
            .filter((i) => i.keyResultId === k.id)
            .map((i) => ({ id: i.id, week: i.week, kind: i.kind, title: i.title, status: i.status, url: i.url, source: i.source })),
        }));
      const measured = keyResults.map((k) => k.progress).filter((p): p is number => p !== null);
      return {
        id: o.id,
        title: o.title,
        status: statusOf(o.status, inReview),
        parent: o.parentId !== null && o.parentTitle !== null ? { id: o.parentId, title: o.parentTitle, ownerName: o.parentOwnerName } : null,
        progress: measured.length ? round3(measured.reduce((a, b) => a + b, 0) / measured.length) : null,
        score: can('scores') ? o.score : null,
        keyResults,
      };
    });
    checkins = checkinRows.map((c) => ({
      taskId: c.taskId,
      week: c.week,
      confidence: can('confidence') ? c.confidence : null,
      report: can('comments') ? c.report : null,
      at: c.createdAt.toISOString(),
      dueAt: c.dueAt.toISOString(),
      correctable: false,
    }));
    if (!can('checkins')) checkins = checkins.map((c) => ({ ...c, report: null }));
    // Only the latest check-in, only by the person, only while its window is open (the batch decides in the end).
    const latest = checkinRows.at(-1);
    if (own && latest && latest.taskStatus === 'completed' && latest.dueAt.getTime() > now.getTime()) checkins.at(-1)!.correctable = true;
    review = reviewRow ? { decision: reviewRow.decision, comment: reviewRow.comment, reviewerName: reviewRow.reviewerName } : null;
    scores = scoreRow
      ? {
          overall: scoreRow.score,
          selfComment: can('comments') ? scoreRow.selfComment : null,
          managerComment: can('comments') ? scoreRow.managerComment : null,
        }
      : null;
  }

  return {
    person: { email: person.email, name: person.name, department: person.department, timeZone, manager: person.manager },
    relation: scope.relation(who),
    facets,
    cycles: cycles.map((c) => ({ key: c.key, title: c.title, status: c.status })),
    cycle: cycle ? { key: cycle.key, title: cycle.title, status: cycle.status, startsOn: cycle.startsOn, endsOn: cycle.endsOn } : null,
    tasks,
    objectives,
    checkins,
    review,
    scores,
  };
}
