/**
 * "My department": for a department's ambassadors (and HR, for every department) in one cycle —
 * who is behind on the open step (a person with an open task in the phase now open — the phase of
 * the cycle's latest task; one row per person, their earliest-due task), the check-in rate of
 * each week, the people whose latest confidence is low, and whether an awards step is open (with
 * the viewer's own nominate task, if they have one).
 */
import type { Kysely } from 'kysely';
import type { Phase, TaskKind } from '../contract';
import { requireCycleByKey } from '../db/cycles';
import type { DB } from '../db/schema';
import { checkinsOf, departmentMembers, departmentNames, latestPhase, tasksOf } from '../db/team';
import { dayIn } from './cycle-preview';
import { behindOnPhase, nudgeKey } from './nudges';
import { type Viewer, departmentsFor, requireDepartmentAccess } from './team-access';
import { nominateKind } from '../kinds/awards';
import { checkinKind } from '../kinds/checkin';

/** A latest confidence at or below this is a "low". */
export const LOW_CONFIDENCE = 4;

export interface DepartmentView {
  cycle: { key: string; title: string; timeZone: string };
  department: string;
  /** The departments this viewer may open (HR: all; an ambassador: their own). */
  departments: string[];
  /** The phase now open (of the cycle's latest task); null before any task. */
  phase: Phase | null;
  members: number;
  behind: { name: string; email: string; taskId: number; kind: TaskKind; round: number; dueAt: string; overdue: boolean; nudgedToday: boolean }[];
  checkinRate: { week: number; completed: number; total: number }[];
  lowConfidence: { name: string; email: string; week: number; confidence: number }[];
  awards: { open: boolean; nominateTask: { cycleId: number; round: number; personId: number } | null };
}

export async function departmentView(db: Kysely<DB>, viewer: Viewer, cycleKey: string, department: string, now = new Date()): Promise<DepartmentView> {
  await requireDepartmentAccess(db, viewer, department);
  const cycle = await requireCycleByKey(db, cycleKey);
  const timeZone = (cycle.schedule as { timeZone?: string }).timeZone ?? 'UTC';
  const allowed = await departmentsFor(db, viewer);
  const [members, phase, names] = await Promise.all([
    departmentMembers(db, cycle.id, department),
    latestPhase(db, cycle.id),
    allowed === 'all' ? departmentNames(db) : Promise.resolve(allowed),
  ]);
  const ids = members.map((m) => m.id);
  const [tasks, checkins] = await Promise.all([tasksOf(db, cycle.id, ids), checkinsOf(db, cycle.id, ids)]);
  const byId = new Map(members.map((m) => [m.id, m]));
  const day = dayIn(now.toISOString(), timeZone);
  const behindTasks = phase ? behindOnPhase(tasks, phase) : [];
  const nudged = new Set(
    behindTasks.length
      ? (
          await db
            .selectFrom('emails')
            .select('idempotency_key')
            .where(
              'idempotency_key',
              'in',
              behindTasks.map((t) => nudgeKey(cycle.id, t.person_id, day)),
            )
            .execute()
        ).map((r) => r.idempotency_key)
      : [],
  );
  const weeks = new Map<number, { completed: number; total: number }>();
  for (const t of tasks) {
    if (t.kind !== checkinKind.kind) continue;
    const w = weeks.get(t.round) ?? { completed: 0, total: 0 };
    w.total++;
    if (t.status === 'completed') w.completed++;
    weeks.set(t.round, w);
  }
  const latest = new Map<number, { week: number; confidence: number }>();
  for (const c of checkins) latest.set(c.person_id, { week: c.week, confidence: c.confidence });
  const awardsOpen = phase === 'awards';
  const nominate =
    awardsOpen && viewer.personId
      ? await db
          .selectFrom('tasks')
          .select(['round', 'person_id'])
          .where('cycle_id', '=', cycle.id)
          .where('person_id', '=', viewer.personId)
          .where('kind', '=', nominateKind.kind)
          .where('status', '=', 'open')
          .orderBy('id', 'desc')
          .executeTakeFirst()
      : undefined;
  return {
    cycle: { key: cycle.key, title: cycle.title, timeZone },
    department,
    departments: names,
    phase: phase ?? null,
    members: members.length,
    behind: behindTasks
      .map((t) => {
        const m = byId.get(t.person_id)!;
        return {
          name: m.name,
          email: m.email,
          taskId: t.id,
          kind: t.kind,
          round: t.round,
          dueAt: new Date(t.due_at).toISOString(),
          overdue: new Date(t.due_at).getTime() < now.getTime(),
          nudgedToday: nudged.has(nudgeKey(cycle.id, t.person_id, day)),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    checkinRate: [...weeks.entries()].sort(([a], [b]) => a - b).map(([week, w]) => ({ week, ...w })),
    lowConfidence: [...latest.entries()]
      .filter(([, c]) => c.confidence <= LOW_CONFIDENCE)
      .map(([id, c]) => ({ name: byId.get(id)!.name, email: byId.get(id)!.email, ...c }))
      .sort((a, b) => a.confidence - b.confidence || a.name.localeCompare(b.name)),
    awards: { open: awardsOpen, nominateTask: nominate ? { cycleId: cycle.id, round: nominate.round, personId: nominate.person_id } : null },
  };
}
