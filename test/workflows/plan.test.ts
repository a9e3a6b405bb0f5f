/** The cycle's calendar (contract/plan.ts), without Temporal: what the workflow and the preview follow. */
import { describe, expect, it } from 'vitest';
import { checkInWeeks, fitIssues, formatSpan, planCycle, scheduleIssues, scheduleSchema, startCycleSchema } from '../../contract';
import { translateIssue } from '../../i18n/validation';

const schedule = (over: Record<string, unknown> = {}) => scheduleSchema.parse(over);
const DAY = 86_400_000;

describe('planCycle', () => {
  it('runs planning from the start, check-ins from the week of startsOn to endsOn, scoring at endsOn, awards after', () => {
    const plan = planCycle({
      startsOn: '2027-01-04',
      endsOn: '2027-03-31',
      schedule: schedule({ timeZone: 'Europe/Berlin' }),
      startedAt: '2026-12-01T09:00:00.000Z',
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
    expect(plan.awards.steps.map((s) => [s.step, s.opensAt, s.dueAt])).toEqual([
      ['nominate', '2027-04-07T08:00:00.000Z', '2027-04-10T08:00:00.000Z'],
      ['vote', '2027-04-10T08:00:00.000Z', '2027-04-13T08:00:00.000Z'],
      ['finalize', '2027-04-13T08:00:00.000Z', '2027-04-16T08:00:00.000Z'],
    ]);
  });

  it('says when reminders, escalations and expiry fire; a check-in is escalated and closed at its window end', () => {
    const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: schedule(), startedAt: '2026-12-01T00:00:00.000Z' });
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
    expect(plan.awards.steps[1]!.events.escalations[0]).toEqual({ to: 'manager', at: new Date(Date.parse(plan.awards.steps[1]!.dueAt) + DAY).toISOString() });
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
    expect(plan.awards.dueAt).toBe('2026-12-01T00:02:55.000Z');
  });

  it('the workflow asks for the weeks still ahead of it', () => {
    const all = checkInWeeks({ schedule: schedule(), from: 0, startsOn: '2027-01-04', endsOn: '2027-03-31' });
    const later = checkInWeeks({ schedule: schedule(), from: Date.parse('2027-02-01T10:00:00.000Z'), startsOn: '2027-01-04', endsOn: '2027-03-31' });
    expect(all).toHaveLength(13);
    expect(later[0]).toEqual({ opensAt: '2027-02-01T10:00:00.000Z', weekStart: '2027-02-01' });
    expect(later).toEqual(all.slice(4));
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
