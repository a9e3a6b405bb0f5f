/**
 * The dates of a cycle as today's workflow computes them: each phase opens when the one before it
 * is due (everyone on time), check-ins from the end of the review (every `checkIns.every`, or on the
 * calendar's weekday and hour until `endsOn`). It has the shape of the contract's cycle plan so the
 * preview can switch to the one function the workflow follows.
 */
import { type Phase, type Schedule, durationToMs } from '../contract';
import { mondayOf, zonedTime } from '../activities/notifications';

export interface PlannedPhase {
  phase: Phase;
  opensAt: string;
  dueAt: string;
}

export interface PlannedWeek {
  week: number;
  opensAt: string;
  dueAt: string;
}

export interface CyclePlanShape {
  phases: PlannedPhase[];
  checkinWeeks: PlannedWeek[];
}

export interface PlanInput {
  startsOn: string;
  endsOn: string;
  timeZone: string;
  schedule: Schedule;
  startedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function planFromCurrentSchedule(input: PlanInput): CyclePlanShape {
  const s = input.schedule;
  let at = Date.parse(input.startedAt);
  const phases: PlannedPhase[] = [];
  const add = (phase: Phase, lengthMs: number) => {
    phases.push({ phase, opensAt: iso(at), dueAt: iso(at + lengthMs) });
    at += lengthMs;
  };
  add('strategy', durationToMs(s.strategy));
  add('drafting', durationToMs(s.drafting));
  add('review', durationToMs(s.review));

  const windowMs = durationToMs(s.checkIns.window);
  const opens: number[] = [];
  if (s.checkIns.every) {
    const every = durationToMs(s.checkIns.every);
    for (let w = 0; w < s.checkIns.weeks; w++) opens.push(at + w * every);
  } else {
    const end = zonedTime(input.endsOn, 23, s.timeZone).getTime();
    let monday = mondayOf(new Date(at), s.timeZone);
    for (let guard = 0; guard < 60 && opens.length < 26; guard++) {
      const day = new Date(`${monday}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() + s.checkIns.weekday - 1);
      const opensAt = zonedTime(day.toISOString().slice(0, 10), s.checkIns.hour, s.timeZone).getTime();
      if (opensAt > end) break;
      if (opensAt >= at) opens.push(opensAt);
      day.setUTCDate(day.getUTCDate() - (s.checkIns.weekday - 1) + 7);
      monday = day.toISOString().slice(0, 10);
    }
  }
  const checkinWeeks = opens.map((o, i) => ({ week: i + 1, opensAt: iso(o), dueAt: iso(o + windowMs) }));
  const checkinsEnd = checkinWeeks.length ? Date.parse(checkinWeeks[checkinWeeks.length - 1]!.dueAt) : at;
  phases.push({ phase: 'checkins', opensAt: iso(at), dueAt: iso(checkinsEnd) });
  at = checkinsEnd;
  add('scoring', durationToMs(s.scoring));
  add('awards', durationToMs(s.awards));
  return { phases, checkinWeeks };
}
