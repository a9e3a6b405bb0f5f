/** The cycle's calendar (contract/plan.ts), without Temporal: what the workflow and the preview follow. */
import { describe, expect, it } from 'vitest';
import {
  checkInWeeks,
  fitIssues,
  formatSpan,
  planCycle,
  planWarnings,
  planningSlots,
  planningTimes,
  scheduleIssues,
  scheduleSchema,
  startCycleSchema,
} from '../../contract';
import { translateIssue } from '../../i18n/validation';
import { fingerprint } from '../../core/cycles';

const schedule = (over: Record<string, unknown> = {}) => scheduleSchema.parse(over);
const DAY = 86_400_000;

describe('planCycle (calendar-v1, cycles started before planning was planned backwards)', () => {
  it('runs planning from the start, check-ins from the week of startsOn to endsOn, scoring at endsOn, awards after', () => {
    const plan = planCycle({
      startsOn: '2027-01-04',
      endsOn: '2027-03-31',
      schedule: schedule({ timeZone: 'Europe/Berlin' }),
      startedAt: '2026-12-01T09:00:00.000Z',
      version: 1,
    });
    expect(plan.phases.map((p) => [p.phase, p.opensAt, p.dueAt])).toEqual([
      ['strategy', '2026-12-01T09:00:00.000Z', '2026-12-06T09:00:00.000Z'],
      ['drafting', '2026-12-06T09:00:00.000Z', '2026-12-13T09:00:00.000Z'],
      ['review', '2026-12-13T09:00:00.000Z', '2026-12-18T09:00:00.000Z'],
      ['checkins', '2026-12-18T09:00:00.000Z', '2027-03-31T08:00:00.000Z'],
      ['scoring', '2027-03-31T08:00:00.000Z', '2027-04-07T08:00:00.000Z'],
      ['awards', '2027-04-07T08:00:00.000Z', '2027-04-16T08:00:00.000Z'],
    ]);
    expect(plan.phases[1]!.managerDueAt).toBe('2026-12-11T09:00:00.000Z');
    expect(plan.planningFits).toBe(true);
    expect(plan.startsAt).toBe('2027-01-03T23:00:00.000Z');
    // Mondays 10:00 in Berlin (09:00Z in winter) from 4 January to 29 March: 13 weeks, none before the quarter.
    expect(plan.checkinWeeks).toHaveLength(13);
    expect(plan.checkinWeeks[0]).toMatchObject({ week: 1, weekStart: '2027-01-04', opensAt: '2027-01-04T09:00:00.000Z', dueAt: '2027-01-06T09:00:00.000Z' });
    expect(plan.checkinWeeks[12]).toMatchObject({ week: 13, weekStart: '2027-03-29', opensAt: '2027-03-29T08:00:00.000Z' });
    expect(plan.scoring).toEqual({
      opensAt: '2027-03-31T08:00:00.000Z',
      selfScoreDueAt: new Date(Date.parse('2027-03-31T08:00:00.000Z') + (14 * DAY) / 3).toISOString(),
      dueAt: '2027-04-07T08:00:00.000Z',
    });
    expect(plan.awards!.steps.map((s) => [s.step, s.opensAt, s.dueAt])).toEqual([
      ['nominate', '2027-04-07T08:00:00.000Z', '2027-04-10T08:00:00.000Z'],
      ['vote', '2027-04-10T08:00:00.000Z', '2027-04-13T08:00:00.000Z'],
      ['finalize', '2027-04-13T08:00:00.000Z', '2027-04-16T08:00:00.000Z'],
    ]);
  });

  it('says when reminders, escalations and expiry fire; a check-in is escalated and closed at its window end', () => {
    const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: schedule(), startedAt: '2026-12-01T00:00:00.000Z', version: 1 });
    expect(plan.phases[0]!.events).toEqual({
      reminders: ['2026-12-03T00:00:00.000Z', '2026-12-05T00:00:00.000Z'],
      escalations: [
        { to: 'manager', at: '2026-12-07T00:00:00.000Z' },
        { to: 'hr', at: '2026-12-08T00:00:00.000Z' },
      ],
      expiresAt: '2026-12-09T00:00:00.000Z',
    });
    // Self-scores are due after two thirds of scoring (its reminders count from then); each awards step has its own.
    expect(plan.phases[4]!.events!.reminders).toEqual([
      new Date(Date.parse(plan.scoring.selfScoreDueAt) - 3 * DAY).toISOString(),
      new Date(Date.parse(plan.scoring.selfScoreDueAt) - DAY).toISOString(),
    ]);
    expect(plan.awards!.steps[1]!.events.escalations[0]).toEqual({ to: 'manager', at: new Date(Date.parse(plan.awards!.steps[1]!.dueAt) + DAY).toISOString() });
    expect(plan.phases[3]!.events).toBeUndefined();
    // A 2-day window: the 3-day reminder would come before the check-in opens, the 1-day one is kept.
    expect(plan.checkinWeeks[0]!.events).toEqual({
      reminders: ['2027-01-05T10:00:00.000Z'],
      escalations: [{ to: 'manager', at: '2027-01-06T10:00:00.000Z' }],
      expiresAt: '2027-01-06T10:00:00.000Z',
    });
  });

  it('in Asia/Shanghai opens each check-in at 10:00 local time, and a week on another weekday', () => {
    const plan = planCycle({
      startsOn: '2027-01-01',
      endsOn: '2027-01-31',
      schedule: schedule({ timeZone: 'Asia/Shanghai', checkIns: { weekday: 3, hour: 10 } }),
      startedAt: '2026-12-01T00:00:00.000Z',
      version: 1,
    });
    // 1 January 2027 is a Friday: its week's Wednesday (30 December) is before the quarter's first day but in its week.
    expect(plan.checkinWeeks.map((w) => w.opensAt)).toEqual([
      '2026-12-30T02:00:00.000Z',
      '2027-01-06T02:00:00.000Z',
      '2027-01-13T02:00:00.000Z',
      '2027-01-20T02:00:00.000Z',
      '2027-01-27T02:00:00.000Z',
    ]);
    expect(plan.checkinWeeks[0]!.weekStart).toBe('2026-12-28');
    expect(plan.scoring.opensAt).toBe('2027-01-31T02:00:00.000Z');
  });

  it('skips the weeks that planning overran and opens scoring at endsOn even so', () => {
    const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-02-28', schedule: schedule(), startedAt: '2027-01-01T00:00:00.000Z' });
    expect(plan.planningFits).toBe(false);
    expect(plan.planningEndsAt).toBe('2027-01-18T00:00:00.000Z');
    expect(plan.checkinWeeks[0]).toMatchObject({ week: 1, opensAt: '2027-01-18T10:00:00.000Z' });
    expect(plan.scoring.opensAt).toBe('2027-02-28T10:00:00.000Z');
  });

  it('compressed: check-ins every `every` from the end of the review, scoring after the last one', () => {
    const s = schedule({ strategy: '30s', drafting: '30s', review: '30s', checkIns: { every: '10s', weeks: 3, window: '5s' }, scoring: '30s', awards: '30s' });
    const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: s, startedAt: '2026-12-01T00:00:00.000Z' });
    expect(plan.checkinWeeks.map((w) => [w.opensAt, w.dueAt])).toEqual([
      ['2026-12-01T00:01:30.000Z', '2026-12-01T00:01:35.000Z'],
      ['2026-12-01T00:01:40.000Z', '2026-12-01T00:01:45.000Z'],
      ['2026-12-01T00:01:50.000Z', '2026-12-01T00:01:55.000Z'],
    ]);
    expect(plan.scoring.opensAt).toBe('2026-12-01T00:01:55.000Z');
    expect(plan.awards!.dueAt).toBe('2026-12-01T00:02:55.000Z');
  });

  it('the workflow asks for the weeks still ahead of it', () => {
    const all = checkInWeeks({ schedule: schedule(), from: 0, startsOn: '2027-01-04', endsOn: '2027-03-31' });
    const later = checkInWeeks({ schedule: schedule(), from: Date.parse('2027-02-01T10:00:00.000Z'), startsOn: '2027-01-04', endsOn: '2027-03-31' });
    expect(all).toHaveLength(13);
    expect(later[0]).toEqual({ opensAt: '2027-02-01T10:00:00.000Z', weekStart: '2027-02-01' });
    expect(later).toEqual(all.slice(4));
  });
});

describe('planCycle (calendar-v2: planning planned backwards from startsOn)', () => {
  it('plans review due at startsOn, drafting before it, strategy before that, in the cycle’s time zone', () => {
    const plan = planCycle({
      startsOn: '2027-01-04',
      endsOn: '2027-03-31',
      schedule: schedule({ timeZone: 'Europe/Berlin' }),
      startedAt: '2026-11-20T09:00:00.000Z',
    });
    expect(plan.version).toBe(2);
    // Midnight in Berlin (23:00Z in winter): review 30 Dec – 4 Jan, drafting 23–30 Dec, strategy 18–23 Dec.
    expect(plan.phases.slice(0, 4).map((p) => [p.phase, p.opensAt, p.dueAt])).toEqual([
      ['strategy', '2026-12-17T23:00:00.000Z', '2026-12-22T23:00:00.000Z'],
      ['drafting', '2026-12-22T23:00:00.000Z', '2026-12-29T23:00:00.000Z'],
      ['review', '2026-12-29T23:00:00.000Z', '2027-01-03T23:00:00.000Z'],
      ['checkins', '2027-01-03T23:00:00.000Z', '2027-03-31T08:00:00.000Z'],
    ]);
    expect(plan.phases[1]!.managerDueAt).toBe('2026-12-27T23:00:00.000Z');
    expect(plan).toMatchObject({ planningFits: true, planningLateByMs: 0, planningEndsAt: '2027-01-03T23:00:00.000Z', startsAt: '2027-01-03T23:00:00.000Z' });
    expect(planWarnings(plan)).toEqual([]);
    // Reminders count back from each phase's own due time, never before it opens.
    expect(plan.phases[0]!.events!.reminders).toEqual(['2026-12-19T23:00:00.000Z', '2026-12-21T23:00:00.000Z']);
    // Check-ins still start on the Monday of startsOn.
    expect(plan.checkinWeeks[0]).toMatchObject({ week: 1, opensAt: '2027-01-04T09:00:00.000Z', dueAt: '2027-01-06T09:00:00.000Z' });
  });

  it('keeps midnight across a DST change: whole days step back calendar days', () => {
    // Berlin leaves summer time on 25 October 2026: strategy opens at local midnight before it, review is due at local midnight after it.
    const plan = planCycle({
      startsOn: '2026-11-02',
      endsOn: '2027-01-29',
      schedule: schedule({ timeZone: 'Europe/Berlin' }),
      startedAt: '2026-09-01T00:00:00.000Z',
    });
    expect(plan.phases.slice(0, 3).map((p) => [p.phase, p.opensAt, p.dueAt])).toEqual([
      ['strategy', '2026-10-15T22:00:00.000Z', '2026-10-20T22:00:00.000Z'],
      ['drafting', '2026-10-20T22:00:00.000Z', '2026-10-27T23:00:00.000Z'],
      ['review', '2026-10-27T23:00:00.000Z', '2026-11-01T23:00:00.000Z'],
    ]);
    // New York enters summer time on 14 March 2027: drafting spans it and is 7 calendar days (an hour short of 168 h).
    const ny = planCycle({
      startsOn: '2027-03-22',
      endsOn: '2027-06-30',
      schedule: schedule({ timeZone: 'America/New_York' }),
      startedAt: '2027-01-01T00:00:00.000Z',
    });
    const drafting = ny.phases[1]!;
    expect([drafting.opensAt, drafting.dueAt]).toEqual(['2027-03-10T05:00:00.000Z', '2027-03-17T04:00:00.000Z']);
    expect(ny.phases[2]!.dueAt).toBe('2027-03-22T04:00:00.000Z');
  });

  it('starts at once for the full lengths when too little time remains, and says by how much planning ends late', () => {
    const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: schedule(), startedAt: '2026-12-28T00:00:00.000Z' });
    expect(plan.phases.slice(0, 3).map((p) => [p.phase, p.opensAt, p.dueAt])).toEqual([
      ['strategy', '2026-12-28T00:00:00.000Z', '2027-01-02T00:00:00.000Z'],
      ['drafting', '2027-01-02T00:00:00.000Z', '2027-01-09T00:00:00.000Z'],
      ['review', '2027-01-09T00:00:00.000Z', '2027-01-14T00:00:00.000Z'],
    ]);
    expect(plan).toMatchObject({ planningFits: false, planningLateByMs: 10 * DAY, planningEndsAt: '2027-01-14T00:00:00.000Z' });
    expect(planWarnings(plan)).toEqual([
      {
        path: 'startsOn',
        code: 'schedule.planning-late',
        lateByMs: 10 * DAY,
        message:
          'planning (strategy, drafting and review) ends 10d after startsOn: too little time remains before it, so each planning phase opens at once and runs for its full length (set schedule.fitBeforeStart to refuse such a cycle)',
      },
    ]);
    // Check-in weeks that planning overran are skipped: the first is the Monday after the review.
    expect(plan.checkinWeeks[0]).toMatchObject({ week: 1, opensAt: '2027-01-18T10:00:00.000Z' });
  });

  it('opens at its planned time when the cycle starts a moment before it (the boundary)', () => {
    const slots = planningSlots(schedule(), '2027-01-04')!;
    expect(slots.strategy).toEqual({ opensAt: '2026-12-18T00:00:00.000Z', dueAt: '2026-12-23T00:00:00.000Z' });
    const s = schedule();
    expect(planningTimes(s, 'strategy', slots.strategy, Date.parse('2026-12-18T00:00:00.000Z'))).toMatchObject({ onTime: true });
    expect(planningTimes(s, 'strategy', slots.strategy, Date.parse('2026-12-18T00:00:01.000Z'))).toEqual({
      opensAt: Date.parse('2026-12-18T00:00:01.000Z'),
      dueAt: Date.parse('2026-12-23T00:00:01.000Z'),
      onTime: false,
    });
  });

  it('compressed schedules (checkIns.every) keep planning back to back from the start', () => {
    const s = schedule({ strategy: '30s', drafting: '30s', review: '30s', checkIns: { every: '10s', weeks: 1, window: '5s' } });
    expect(planningSlots(s, '2027-01-04')).toBeUndefined();
    const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: s, startedAt: '2026-12-01T00:00:00.000Z' });
    expect(plan.phases[0]).toMatchObject({ opensAt: '2026-12-01T00:00:00.000Z', dueAt: '2026-12-01T00:00:30.000Z' });
  });
});

describe('the start request’s fingerprint', () => {
  it('stays the same for a body posted before schedule.planning existed, and differs for at-once', () => {
    const body = startCycleSchema.parse({ key: 'k', title: 'T', startsOn: '2027-01-04', endsOn: '2027-03-31' });
    expect(body.schedule.planning).toBe('before-start');
    const { planning: _default, ...before } = body.schedule;
    expect(fingerprint(body)).toBe(fingerprint({ ...body, schedule: before as typeof body.schedule }));
    expect(fingerprint({ ...body, schedule: { ...body.schedule, planning: 'at-once' } })).not.toBe(fingerprint(body));
  });
});

describe('schedules that cannot fit', () => {
  it('refuses a check-in window longer than the interval, with the field and why, in English and Chinese', () => {
    expect(scheduleIssues(schedule({ checkIns: { window: '7d' } }))).toEqual([]);
    const weekly = scheduleIssues(schedule({ checkIns: { window: '8d' } }));
    expect(weekly.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['schedule.checkIns.window', 'must not be longer than the time between two check-ins (a week)'],
    ]);
    const compressed = startCycleSchema.safeParse({
      key: 'k',
      title: 'T',
      startsOn: '2027-01-04',
      endsOn: '2027-03-31',
      schedule: { checkIns: { every: '10s', window: '20s' } },
    });
    expect(compressed.success).toBe(false);
    const issue = compressed.error!.issues[0]!;
    expect(issue.path).toEqual(['schedule', 'checkIns', 'window']);
    expect(issue.message).toBe('must not be longer than the time between two check-ins (checkIns.every, 10s)');
    expect(translateIssue('zh-CN', issue)).toBe('不能长于两次进展更新之间的间隔（10 秒）');
  });

  it('refuses planning that HR asked to fit before startsOn when it does not, and accepts it otherwise', () => {
    const input = { startsOn: '2027-01-04', endsOn: '2027-03-31', startedAt: '2026-12-28T00:00:00.000Z' };
    expect(fitIssues({ ...input, schedule: schedule() })).toEqual([]);
    const [issue, ...rest] = fitIssues({ ...input, schedule: schedule({ fitBeforeStart: true }) });
    expect(rest).toEqual([]);
    expect(issue!.path).toEqual(['startsOn']);
    expect(issue!.message).toBe(
      'planning (strategy, drafting and review) takes 17d but only 7d remain before startsOn: start earlier, shorten those phases or move startsOn',
    );
    expect(translateIssue('zh-CN', issue!)).toBe('规划阶段（战略、起草和审核）需要 17 天，但距开始日期只剩 7 天：请提前开始、缩短这些阶段或推迟开始日期');
    expect(fitIssues({ ...input, schedule: schedule({ fitBeforeStart: true, strategy: '2d', drafting: '3d', review: '2d' }) })).toEqual([]);
  });

  it('words the advance scope rule in Chinese too', () => {
    expect(
      translateIssue('zh-CN', {
        code: 'custom',
        path: ['scope'],
        message: 'scope "week" is only for phase checkins',
        params: { code: 'advance.week-only-checkins' },
      }),
    ).toBe('只有进展更新阶段可以只结束一周');
  });

  it('formats spans with their two largest units', () => {
    expect([formatSpan(17 * DAY), formatSpan(6 * DAY + 4 * 3600_000 + 60_000), formatSpan(45_000), formatSpan(0)]).toEqual(['17d', '6d 4h', '45s', '0s']);
  });
});
