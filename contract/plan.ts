/**
 * The cycle's calendar, in one pure place: when each phase opens and is due, each check-in week,
 * when reminders, escalations and expiry fire. The cycle workflow decides with these functions
 * (on the times it actually reaches each phase) and the console previews a whole cycle with
 * `planCycle` — the same code, so the preview is what will run. Workflow-safe: no Node imports,
 * no clock (every function is given its times).
 *
 * The rules (calendar-v2): planning (strategy, drafting, review) is planned backwards from
 * `startsOn` — review due at `startsOn` 00:00 in the cycle's time zone, drafting before it,
 * strategy before that, each for its length — and each phase opens at its planned date. A phase
 * reached after its planned opening (too little time before `startsOn`, or the previous phase
 * overran) opens at once and runs for its full length: planning then ends after `startsOn`, and
 * the plan says by how much (`planningLateByMs`); with `fitBeforeStart` such a cycle is refused.
 * Cycles started under calendar-v1 keep planning back to back from the start. Weekly check-ins
 * open on `checkIns.weekday` at `checkIns.hour` from the week of `startsOn` until `endsOn`;
 * scoring opens on `endsOn` at that hour; awards follow scoring. With `checkIns.every` the cycle
 * is compressed (tests, demos): planning back to back from the start, `weeks` check-ins every
 * `every` from the end of the review, and scoring right after the last one.
 */
import { addDays, mondayOf, wallClock, zonedTime } from './calendar';
import type { Phase, Schedule } from './cycles';
import { durationToMs } from './duration';

export const AWARDS_STEPS = ['nominate', 'vote', 'finalize'] as const;
export type AwardsStep = (typeof AWARDS_STEPS)[number];
export type PlanningPhase = 'strategy' | 'drafting' | 'review';
export const PLANNING_PHASES = ['strategy', 'drafting', 'review'] as const satisfies readonly PlanningPhase[];

const MAX_WEEKS = 26;
const DAY_MS = 86_400_000;

/**
 * The calendar a cycle follows, recorded in its workflow input: 1 ran planning back to back from
 * the start; 2 plans it backwards from `startsOn`. New cycles take the current one.
 */
export type CalendarVersion = 1 | 2;
export const CALENDAR_VERSION: CalendarVersion = 2;

export interface PlanCycleInput {
  startsOn: string;
  endsOn: string;
  /** Defaults to the schedule's. */
  timeZone?: string;
  schedule: Schedule;
  /** When the cycle starts (ISO): planning cannot open before. */
  startedAt: string;
  /** Which calendar (default: the current one, CALENDAR_VERSION). */
  version?: CalendarVersion;
}

/** When a task's reminders, escalations and expiry fire (ISO), for a task due at `dueAt`. */
export interface TaskEvents {
  reminders: string[];
  escalations: { to: 'manager' | 'hr'; at: string }[];
  expiresAt: string;
}

export interface PlannedPhase {
  phase: Phase;
  opensAt: string;
  dueAt: string;
  /** Drafting: managers' drafts are due this much earlier. */
  managerDueAt?: string;
  /** When the phase's opening tasks are reminded, escalated, expired (check-ins and awards: per week and step). */
  events?: TaskEvents;
}
export interface PlannedWeek {
  week: number;
  /** The Monday (YYYY-MM-DD) of the week, in the cycle's time zone. */
  weekStart: string;
  opensAt: string;
  dueAt: string;
  events: TaskEvents;
}
export interface CyclePlan {
  timeZone: string;
  /** `startsOn` 00:00 in the time zone. */
  startsAt: string;
  /** When planning is due; `planningFits` says whether that is by `startsAt`. */
  planningEndsAt: string;
  planningFits: boolean;
  /** How long after `startsAt` planning ends (0 when it fits). */
  planningLateByMs: number;
  /** The calendar the plan follows. */
  version: CalendarVersion;
  phases: PlannedPhase[];
  checkinWeeks: PlannedWeek[];
  scoring: { opensAt: string; selfScoreDueAt: string; dueAt: string };
  /** null when the schedule leaves awards out (`awards: false`: a yearly awards run chooses them). */
  awards: { opensAt: string; dueAt: string; steps: { step: AwardsStep; opensAt: string; dueAt: string; events: TaskEvents }[] } | null;
}

/** The policy of a task: reminders before its due time, escalations after, then expiry. */
export interface TaskPolicy {
  reminders: string[];
  escalations: { after: string; to: 'manager' | 'hr' }[];
  expireAfter: string;
  timeZone: string;
}

export function taskPolicy(schedule: Schedule): TaskPolicy {
  return { reminders: schedule.reminders, escalations: schedule.escalations, expireAfter: schedule.expireAfter, timeZone: schedule.timeZone };
}

/** A check-in closes at the end of its window, a missed one is reported to the manager then. */
export function checkInPolicy(schedule: Schedule): TaskPolicy {
  const windowMs = durationToMs(schedule.checkIns.window);
  return {
    ...taskPolicy(schedule),
    escalations: [{ after: '0s', to: 'manager' }],
    expireAfter: '0s',
    reminders: schedule.reminders.filter((r) => durationToMs(r) < windowMs),
  };
}

export function taskEvents(dueAt: number, policy: TaskPolicy, openedAt: number): TaskEvents {
  return {
    reminders: policy.reminders
      .map((r) => dueAt - durationToMs(r))
      .filter((at) => at > openedAt)
      .map(iso),
    escalations: policy.escalations.map((e) => ({ to: e.to, at: iso(dueAt + durationToMs(e.after)) })),
    expiresAt: iso(dueAt + durationToMs(policy.expireAfter)),
  };
}

/** When a planning phase opened at `openedAt` is due (and drafting's earlier due time for managers). */
export function planningDue(schedule: Schedule, phase: PlanningPhase, openedAt: number): { dueAt: number; managerDueAt?: number } {
  const dueAt = openedAt + durationToMs(schedule[phase]);
  if (phase !== 'drafting') return { dueAt };
  const managerDueAt = dueAt - durationToMs(schedule.managerLead);
  return managerDueAt > openedAt ? { dueAt, managerDueAt } : { dueAt };
}

/** Self-scores are due after two thirds of scoring, calibrations at its end. */
export function scoringDue(schedule: Schedule, openedAt: number): { selfScoreDueAt: number; dueAt: number } {
  const length = durationToMs(schedule.scoring);
  return { selfScoreDueAt: openedAt + Math.round((length * 2) / 3), dueAt: openedAt + length };
}

/** Each awards step (nominate, vote, finalize) takes a third of the awards phase. */
export function awardsStepMs(schedule: Pick<Schedule, 'awards'>): number {
  return schedule.awards === false ? 0 : Math.round(durationToMs(schedule.awards) / 3);
}

/** When scoring opens by the calendar (`endsOn` at the check-in hour); undefined when compressed. */
export function scoringOpensAt(schedule: Schedule, endsOn: string, timeZone = schedule.timeZone): number | undefined {
  return schedule.checkIns.every ? undefined : zonedTime(endsOn, schedule.checkIns.hour, timeZone).getTime();
}

/** The check-in weeks still ahead at `from` (by the calendar: whose window has not closed), or compressed with `every`. */
export function checkInWeeks(input: {
  schedule: Schedule;
  from: number;
  startsOn: string;
  endsOn: string;
  timeZone?: string;
}): { opensAt: string; weekStart: string }[] {
  const { schedule, from } = input;
  const tz = input.timeZone ?? schedule.timeZone;
  const weeks: { opensAt: string; weekStart: string }[] = [];
  if (schedule.checkIns.every) {
    const every = durationToMs(schedule.checkIns.every);
    for (let w = 0; w < schedule.checkIns.weeks; w++) {
      const at = new Date(from + w * every);
      weeks.push({ opensAt: at.toISOString(), weekStart: mondayOf(at, tz) });
    }
    return weeks;
  }
  const end = scoringOpensAt(schedule, input.endsOn, tz)!;
  // A week whose window is still open when check-ins start opens at once (the workflow gives it a full window).
  const windowMs = durationToMs(schedule.checkIns.window);
  let monday = mondayOf(zonedTime(input.startsOn, 12, tz), tz);
  for (let guard = 0; guard < 60 && weeks.length < MAX_WEEKS; guard++, monday = addDays(monday, 7)) {
    const opensAt = zonedTime(addDays(monday, schedule.checkIns.weekday - 1), schedule.checkIns.hour, tz).getTime();
    if (opensAt >= end) break;
    if (opensAt + windowMs > from) weeks.push({ opensAt: iso(opensAt), weekStart: monday });
  }
  return weeks;
}

/**
 * When a check-in week that opens at `now` is due: at its planned time (`opensAt` + window), or a
 * full window from now when it opens so late that less than half its window would remain.
 */
export function weekDueAt(opensAt: number, now: number, windowMs: number): number {
  return opensAt + windowMs - now >= windowMs / 2 ? opensAt + windowMs : Math.max(opensAt, now) + windowMs;
}

/** A planning phase's place on the calendar (ISO): when it opens and is due if it runs on time. */
export interface PlanningSlot {
  opensAt: string;
  dueAt: string;
}

/**
 * calendar-v2: the planning phases planned backwards from `startsOn` 00:00 in the time zone —
 * review due then, drafting due when review opens, strategy due when drafting opens. Whole-day
 * lengths step back calendar days (the wall clock stays at midnight across a DST change); other
 * lengths step back exactly. Undefined for compressed schedules (`checkIns.every`) and with
 * `planning: "at-once"`: those plan back to back from the start, as before.
 */
export function planningSlots(schedule: Schedule, startsOn: string, timeZone = schedule.timeZone): Record<PlanningPhase, PlanningSlot> | undefined {
  if (schedule.checkIns.every || schedule.planning === 'at-once') return undefined;
  let due = zonedTime(startsOn, 0, timeZone).getTime();
  const slots = {} as Record<PlanningPhase, PlanningSlot>;
  for (const phase of [...PLANNING_PHASES].reverse()) {
    const opens = before(due, durationToMs(schedule[phase]), timeZone);
    slots[phase] = { opensAt: iso(opens), dueAt: iso(due) };
    due = opens;
  }
  return slots;
}

/** `at` minus `ms`: whole days as calendar days at the same wall-clock time in the zone. */
function before(at: number, ms: number, timeZone: string): number {
  if (ms <= 0 || ms % DAY_MS !== 0) return at - ms;
  const [date, time] = wallClock(new Date(at), timeZone).split(' ') as [string, string];
  const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
  const back = zonedTime(addDays(date, -ms / DAY_MS), hour, timeZone).getTime() + (minute * 60 + second) * 1000;
  return back;
}

/**
 * When a planning phase reached at `reachedAt` opens and is due (calendar-v2): at its slot when
 * it is reached in time (the workflow waits for the slot's opening), else at once for its full
 * length. The workflow and `planCycle` both decide with this.
 */
export function planningTimes(
  schedule: Schedule,
  phase: PlanningPhase,
  slot: PlanningSlot,
  reachedAt: number,
): { opensAt: number; dueAt: number; managerDueAt?: number; onTime: boolean } {
  const planned = Date.parse(slot.opensAt);
  if (reachedAt <= planned) {
    const dueAt = Date.parse(slot.dueAt);
    const managerDueAt = phase === 'drafting' ? dueAt - durationToMs(schedule.managerLead) : undefined;
    return { opensAt: planned, dueAt, ...(managerDueAt !== undefined && managerDueAt > planned ? { managerDueAt } : {}), onTime: true };
  }
  return { opensAt: reachedAt, ...planningDue(schedule, phase, reachedAt), onTime: false };
}

/** The whole cycle as it will run if every phase takes its full length. */
export function planCycle(input: PlanCycleInput): CyclePlan {
  const { schedule } = input;
  const timeZone = input.timeZone ?? schedule.timeZone;
  const version = input.version ?? CALENDAR_VERSION;
  const policy = taskPolicy(schedule);
  const phases: PlannedPhase[] = [];
  const slots = version === 2 ? planningSlots(schedule, input.startsOn, timeZone) : undefined;
  let at = Date.parse(input.startedAt);
  for (const phase of PLANNING_PHASES) {
    const { opensAt, dueAt, managerDueAt } = slots ? planningTimes(schedule, phase, slots[phase], at) : { opensAt: at, ...planningDue(schedule, phase, at) };
    phases.push({
      phase,
      opensAt: iso(opensAt),
      dueAt: iso(dueAt),
      ...(managerDueAt ? { managerDueAt: iso(managerDueAt) } : {}),
      events: taskEvents(dueAt, policy, opensAt),
    });
    at = dueAt;
  }
  const planningEnd = at;
  const startsAt = zonedTime(input.startsOn, 0, timeZone).getTime();
  const windowMs = durationToMs(schedule.checkIns.window);
  const weekPolicy = checkInPolicy(schedule);
  const checkinWeeks = checkInWeeks({ schedule, from: planningEnd, startsOn: input.startsOn, endsOn: input.endsOn, timeZone }).map((w, i) => {
    const opens = Math.max(Date.parse(w.opensAt), planningEnd);
    const due = weekDueAt(Date.parse(w.opensAt), opens, windowMs);
    return { week: i + 1, weekStart: w.weekStart, opensAt: iso(opens), dueAt: iso(due), events: taskEvents(due, weekPolicy, opens) };
  });
  const lastWeekDue = checkinWeeks.length ? Date.parse(checkinWeeks[checkinWeeks.length - 1]!.dueAt) : planningEnd;
  const scoringAt = Math.max(scoringOpensAt(schedule, input.endsOn, timeZone) ?? lastWeekDue, lastWeekDue);
  phases.push({ phase: 'checkins', opensAt: iso(planningEnd), dueAt: iso(scoringAt) });
  const score = scoringDue(schedule, scoringAt);
  phases.push({ phase: 'scoring', opensAt: iso(scoringAt), dueAt: iso(score.dueAt), events: taskEvents(score.selfScoreDueAt, policy, scoringAt) });
  const awards = schedule.awards === false ? null : awardsPlan(schedule, score.dueAt, policy);
  if (awards) phases.push({ phase: 'awards', opensAt: awards.opensAt, dueAt: awards.dueAt });
  return {
    timeZone,
    startsAt: iso(startsAt),
    planningEndsAt: iso(planningEnd),
    planningFits: planningEnd <= startsAt,
    planningLateByMs: Math.max(0, planningEnd - startsAt),
    version,
    phases,
    checkinWeeks,
    scoring: { opensAt: iso(scoringAt), selfScoreDueAt: iso(score.selfScoreDueAt), dueAt: iso(score.dueAt) },
    awards,
  };
}

/** The awards steps (nominate, vote, finalize) from `opensAt`, each a third of the awards phase. */
export function awardsPlan(schedule: Pick<Schedule, 'awards'>, opensAt: number, policy: TaskPolicy): NonNullable<CyclePlan['awards']> {
  const third = awardsStepMs(schedule);
  const steps = AWARDS_STEPS.map((step, i) => {
    const [opens, due] = [opensAt + i * third, opensAt + (i + 1) * third];
    return { step, opensAt: iso(opens), dueAt: iso(due), events: taskEvents(due, policy, opens) };
  });
  return { opensAt: iso(opensAt), dueAt: iso(opensAt + 3 * third), steps };
}

/** A schedule rule a cycle breaks, as a zod custom issue: `params.code` picks its translation. */
export interface PlanIssue {
  code: 'custom';
  path: (string | number)[];
  message: string;
  params: { code: 'schedule.window-too-long'; limit: string } | { code: 'schedule.planning-too-long'; needsMs: number; leftMs: number };
}

/** Rules of the schedule alone: a check-in window may not be longer than the time between check-ins. */
export function scheduleIssues(schedule: Schedule): PlanIssue[] {
  const limit = schedule.checkIns.every ?? '7d';
  let fits: boolean;
  try {
    fits = durationToMs(schedule.checkIns.window) <= durationToMs(limit);
  } catch {
    return []; // a duration that does not parse is the field's own error
  }
  if (fits) return [];
  const message = `must not be longer than the time between two check-ins (${schedule.checkIns.every ? `checkIns.every, ${limit}` : 'a week'})`;
  return [{ code: 'custom', path: ['schedule', 'checkIns', 'window'], message, params: { code: 'schedule.window-too-long', limit } }];
}

/** With `fitBeforeStart`: planning must be due by `startsOn`, counted from `startedAt`. */
export function fitIssues(input: PlanCycleInput): PlanIssue[] {
  if (!input.schedule.fitBeforeStart) return [];
  const plan = planCycle(input);
  if (plan.planningFits) return [];
  const needsMs = Date.parse(plan.planningEndsAt) - Date.parse(input.startedAt);
  const leftMs = Math.max(0, Date.parse(plan.startsAt) - Date.parse(input.startedAt));
  const message = `planning (strategy, drafting and review) takes ${formatSpan(needsMs)} but ${leftMs ? `only ${formatSpan(leftMs)} remain` : 'no time remains'} before startsOn: start earlier, shorten those phases or move startsOn`;
  return [{ code: 'custom', path: ['startsOn'], message, params: { code: 'schedule.planning-too-long', needsMs, leftMs } }];
}

/** Something a started cycle should know about its plan, though nothing refuses it. */
export interface PlanWarning {
  path: string;
  code: 'schedule.planning-late';
  message: string;
  lateByMs: number;
}

/** Without `fitBeforeStart`, planning that cannot be due by startsOn runs anyway: say by how much it ends later. */
export function planWarnings(plan: CyclePlan): PlanWarning[] {
  if (plan.planningFits) return [];
  const span = formatSpan(plan.planningLateByMs);
  return [
    {
      path: 'startsOn',
      code: 'schedule.planning-late',
      message: `planning (strategy, drafting and review) ends ${span} after startsOn: too little time remains before it, so each planning phase opens at once and runs for its full length (set schedule.fitBeforeStart to refuse such a cycle)`,
      lateByMs: plan.planningLateByMs,
    },
  ];
}

/** "6d 4h", "3h 20m", "45s": the two largest units that are not zero. */
export function formatSpan(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  const parts = units.map(([unit, size]) => [Math.floor(ms / size) % (unit === 'd' ? Infinity : unit === 'h' ? 24 : 60), unit] as const).filter(([n]) => n > 0);
  return parts.length
    ? parts
        .slice(0, 2)
        .map(([n, unit]) => `${n}${unit}`)
        .join(' ')
    : '0s';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
