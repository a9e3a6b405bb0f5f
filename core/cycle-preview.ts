/**
 * The preview of a whole cycle before it starts: every phase's dates, each check-in week, when
 * reminders and escalations would fire and how many emails go out on each day — computed by the
 * contract's `planCycle`, the calendar the cycle workflow follows. It reads who would
 * take part and writes nothing. Invitations are certain; reminders and escalations are upper
 * bounds (they go only to people who have not completed by then).
 */
import { type Kysely, sql } from 'kysely';
import {
  type CyclePlan,
  type FieldIssue,
  type Phase,
  type Schedule,
  type StepAudience,
  type StartCycleInput,
  type TaskEvents,
  type TaskKind,
  fitIssues,
  planCycle,
  planSteps,
  type PlanWarning,
  planWarnings,
  taskEvents,
  taskPolicy,
  toFieldIssues,
} from '../contract';
import { activePersonIdsByEmail } from '../db/people';
import type { DB } from '../db/schema';
import { validationError } from './errors';

/** Who would get which task: counts only. */
export interface PreviewAudience {
  participants: number;
  executives: number;
  /** Participants who manage other participants. */
  managers: number;
  /** Managers and ambassadors among the participants (they nominate). */
  nominators: number;
  /** The award committee, or HR when there is none. */
  voters: number;
}

export type PreviewEventType = 'invite' | 'reminder' | 'escalation' | 'digest' | 'announcement';

export interface PreviewEvent {
  at: string;
  phase: Phase;
  type: PreviewEventType;
  /** The task kind the email is about (none for a digest or the announcement). */
  kind?: TaskKind;
  /** Check-in week, reminder number or escalation step. */
  week?: number;
  /** Escalations: who is told. */
  to?: 'manager' | 'hr';
  emails: number;
  /** True when the count is a maximum (only to people not done by then). */
  atMost: boolean;
}

export interface CyclePreview {
  timeZone: string;
  /** startsOn at 00:00 in the time zone, and whether planning is due by then. */
  startsAt: string;
  planningFits: boolean;
  /** How long after startsAt planning ends (0 when it fits), and what a start now would warn. */
  planningLateByMs: number;
  warnings: PlanWarning[];
  phases: { phase: Phase; opensAt: string; dueAt: string }[];
  checkinWeeks: { week: number; opensAt: string; dueAt: string }[];
  audience: PreviewAudience;
  events: PreviewEvent[];
  /** Per day in the cycle's time zone: certain emails, and the most that could go out. */
  emailsByDay: { day: string; certain: number; atMost: number }[];
  totals: { certain: number; atMost: number };
}

interface Step {
  phase: Phase;
  kind: TaskKind;
  opensAt: string;
  dueAt: string;
  recipients: number;
  week?: number;
  events: TaskEvents;
}

/** The day (YYYY-MM-DD) of an instant on the wall clock of `timeZone`. */
export function dayIn(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

/** The steps each phase opens (the contract's `planSteps`), with their due events and how many people get each. */
function stepsOf(plan: CyclePlan, schedule: Schedule, a: PreviewAudience): Step[] {
  const policy = taskPolicy(schedule);
  const early = plan.phases.some((p) => p.managerDueAt) ? a.managers : 0;
  const count: Record<StepAudience, number> = { ...a, nonManagers: a.participants - early, hr: 1 };
  return planSteps(plan).flatMap((s) =>
    count[s.audience] > 0
      ? [
          {
            phase: s.phase,
            kind: s.kind,
            opensAt: s.opensAt,
            dueAt: s.dueAt,
            recipients: count[s.audience],
            events: s.events ?? taskEvents(Date.parse(s.dueAt), policy, Date.parse(s.opensAt)),
            ...(s.week ? { week: s.week } : {}),
          },
        ]
      : [],
  );
}

/** The preview from a plan and the audience (pure). */
export function buildPreview(plan: CyclePlan, schedule: Schedule, audience: PreviewAudience): CyclePreview {
  const events: PreviewEvent[] = [];
  for (const s of stepsOf(plan, schedule, audience)) {
    const base = { phase: s.phase, kind: s.kind, ...(s.week ? { week: s.week } : {}) };
    events.push({ ...base, at: s.opensAt, type: 'invite', emails: s.recipients, atMost: false });
    for (const at of s.events.reminders) if (at < s.dueAt) events.push({ ...base, at, type: 'reminder', emails: s.recipients, atMost: true });
    for (const e of s.events.escalations) events.push({ ...base, at: e.at, type: 'escalation', to: e.to, emails: s.recipients, atMost: true });
  }
  for (const w of plan.checkinWeeks) {
    if (audience.managers > 0) events.push({ at: w.dueAt, phase: 'checkins', type: 'digest', week: w.week, emails: audience.managers, atMost: false });
  }
  const awards = plan.phases.find((p) => p.phase === 'awards');
  if (awards) events.push({ at: awards.dueAt, phase: 'awards', type: 'announcement', emails: audience.participants, atMost: false });
  events.sort((x, y) => x.at.localeCompare(y.at));

  const tz = plan.timeZone;
  const days = new Map<string, { certain: number; atMost: number }>();
  for (const e of events) {
    const d = days.get(dayIn(e.at, tz)) ?? { certain: 0, atMost: 0 };
    if (!e.atMost) d.certain += e.emails;
    d.atMost += e.emails;
    days.set(dayIn(e.at, tz), d);
  }
  const emailsByDay = [...days.entries()].map(([day, n]) => ({ day, ...n }));
  return {
    timeZone: tz,
    startsAt: plan.startsAt,
    planningFits: plan.planningFits,
    planningLateByMs: plan.planningLateByMs,
    warnings: planWarnings(plan),
    phases: plan.phases.map(({ phase, opensAt, dueAt }) => ({ phase, opensAt, dueAt })),
    checkinWeeks: plan.checkinWeeks.map(({ week, opensAt, dueAt }) => ({ week, opensAt, dueAt })),
    audience,
    events,
    emailsByDay,
    totals: emailsByDay.reduce((t, d) => ({ certain: t.certain + d.certain, atMost: t.atMost + d.atMost }), { certain: 0, atMost: 0 }),
  };
}

/** Who would take part, counted in one query (participants: everyone active, or these emails). */
export async function previewAudience(db: Kysely<DB>, participants: string[] | undefined): Promise<PreviewAudience> {
  let ids: number[] | undefined;
  if (participants) {
    const found = await activePersonIdsByEmail(db, [...new Set(participants)]);
    const issues: FieldIssue[] = [];
    participants.forEach((e, i) => {
      if (!found.has(e)) issues.push({ path: `participants.${i}`, message: `no active person with email ${e}` });
    });
    if (issues.length) throw validationError(issues.slice(0, 50));
    ids = [...found.values()];
  }
  const inCycle = ids ? sql`p.id = any(${ids}::int[])` : sql`true`;
  const row = await sql<{ participants: string; executives: string; managers: string; nominators: string; committee: string; hr: string }>`
    with part as (select p.id, p.roles from people p where p.active and ${inCycle}),
         mgr as (select distinct r.manager_id as id from people r join part on part.id = r.id where r.manager_id in (select id from part))
    select (select count(*) from part) as participants,
           (select count(*) from people where active and 'executive' = any(roles)) as executives,
           (select count(*) from mgr) as managers,
           (select count(*) from part where part.id in (select id from mgr) or 'ambassador' = any(part.roles)) as nominators,
           (select count(*) from people where active and 'award-committee' = any(roles)) as committee,
           (select count(*) from people where active and 'hr' = any(roles)) as hr`.execute(db);
  const r = row.rows[0]!;
  const committee = Number(r.committee);
  return {
    participants: Number(r.participants),
    executives: Number(r.executives),
    managers: Number(r.managers),
    nominators: Number(r.nominators),
    voters: committee || Number(r.hr),
  };
}

/** The preview of a start request, as if it were started now. Writes nothing. */
export async function previewCycle(db: Kysely<DB>, input: StartCycleInput, now: Date = new Date()): Promise<CyclePreview> {
  const planInput = { startsOn: input.startsOn, endsOn: input.endsOn, schedule: input.schedule, startedAt: now.toISOString() };
  // The same rule as the start: planning HR asked to fit before startsOn must fit.
  const late = fitIssues(planInput);
  if (late.length) throw validationError(toFieldIssues(late));
  const audience = await previewAudience(db, input.participants);
  const plan = planCycle(planInput);
  return buildPreview(plan, input.schedule, audience);
}
