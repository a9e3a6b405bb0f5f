/**
 * "My team": a manager's direct reports in one cycle — each one's objectives with their approval
 * state, this week's check-in and its confidence, the confidence across weeks, their overdue
 * tasks — and the manager's own review queue. The team is the DIRECT reports (who the manager
 * reviews and calibrates); further levels have their own managers' pages.
 */
import type { Kysely } from 'kysely';
import { type ApprovalState, type ObjectiveStatus, type TaskKind, type TaskStatus, approvalState } from '../contract';
import { requireCycleByKey } from '../db/cycles';
import type { DB } from '../db/schema';
import { type KeyResultRow, checkinsOf, objectivesOf, openTasksOwnedBy, tasksOf, teamMembers } from '../db/team';
import { type TeamOwner, type Viewer, teamOwnerFor } from './team-access';
import { reviewKind } from '../kinds/review';
import { checkinKind } from '../kinds/checkin';

export type { ApprovalState };

export interface TeamKeyResult {
  id: number;
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
}

export interface TeamObjective {
  id: number;
  title: string;
  status: ObjectiveStatus;
  parent: string | null;
  score: number | null;
  keyResults: TeamKeyResult[];
}

export interface TeamMemberView {
  name: string;
  email: string;
  department: string | null;
  approval: ApprovalState;
  objectives: TeamObjective[];
  /** The latest check-in week opened for this person, or null before check-ins. */
  thisWeek: { week: number; status: TaskStatus; dueAt: string; confidence: number | null } | null;
  /** Confidence per week (the week's check-in), oldest first. */
  trend: { week: number; confidence: number }[];
  overdue: { taskId: number; kind: TaskKind; round: number; dueAt: string }[];
}

export interface TeamView {
  cycle: { key: string; title: string; timeZone: string };
  manager: TeamOwner;
  members: TeamMemberView[];
  /** The team's size; `members` is one page of it (by name), from `offset`. */
  total: number;
  offset: number;
  /** The manager's open tasks about someone (reviews, calibrations), due first. */
  reviewQueue: {
    taskId: number;
    kind: TaskKind;
    round: number;
    dueAt: string;
    subject: { name: string; email: string };
    identity: { cycleId: number; personId: number; subjectPersonId: number | null };
  }[];
}

const keyResultView = (k: KeyResultRow): TeamKeyResult => ({
  id: k.id,
  title: k.title,
  kind: k.kind,
  start: k.start_value,
  target: k.target_value,
  unit: k.unit,
  current: k.current_value,
  done: k.done,
  confidence: k.confidence,
  selfScore: k.self_score,
  score: k.score,
});

function approvalOf(objectives: TeamObjective[], inReview: boolean): ApprovalState {
  return approvalState(
    objectives.map((o) => o.status),
    inReview,
  );
}

/** Reports per page: a team of a thousand direct reports is read and drawn a hundred at a time. */
export const TEAM_PAGE_SIZE = 100;

export async function teamView(
  db: Kysely<DB>,
  viewer: Viewer,
  cycleKey: string,
  managerEmail?: string,
  page: { offset?: number; limit?: number } = {},
  now = new Date(),
): Promise<TeamView> {
  const cycle = await requireCycleByKey(db, cycleKey);
  const manager = await teamOwnerFor(db, viewer, managerEmail);
  const everyone = await teamMembers(db, cycle.id, manager.id);
  const offset = Math.max(0, Math.min(page.offset ?? 0, Math.max(0, everyone.length - 1)));
  const members = everyone.slice(offset, offset + (page.limit ?? TEAM_PAGE_SIZE));
  const ids = members.map((m) => m.id);
  const [{ objectives, keyResults }, tasks, checkins, queue, reviews] = await Promise.all([
    objectivesOf(db, cycle.id, ids),
    tasksOf(db, cycle.id, ids),
    checkinsOf(db, cycle.id, ids),
    openTasksOwnedBy(db, cycle.id, manager.id),
    // Open reviews about a report (by whoever reviews them): "in review".
    db
      .selectFrom('tasks')
      .select('subject_person_id')
      .where('cycle_id', '=', cycle.id)
      .where('kind', '=', reviewKind.kind)
      .where('status', '=', 'open')
      .where('subject_person_id', 'in', ids.length ? ids : [0])
      .execute(),
  ]);
  const krsOf = new Map<number, TeamKeyResult[]>();
  for (const k of keyResults) krsOf.set(k.objective_id, [...(krsOf.get(k.objective_id) ?? []), keyResultView(k)]);
  const underReview = new Set(reviews.map((r) => r.subject_person_id));
  const schedule = cycle.schedule as { timeZone?: string };
  return {
    cycle: { key: cycle.key, title: cycle.title, timeZone: schedule.timeZone ?? 'UTC' },
    manager,
    total: everyone.length,
    offset,
    members: members.map((m) => {
      const own = objectives
        .filter((o) => o.owner_id === m.id)
        .map((o) => ({ id: o.id, title: o.title, status: o.status, parent: o.parent_title, score: o.score, keyResults: krsOf.get(o.id) ?? [] }));
      const mine = tasks.filter((t) => t.person_id === m.id);
      const weekTask = mine.filter((t) => t.kind === checkinKind.kind).at(-1);
      const trend = checkins.filter((c) => c.person_id === m.id).map((c) => ({ week: c.week, confidence: c.confidence }));
      return {
        name: m.name,
        email: m.email,
        department: m.department,
        approval: approvalOf(own, underReview.has(m.id)),
        objectives: own,
        thisWeek: weekTask
          ? {
              week: weekTask.round,
              status: weekTask.status,
              dueAt: new Date(weekTask.due_at).toISOString(),
              confidence: trend.find((c) => c.week === weekTask.round)?.confidence ?? null,
            }
          : null,
        trend,
        overdue: mine
          .filter((t) => t.status === 'open' && new Date(t.due_at).getTime() < now.getTime())
          .map((t) => ({ taskId: t.id, kind: t.kind, round: t.round, dueAt: new Date(t.due_at).toISOString() })),
      };
    }),
    reviewQueue: queue.map((t) => ({
      taskId: t.id,
      kind: t.kind,
      round: t.round,
      dueAt: new Date(t.due_at).toISOString(),
      subject: { name: t.subject_name ?? '', email: t.subject_email ?? '' },
      identity: { cycleId: cycle.id, personId: t.person_id, subjectPersonId: t.subject_person_id },
    })),
  };
}
