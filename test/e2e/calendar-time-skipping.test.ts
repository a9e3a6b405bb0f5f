/**
 * The cycle follows its calendar, on the time-skipping server with the real database and SMTP:
 * planning runs before startsOn (each planning phase opens at its planned date), the check-in weeks open on their Mondays from the week of
 * startsOn to endsOn (not right after the review), scoring opens at endsOn. HR ends one
 * check-in week (not the phase), and advancing awards moves nominate → vote → finalize.
 * Schedules that cannot fit are refused with the field and why, and nothing is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Phase, taskBatchWorkflowId } from '../../contract';
import { recordHistoriesOf } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit, taskJson } from '../support/tasks';
import { startTimeSkipping, untilBatchesIdle } from '../support/time-skipping';
import { consoleFetch, signInAs } from '../support/console';
import { formatDue } from '../../mail/templates/format';

const KEY = 'cal';
const DAY = 86_400_000;
const ORG = [
  { email: 'hana@cal.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'eve@cal.example', name: 'Eve Exec', roles: ['executive'] },
  { email: 'ann@cal.example', name: 'Ann Analyst', managerEmail: 'eve@cal.example' },
];
const PARTICIPANTS = ['eve@cal.example', 'ann@cal.example'];
const kr = (title: string) => [
  { kind: 'milestone', title: `${title} shipped` },
  { kind: 'milestone', title: `${title} announced` },
];
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Control = { phase: string | null; status: string; next?: { phase: string | null; step?: string; week?: number; opensAt?: string } };
type View = {
  state: { status: string; phase: string | null; phases: { phase: string; openedAt: string | null; closedAt: string | null; round?: number }[] } | null;
};

describe('the cycle follows its calendar (time-skipping server)', () => {
  let t: TestStack;
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const ts = await startTimeSkipping();
    env = ts.env;
    t = await startTestStack({ database: 'postgres', temporal: ts.access });
  });
  afterAll(async () => {
    const batches: [Phase, number][] = [
      ['strategy', 1],
      ['drafting', 1],
      ['review', 1],
      ...[1, 2, 3, 4].map((w): [Phase, number] => ['checkins', w]),
      ['scoring', 1],
      ...[1, 2, 3].map((s): [Phase, number] => ['awards', s]),
    ];
    if (t) await recordHistoriesOf(t.temporal.client, [`okr-cycle:${KEY}`, ...batches.map(([p, r]) => taskBatchWorkflowId(KEY, p, r, 0))], 'calendar');
    await t?.stop();
    await env?.teardown();
  });

  const view = async () => (await (await t.api(`/api/cycles/${KEY}`)).json()) as View;
  const phaseIs = (phase: string | null, status = 'running') =>
    poll(view, (v) => v.state?.phase === phase && v.state?.status === status, 90_000, `phase ${phase}`);
  const virtualNow = async () => Number(await env.currentTimeMs());
  const advance = async (json: Record<string, unknown>, expected = 200) => {
    await untilBatchesIdle(t, KEY);
    const res = await t.api(`/api/cycles/${KEY}/advance`, { method: 'POST', json });
    const body = (await res.json()) as Control & { error?: { code: string; message: string } };
    expect(res.status, JSON.stringify(body)).toBe(expected);
    return body;
  };
  const tasksOf = (kind: string) =>
    t.stack.database.db
      .selectFrom('tasks as t')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .select(['t.round', 't.status', 't.due_at', 'p.email'])
      .where('t.kind', '=', kind as never)
      .orderBy('t.round')
      .orderBy('p.email')
      .execute();
  /** Sleeps virtual time in steps of at most a week, so every timer on the way fires in order. */
  const sleepUntil = async (at: number) => {
    for (let now = await virtualNow(); now < at; now = await virtualNow()) await env.sleep(Math.min(7 * DAY, at - now));
  };

  it('refuses schedules that cannot fit, naming the field, and creates nothing', async () => {
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const now = await virtualNow();
    const tooLong = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'bad-window', title: 'Bad', startsOn: isoDate(now + 30 * DAY), endsOn: isoDate(now + 120 * DAY), schedule: { checkIns: { window: '8d' } } },
    });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { details: { issues: unknown[] } } }).error.details.issues).toEqual([
      { path: 'schedule.checkIns.window', message: 'must not be longer than the time between two check-ins (a week)' },
    ]);
    const late = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'bad-fit', title: 'Late', startsOn: isoDate(now + 6 * DAY), endsOn: isoDate(now + 90 * DAY), schedule: { fitBeforeStart: true } },
    });
    expect(late.status).toBe(400);
    const issues = ((await late.json()) as { error: { details: { issues: { path: string; message: string }[] } } }).error.details.issues;
    expect(issues.map((i) => i.path)).toEqual(['startsOn']);
    expect(issues[0]!.message).toMatch(/^planning \(strategy, drafting and review\) takes 17d but only \d+d( \d+h)? remain before startsOn/);
    expect((await t.api('/api/cycles/bad-window')).status).toBe(404);
    // The OpenAPI document says how to end one week and what an advance opens next.
    const doc = (await (await fetch(`${t.base}/openapi.json`)).json()) as {
      paths: Record<
        string,
        {
          post: {
            requestBody: { content: Record<string, { schema: { properties: Record<string, { enum?: string[] }> } }> };
            responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }>;
          };
        }
      >;
    };
    const advanceDoc = doc.paths['/api/cycles/{key}/advance']!.post;
    expect(advanceDoc.requestBody.content['application/json']!.schema.properties.scope!.enum).toEqual(['phase', 'week']);
    expect(Object.keys(advanceDoc.responses['200']!.content['application/json']!.schema.properties)).toContain('next');
    expect((await t.api('/api/cycles/bad-fit')).status).toBe(404);
  });

  it('runs check-ins from the week of startsOn to endsOn, ends one week, opens scoring at endsOn, steps through awards', { timeout: 300_000 }, async () => {
    // A quarter that starts on the Monday at least three weeks away and holds four Mondays.
    const now = await virtualNow();
    const monday = now + 21 * DAY + ((8 - new Date(now + 21 * DAY).getUTCDay()) % 7) * DAY;
    const startsOn = isoDate(monday);
    const endsOn = isoDate(monday + 24 * DAY);
    const weekOpens = (w: number) => Date.parse(`${startsOn}T10:00:00Z`) + (w - 1) * 7 * DAY;
    const scoringAt = Date.parse(`${endsOn}T10:00:00Z`);
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: KEY, title: 'Calendar', startsOn, endsOn, participants: PARTICIPANTS, schedule: { fitBeforeStart: true } },
    });
    expect(started.status).toBe(201);

    // Planning, planned backwards from startsOn: each phase opens at its date and is done at once by everyone.
    const planned = (daysBefore: number) => Date.parse(`${startsOn}T00:00:00Z`) - daysBefore * DAY;
    await phaseIs('strategy');
    await sleepUntil(planned(17) + 60_000);
    await submit(await openTask(t, KEY, 'eve@cal.example', 'strategy'), { objectives: [{ title: 'Grow', keyResults: kr('Growth') }] });
    await submit(await openTask(t, KEY, 'hana@cal.example', 'strategy-review', { subjectEmail: 'eve@cal.example' }), { decision: 'approve' });
    await phaseIs('drafting');
    await sleepUntil(planned(12) + 60_000);
    const company = (await taskJson<{ context: { parents: { id: number }[] } }>(await openTask(t, KEY, 'eve@cal.example', 'draft'))).context.parents[0]!.id;
    await submit(await openTask(t, KEY, 'eve@cal.example', 'draft'), {
      objectives: [{ title: 'Open Lisbon', parentObjectiveId: company, keyResults: kr('Lisbon') }],
    });
    await submit(await openTask(t, KEY, 'ann@cal.example', 'draft'), {
      objectives: [{ title: 'Hire for Lisbon', parentObjectiveId: company, keyResults: kr('Hiring') }],
    });
    await phaseIs('review');
    await sleepUntil(planned(5) + 60_000);
    await submit(await openTask(t, KEY, 'hana@cal.example', 'review', { subjectEmail: 'eve@cal.example' }), { decision: 'approve' });
    await submit(await openTask(t, KEY, 'eve@cal.example', 'review', { subjectEmail: 'ann@cal.example' }), { decision: 'approve' });

    // The check-in phase waits for the week of startsOn: no check-in yet, and no week to end.
    await phaseIs('checkins');
    expect(await virtualNow()).toBeLessThan(weekOpens(1) - 4 * DAY);
    expect(await tasksOf('checkin')).toEqual([]);
    expect((await advance({ phase: 'checkins', scope: 'week' }, 409)).error!.message).toBe('no check-in week is open now');
    expect((await advance({ phase: 'drafting', scope: 'week' }, 400)).error!.code).toBe('VALIDATION_FAILED');

    // Week 1 opens on startsOn (a Monday) at 10:00, due two days later.
    await sleepUntil(weekOpens(1) + 60_000);
    const week1 = await openTask(t, KEY, 'ann@cal.example', 'checkin', { round: 1 });
    expect(week1.dueAt.toISOString()).toBe(new Date(weekOpens(1) + 2 * DAY).toISOString());

    // HR ends week 1 only: its tasks expire, the phase stays, week 2 opens on its day.
    const ended = await advance({ phase: 'checkins', scope: 'week' });
    expect(ended).toEqual({ phase: 'checkins', status: 'running', next: { phase: 'checkins', week: 2, opensAt: new Date(weekOpens(2)).toISOString() } });
    await poll(
      () => tasksOf('checkin'),
      (rows) => rows.length === 2 && rows.every((r) => r.status === 'expired'),
      20_000,
      'week 1 expired',
    );
    expect((await advance({ phase: 'checkins', scope: 'week' }, 409)).error!.message).toBe('no check-in week is open now');
    expect((await view()).state?.phase).toBe('checkins');

    // Week 2: Ann checks in; weeks 3 and 4 pass unanswered. Scoring waits for endsOn, not the last week.
    await sleepUntil(weekOpens(2) + 60_000);
    const week2 = await openTask(t, KEY, 'ann@cal.example', 'checkin', { round: 2 });
    const page = await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(week2);
    await submit(week2, {
      keyResults: page.context.keyResults.map((k) => ({ keyResultId: k.keyResultId, done: false })),
      confidence: 6,
      report: 'Two interviews this week.',
    });

    // HR ends week 2 from the console: the confirmation says what happens; Eve's open check-in
    // expires, Ann's answer stays; the phase goes on and week 3 opens at its planned time.
    const hr = await signInAs(t, 'hana@cal.example');
    const confirm = await consoleFetch(t, hr, `/console/cycles/${KEY}/confirm/end-week`);
    expect(confirm.status).toBe(200);
    const says = await confirm.text();
    expect(says).toContain('End check-in week 2 now');
    expect(says).toContain('its 1 open check-ins expire');
    expect(says).toContain(`week 3 opens as planned, ${formatDue(new Date(weekOpens(3)).toISOString(), 'en', 'UTC')}`);
    await untilBatchesIdle(t, KEY);
    const endWeek2 = await consoleFetch(t, hr, `/console/cycles/${KEY}/end-week`, { method: 'POST', form: { phase: 'checkins' } });
    expect(endWeek2.status).toBe(303);
    expect(endWeek2.headers.get('location')).toContain('done=control');
    await poll(
      () => tasksOf('checkin'),
      (rows) => rows.filter((r) => r.round === 2).every((r) => r.status !== 'open'),
      20_000,
      'week 2 ended',
    );
    expect((await view()).state?.phase).toBe('checkins');
    expect(await tasksOf('checkin').then((rows) => rows.filter((r) => r.round === 3))).toEqual([]);
    await sleepUntil(weekOpens(3) + 60_000);
    const week3 = await openTask(t, KEY, 'ann@cal.example', 'checkin', { round: 3 });
    expect(week3.dueAt.toISOString()).toBe(new Date(weekOpens(3) + 2 * DAY).toISOString());

    await sleepUntil(weekOpens(4) + 2 * DAY + 3_600_000); // week 4 has closed; endsOn is a day later
    expect((await view()).state?.phase).toBe('checkins');
    await sleepUntil(scoringAt + 60_000);
    const scoring = await phaseIs('scoring');
    const phases = Object.fromEntries(scoring.state!.phases.map((p) => [p.phase, p]));
    expect(Date.parse(phases.scoring!.openedAt!)).toBeGreaterThanOrEqual(scoringAt);
    expect(Date.parse(phases.checkins!.closedAt!)).toBeGreaterThanOrEqual(scoringAt);
    const checkins = await tasksOf('checkin');
    expect(checkins.map((r) => [r.round, r.email, r.status])).toEqual([
      [1, 'ann@cal.example', 'expired'],
      [1, 'eve@cal.example', 'expired'],
      [2, 'ann@cal.example', 'completed'],
      [2, 'eve@cal.example', 'expired'],
      [3, 'ann@cal.example', 'expired'],
      [3, 'eve@cal.example', 'expired'],
      [4, 'ann@cal.example', 'expired'],
      [4, 'eve@cal.example', 'expired'],
    ]);
    // No check-in before the quarter's first week.
    for (const r of checkins) expect(new Date(r.due_at).getTime()).toBeGreaterThanOrEqual(weekOpens(1) + 2 * DAY);

    // Awards, one step per advance: nominate → vote → finalize → the end.
    expect(await advance({ phase: 'scoring' })).toMatchObject({ next: { phase: 'awards' } });
    await phaseIs('awards');
    await openTask(t, KEY, 'eve@cal.example', 'nominate'); // the only nominator: her answer would end the step by itself
    expect(await advance({ phase: 'awards' })).toMatchObject({ phase: 'awards', next: { phase: 'awards', step: 'vote' } });
    await openTask(t, KEY, 'hana@cal.example', 'vote');
    expect((await tasksOf('nominate')).map((r) => r.status)).toEqual(['expired']);
    expect((await view()).state?.phase).toBe('awards');
    expect(await advance({ phase: 'awards' })).toMatchObject({ next: { phase: 'awards', step: 'finalize' } });
    await openTask(t, KEY, 'hana@cal.example', 'finalize');
    expect((await tasksOf('vote')).map((r) => r.status)).toEqual(['expired']);
    expect(await advance({ phase: 'awards' })).toMatchObject({ next: { phase: null } });
    const done = await phaseIs(null, 'completed');
    expect(done.state!.phases.find((p) => p.phase === 'awards')!.round).toBe(3);
    expect((await tasksOf('finalize')).map((r) => r.status)).toEqual(['expired']);
  });
});
