/**
 * An ambassador's nudge: a friendly personal reminder to one person, or to everyone behind on the
 * open step in their department, that names the ambassador and gives the due time in the
 * recipient's own time zone and language. It travels the path of HR's "remind now"
 * (core/reminders.ts: the same email data with `nudgedBy`, the same outbox insert and audit row,
 * the same delivery workflow); only its key differs: `nudge:<cycle>:<person>:<day>` (the day in
 * the cycle's time zone), so a person hears at most one nudge a day, from whoever sends it, and of
 * two concurrent nudges one inserts the row and the other is refused. Each nudge is audited as
 * `person.nudged`. An actor may send at most NUDGES_PER_HOUR nudges an hour (counted in the audit
 * log, so across replicas).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, type Phase, type Schedule } from '../contract';
import { requireCycleByKey } from '../db/cycles';
import { taskForReminder } from '../db/dashboard';
import { type TaskRow, departmentMembers, latestPhase, nudgesSentBy, tasksOf } from '../db/team';
import { dayIn } from './cycle-preview';
import { AppError } from './errors';
import { type ReminderDeps, type ReminderTask, deliver, queueReminder, redeliverIfQueued, reminderData } from './reminders';
import { type Viewer, isAmbassadorOf, requireDepartmentAccess } from './team-access';

export const NUDGES_PER_HOUR = 200;

/** The outbox key of a person's nudge on a day: one per person per day. */
export const nudgeKey = (cycleId: number, personId: number, day: string) => `nudge:${cycleId}:${personId}:${day}`;

export interface NudgeRequest {
  cycleKey: string;
  department: string;
  /** One person (by email); absent: everyone behind on the open step. */
  email?: string;
}

export interface NudgeResult {
  day: string;
  sent: { name: string; email: string; taskId: number }[];
  /** Behind, but nudged already today: nothing was sent to them. */
  alreadyToday: { name: string; email: string }[];
}

export async function nudge(
  deps: ReminderDeps,
  viewer: Viewer,
  who: { actor: string; name: string },
  request: NudgeRequest,
  now = new Date(),
): Promise<NudgeResult> {
  await requireDepartmentAccess(deps.db, viewer, request.department);
  const cycle = await requireCycleByKey(deps.db, request.cycleKey);
  const timeZone = (cycle.schedule as unknown as Schedule).timeZone ?? 'UTC';
  const day = dayIn(now.toISOString(), timeZone);
  const members = await departmentMembers(deps.db, cycle.id, request.department);
  const phase = await latestPhase(deps.db, cycle.id);
  const open = phase
    ? behindOnPhase(
        await tasksOf(
          deps.db,
          cycle.id,
          members.map((m) => m.id),
        ),
        phase,
      )
    : [];
  let targets = open;
  if (request.email !== undefined) {
    const wanted = request.email.trim().toLowerCase();
    const person = members.find((m) => m.email.toLowerCase() === wanted);
    targets = person ? open.filter((t) => t.person_id === person.id) : [];
    if (!targets.length)
      throw new AppError(ErrorCode.validation, `${wanted} is not behind on the open step in ${request.department}`, {
        issues: [{ path: 'email', message: 'not behind on the open step in this department', params: { code: 'not-behind' } }],
      });
  }
  if (!targets.length) throw new AppError(ErrorCode.conflict, `nobody in ${request.department} is behind on the open step`, { reason: 'nobody-behind' });
  const recent = await nudgesSentBy(deps.db, who.actor, new Date(now.getTime() - 3_600_000));
  if (recent + targets.length > NUDGES_PER_HOUR)
    throw new AppError(ErrorCode.rateLimited, `at most ${NUDGES_PER_HOUR} nudges an hour; ${recent} were sent in the last hour`, { retryAfterSeconds: 3600 });

  // The email calls the sender the department's ambassador only when they are one; HR is HR.
  const nudgedAs: 'ambassador' | 'hr' = (await isAmbassadorOf(deps.db, viewer, request.department)) ? 'ambassador' : 'hr';
  const tasks = (await Promise.all(targets.map((t) => taskForReminder(deps.db, cycle.id, t.id)))).filter((t): t is ReminderTask => t?.status === 'open');
  const senderRef = `nudge:${cycle.id}:${day}:${randomUUID()}`;
  const result: NudgeResult = { day, sent: [], alreadyToday: [] };
  await deps.db.transaction().execute(async (tx) => {
    for (const task of tasks) {
      const key = nudgeKey(cycle.id, task.personId, day);
      const inserted = await queueReminder(
        tx,
        deps,
        { key, senderRef, cycleId: cycle.id, task, data: reminderData(task, timeZone, { nudgedBy: who.name, nudgedAs }) },
        {
          actor: who.actor,
          action: 'person.nudged',
          subject: `person:${task.email}`,
          detail: { to: task.email, day, department: request.department, taskId: task.id },
        },
      );
      if (inserted) result.sent.push({ name: task.name, email: task.email, taskId: task.id });
      else result.alreadyToday.push({ name: task.name, email: task.email });
    }
  });
  for (const earlier of result.alreadyToday) {
    const task = tasks.find((t) => t.email === earlier.email)!;
    await redeliverIfQueued(deps, nudgeKey(cycle.id, task.personId, day), cycle.key);
  }
  if (!result.sent.length) {
    const names = result.alreadyToday.map((p) => p.name).join(', ');
    throw new AppError(ErrorCode.conflict, `already nudged today (${day}): ${names}; one nudge a person a day`, { day, alreadyToday: result.alreadyToday });
  }
  await deliver(deps, senderRef, cycle.key);
  return result;
}

/** Each person's earliest-due open task of the phase: who is behind, and on what. */
export function behindOnPhase(tasks: TaskRow[], phase: Phase): TaskRow[] {
  const first = new Map<number, TaskRow>();
  for (const t of tasks) {
    if (t.phase !== phase || t.status !== 'open') continue;
    const had = first.get(t.person_id);
    if (!had || new Date(t.due_at).getTime() < new Date(had.due_at).getTime()) first.set(t.person_id, t);
  }
  return [...first.values()];
}
