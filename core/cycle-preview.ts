/**
 * The preview of a whole cycle before it starts: every phase's dates, each check-in week, when
 * reminders and escalations would fire and how many emails go out on each day. It reads who would
 * take part and writes nothing. Invitations are certain; reminders and escalations are upper
 * bounds (they go only to people who have not completed by then).
 */
import { type Kysely, sql } from 'kysely';
import { type FieldIssue, type Phase, type Schedule, type StartCycleInput, type TaskKind, durationToMs } from '../contract';
import { activePersonIdsByEmail } from '../db/people';
import type { DB } from '../db/schema';
import { type CyclePlanShape, planFromCurrentSchedule } from './cycle-plan-interim';
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
  phases: { phase: Phase; opensAt: string; dueAt: string }[];
  checkinWeeks: { week: number; opensAt: string; dueAt: string }[];
  audience: PreviewAudience;
  events: PreviewEvent[];
  /** Per day in the cycle's time zone: certain emails, and the most that could go out. */
  emailsByDay: { day: string; certain: number; atMost: number }[];
  totals: { certain: number; atMost: number };
  /** Which code computed the dates. */
  planner: 'workflow schedule';
}

interface Step {
  phase: Phase;
  kind: TaskKind;
  opensAt: number;
  dueAt: number;
  recipients: number;
  week?: number;
  reminders: number[];
  escalations: { after: number; to: 'manager' | 'hr' }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The day (YYYY-MM-DD) of an instant on the wall clock of `timeZone`. */
export function dayIn(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

/** The steps each phase opens, with their dates and how many people get each. */
function stepsOf(plan: CyclePlanShape, schedule: Schedule, a: PreviewAudience): Step[] {
  const reminders = schedule.reminders.map(durationToMs);
  const escalations = schedule.escalations.map((e) => ({ after: durationToMs(e.after), to: e.to }));
  const steps: Step[] = [];
  const phase = (p: Phase) => plan.phases.find((x) => x.phase === p);
  const add = (p: Phase, kind: TaskKind, opensAt: number, dueAt: number, recipients: number, extra: Partial<Step> = {}) => {
    if (recipients > 0) steps.push({ phase: p, kind, opensAt, dueAt, recipients, reminders, escalations, ...extra });
  };
  const strategy = phase('strategy');
  if (strategy) add('strategy', 'strategy', Date.parse(strategy.opensAt), Date.parse(strategy.dueAt), a.executives);
  const drafting = phase('drafting');
  if (drafting) {
    const opens = Date.parse(drafting.opensAt);
    const due = Date.parse(drafting.dueAt);
    const managerDue = due - durationToMs(schedule.managerLead);
    const early = managerDue > opens ? a.managers : 0;
    add('drafting', 'draft', opens, managerDue, early);
    add('drafting', 'draft', opens, due, a.participants - early);
  }
  const review = phase('review');
  if (review) add('review', 'review', Date.parse(review.opensAt), Date.parse(review.dueAt), a.participants);
  const windowMs = durationToMs(schedule.checkIns.window);
  for (const w of plan.checkinWeeks) {
    add('checkins', 'checkin', Date.parse(w.opensAt), Date.parse(w.dueAt), a.participants, {
      week: w.week,
      reminders: reminders.filter((r) => r < windowMs),
      escalations: [{ after: 0, to: 'manager' }],
    });
  }
  const scoring = phase('scoring');
  if (scoring) {
    const opens = Date.parse(scoring.opensAt);
    const end = Date.parse(scoring.dueAt);
    const selfDue = opens + Math.round(((end - opens) * 2) / 3);
    add('scoring', 'self-score', opens, selfDue, a.participants);
    // Calibrations open as self-scores arrive; at the latest when self-scores are due.
    add('scoring', 'calibrate', selfDue, end, a.participants);
  }
  const awards = phase('awards');
  if (awards) {
    const opens = Date.parse(awards.opensAt);
    const third = Math.round((Date.parse(awards.dueAt) - opens) / 3);
    add('awards', 'nominate', opens, opens + third, a.nominators);
    add('awards', 'vote', opens + third, opens + 2 * third, a.voters);
    add('awards', 'finalize', opens + 2 * third, opens + 3 * third, 1);
  }
  return steps;
}

/** The preview from a plan and the audience (pure). */
export function buildPreview(plan: CyclePlanShape, schedule: Schedule, audience: PreviewAudience): CyclePreview {
  const events: PreviewEvent[] = [];
  for (const s of stepsOf(plan, schedule, audience)) {
    const base = { phase: s.phase, kind: s.kind, ...(s.week ? { week: s.week } : {}) };
    events.push({ ...base, at: iso(s.opensAt), type: 'invite', emails: s.recipients, atMost: false });
    for (const r of s.reminders) {
      const at = s.dueAt - r;
      if (at > s.opensAt && at < s.dueAt) events.push({ ...base, at: iso(at), type: 'reminder', emails: s.recipients, atMost: true });
    }
    for (const e of s.escalations) events.push({ ...base, at: iso(s.dueAt + e.after), type: 'escalation', to: e.to, emails: s.recipients, atMost: true });
  }
  for (const w of plan.checkinWeeks) {
    if (audience.managers > 0) events.push({ at: w.dueAt, phase: 'checkins', type: 'digest', week: w.week, emails: audience.managers, atMost: false });
  }
  const awards = plan.phases.find((p) => p.phase === 'awards');
  if (awards) events.push({ at: awards.dueAt, phase: 'awards', type: 'announcement', emails: audience.participants, atMost: false });
  events.sort((x, y) => x.at.localeCompare(y.at));

  const tz = schedule.timeZone;
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
    phases: plan.phases.map(({ phase, opensAt, dueAt }) => ({ phase, opensAt, dueAt })),
    checkinWeeks: plan.checkinWeeks.map(({ week, opensAt, dueAt }) => ({ week, opensAt, dueAt })),
    audience,
    events,
    emailsByDay,
    totals: emailsByDay.reduce((t, d) => ({ certain: t.certain + d.certain, atMost: t.atMost + d.atMost }), { certain: 0, atMost: 0 }),
    planner: 'workflow schedule',
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
  const audience = await previewAudience(db, input.participants);
  const plan = planFromCurrentSchedule({ startsOn: input.startsOn, endsOn: input.endsOn, timeZone: input.schedule.timeZone, schedule: input.schedule, startedAt: now.toISOString() });
  return buildPreview(plan, input.schedule, audience);
}
