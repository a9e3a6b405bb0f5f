/**
 * A full quarter on the time-skipping test server, with the real database and a real SMTP server:
 * every phase on the default-length schedule (days), 13 weekly check-ins, reminders, escalations,
 * an expired task, a changes-requested loop, an out-of-office week, HR extending and advancing.
 * Months of cycle time pass in seconds; the test asserts the emails sent and what is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mondayOf } from '../../activities/notifications';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { approvedObjectiveId, openTask, submit, taskJson } from '../support/tasks';
import { startTimeSkipping, untilBatchesIdle } from '../support/time-skipping';

const KEY = 'q1';
const DAY = 86_400_000;
const ORG = [
  { email: 'hana@q.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'eve@q.example', name: 'Eve Exec', roles: ['executive'] },
  { email: 'max@q.example', name: 'Max Manager', managerEmail: 'eve@q.example' },
  { email: 'ann@q.example', name: 'Ann Analyst', managerEmail: 'max@q.example' },
  { email: 'ben@q.example', name: 'Ben Late', managerEmail: 'max@q.example' },
];
const PARTICIPANTS = ['eve@q.example', 'max@q.example', 'ann@q.example', 'ben@q.example'];
const kr = (title: string) => [
  { kind: 'percent', title: `${title} share`, start: 10, target: 40 },
  { kind: 'milestone', title: `${title} shipped` },
];

describe('a quarter in seconds (time-skipping server)', () => {
  let t: TestStack;
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const ts = await startTimeSkipping();
    env = ts.env;
    t = await startTestStack({ database: 'postgres', temporal: ts.access });
  });
  afterAll(async () => {
    await t?.stop();
    await env?.teardown();
  });

  const view = async () =>
    (await (await t.api(`/api/cycles/${KEY}`)).json()) as { state: { status: string; phase: string | null } | null; taskCounts: Record<string, number> };
  const phaseIs = (phase: string | null, status = 'running') =>
    poll(view, (v) => v.state?.phase === phase && v.state?.status === status, 90_000, `phase ${phase}`);
  const virtualNow = async () => Number(await env.currentTimeMs());
  /** Emails of one kind marked sent in the outbox, each also received by the SMTP server. */
  const sentEmails = async (kind: string, to?: string) => {
    let q = t.stack.database.db.selectFrom('emails').select(['to_address', 'message_id', 'data', 'status']).where('kind', '=', kind);
    if (to) q = q.where('to_address', '=', to);
    const rows = await q.execute();
    for (const r of rows) {
      expect(r.status).toBe('sent');
      expect(t.mail.messages().filter((m) => m.messageId === r.message_id)).toHaveLength(1);
    }
    return rows;
  };

  it('runs strategy, drafting, review, 13 check-ins, scoring and awards', { timeout: 300_000 }, async () => {
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: {
        key: KEY,
        title: 'Q1',
        startsOn: '2027-01-01',
        endsOn: '2027-03-31',
        participants: PARTICIPANTS,
        schedule: { checkIns: { every: '7d', weeks: 13, window: '2d' } },
      },
    });
    expect(started.status).toBe(201);

    // Strategy: Eve's company objectives, approved by HR.
    await phaseIs('strategy');
    await submit(await openTask(t, KEY, 'eve@q.example', 'strategy'), { objectives: [{ title: 'Grow in Asia', keyResults: kr('Asia') }] });
    await submit(await openTask(t, KEY, 'hana@q.example', 'strategy-review', { subjectEmail: 'eve@q.example' }), { decision: 'approve' });

    // Drafting (7 days; managers 2 days earlier). Ben never drafts.
    await phaseIs('drafting');
    const company = (await taskJson<{ context: { parents: { id: number }[] } }>(await openTask(t, KEY, 'eve@q.example', 'draft'))).context.parents[0]!.id;
    await submit(await openTask(t, KEY, 'eve@q.example', 'draft'), {
      objectives: [{ title: 'Open Singapore', parentObjectiveId: company, keyResults: kr('SG') }],
    });
    await submit(await openTask(t, KEY, 'max@q.example', 'draft'), {
      objectives: [{ title: 'Staff Singapore', parentObjectiveId: company, keyResults: kr('Staff') }],
    });
    const maxObjective = (
      await taskJson<{ context: { parents: { id: number; title: string }[] } }>(await openTask(t, KEY, 'ann@q.example', 'draft'))
    ).context.parents.find((p) => p.title === 'Staff Singapore')!.id;
    await submit(await openTask(t, KEY, 'ann@q.example', 'draft'), {
      objectives: [{ title: 'Hire the first team', parentObjectiveId: maxObjective, keyResults: kr('Hiring') }],
    });
    const benDraft = await openTask(t, KEY, 'ben@q.example', 'draft');
    // HR extends the drafting phase by two days: Ben's due time moves, and so do his reminders.
    const extendedUntil = new Date(benDraft.dueAt.getTime() + 2 * DAY).toISOString();
    const ext = await t.api(`/api/cycles/${KEY}/extend`, { method: 'POST', json: { phase: 'drafting', until: extendedUntil } });
    expect(ext.status).toBe(200);
    await poll(
      () => t.stack.database.db.selectFrom('tasks').select('due_at').where('id', '=', benDraft.id).executeTakeFirstOrThrow(),
      (r) => new Date(r.due_at).toISOString() === extendedUntil,
      10_000,
      "Ben's new due time",
    );
    // Skip past the due time: reminders (3 days and 1 day before), escalation to Max (1 day
    // after), to HR (2 days after), expiry (3 days after).
    await env.sleep(12 * DAY);
    await phaseIs('review');
    const benTask = await t.stack.database.db
      .selectFrom('tasks')
      .select(['status', 'escalations_sent'])
      .where('id', '=', benDraft.id)
      .executeTakeFirstOrThrow();
    expect(benTask).toEqual({ status: 'expired', escalations_sent: 2 });
    expect(await sentEmails('task-reminder', 'ben@q.example')).toHaveLength(2);
    expect(await sentEmails('task-escalation', 'max@q.example')).toHaveLength(1);
    expect(await sentEmails('task-escalation', 'hana@q.example')).toHaveLength(1);
    for (const e of await sentEmails('task-escalation')) expect(JSON.stringify(e.data)).toContain('Ben Late');

    // Review: Max requests changes from Ann, she redrafts, he approves; Eve approves Max;
    // HR advances the phase instead of reviewing Eve.
    await submit(await openTask(t, KEY, 'max@q.example', 'review', { subjectEmail: 'ann@q.example' }), { decision: 'changes', comment: 'Say how many people' });
    await submit(await openTask(t, KEY, 'ann@q.example', 'draft', { round: 2 }), {
      objectives: [{ title: 'Hire a team of four', parentObjectiveId: maxObjective, keyResults: kr('Hiring') }],
    });
    await submit(await openTask(t, KEY, 'max@q.example', 'review', { subjectEmail: 'ann@q.example', round: 2 }), { decision: 'approve' });
    await submit(await openTask(t, KEY, 'eve@q.example', 'review', { subjectEmail: 'max@q.example' }), { decision: 'approve' });
    await openTask(t, KEY, 'hana@q.example', 'review', { subjectEmail: 'eve@q.example' });
    await untilBatchesIdle(t, KEY);
    expect((await t.api(`/api/cycles/${KEY}/advance`, { method: 'POST', json: { phase: 'review' } })).status).toBe(200);

    // Check-ins: 13 weeks. Ann is out of office in week 3; Max misses week 5.
    await phaseIs('checkins');
    const checkinsStart = await virtualNow();
    // Week 1 opened when the phase did; its task is due two days later.
    const week1 = await openTask(t, KEY, 'eve@q.example', 'checkin', { round: 1 });
    const annAway = mondayOf(new Date(week1.dueAt.getTime() - 2 * DAY + 2 * 7 * DAY), 'UTC');
    expect((await t.api('/api/people/ann@q.example/absences', { method: 'POST', json: { weeks: [annAway] } })).status).toBe(200);
    for (let week = 1; week <= 13; week++) {
      const owners = ['eve@q.example', 'max@q.example', 'ann@q.example'].filter(
        (e) => !(week === 3 && e === 'ann@q.example') && !(week === 5 && e === 'max@q.example'),
      );
      for (const email of owners) {
        const task = await openTask(t, KEY, email, 'checkin', { round: week });
        const page = await taskJson<{ context: { keyResults: { keyResultId: number; kind: string }[] } }>(task);
        await submit(task, {
          keyResults: page.context.keyResults.map((k) =>
            k.kind === 'milestone' ? { keyResultId: k.keyResultId, done: week >= 10 } : { keyResultId: k.keyResultId, value: 10 + week * 2 },
          ),
          confidence: 7,
          report: `Week ${week} done.`,
        });
      }
      if (week === 5) await openTask(t, KEY, 'max@q.example', 'checkin', { round: 5 });
      if (week < 13) await env.sleep(7 * DAY); // week 13 ends as soon as everyone has checked in
    }
    await phaseIs('scoring');
    const checkins = await t.stack.database.db
      .selectFrom('checkins')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(checkins.n)).toBe(13 * 3 - 2);
    const annWeek3 = await t.stack.database.db
      .selectFrom('tasks as t')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .select('t.id')
      .where('p.email', '=', 'ann@q.example')
      .where('t.kind', '=', 'checkin')
      .where('t.round', '=', 3)
      .execute();
    expect(annWeek3).toEqual([]); // out of office: no task that week
    // Max's missed week 5 went to Eve, his manager.
    const toEve = await sentEmails('task-escalation', 'eve@q.example');
    expect(toEve, JSON.stringify(toEve)).toHaveLength(1);
    expect(toEve[0]!.data).toMatchObject({ ownerName: 'Max Manager', taskKind: 'checkin', round: 5 });

    // Scoring: self-scores pre-filled from progress, then calibration.
    for (const email of ['eve@q.example', 'max@q.example', 'ann@q.example']) {
      const task = await openTask(t, KEY, email, 'self-score');
      const page = await taskJson<{ values: { scores: { keyResultId: number; score: number }[] } }>(task);
      expect(page.values.scores.length).toBe(2);
      await submit(task, page.values);
    }
    await submit(await openTask(t, KEY, 'max@q.example', 'calibrate', { subjectEmail: 'ann@q.example' }), {
      scores: (
        await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(
          await openTask(t, KEY, 'max@q.example', 'calibrate', { subjectEmail: 'ann@q.example' }),
        )
      ).context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: 0.8 })),
    });
    await submit(await openTask(t, KEY, 'eve@q.example', 'calibrate', { subjectEmail: 'max@q.example' }), {
      scores: (
        await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(
          await openTask(t, KEY, 'eve@q.example', 'calibrate', { subjectEmail: 'max@q.example' }),
        )
      ).context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: 0.5 })),
    });
    await submit(await openTask(t, KEY, 'hana@q.example', 'calibrate', { subjectEmail: 'eve@q.example' }), {
      scores: (
        await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(
          await openTask(t, KEY, 'hana@q.example', 'calibrate', { subjectEmail: 'eve@q.example' }),
        )
      ).context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: 1 })),
    });
    const scores = (await (await t.api(`/api/cycles/${KEY}/scores`)).json()) as { people: { email: string; score: number | null }[] };
    expect(Object.fromEntries(scores.people.map((p) => [p.email, p.score]))).toEqual({
      'ann@q.example': 0.8,
      'ben@q.example': null,
      'eve@q.example': 1,
      'max@q.example': 0.5,
    });

    // Awards: Eve and Max nominate (managers); no committee, so HR votes and finalises.
    await phaseIs('awards');
    const annObjective = { id: await approvedObjectiveId(t, 'ann@q.example') };
    await submit(await openTask(t, KEY, 'max@q.example', 'nominate'), {
      nominations: [{ objectiveId: annObjective.id, citation: 'Built the Singapore team from zero.' }],
    });
    await submit(await openTask(t, KEY, 'eve@q.example', 'nominate'), { nominations: [] });
    const vote = await openTask(t, KEY, 'hana@q.example', 'vote');
    const nomination = (await taskJson<{ context: { nominations: { nominationId: number }[] } }>(vote)).context.nominations[0]!.nominationId;
    await submit(vote, { nominationIds: [nomination] });
    await submit(await openTask(t, KEY, 'hana@q.example', 'finalize'), { winnerNominationIds: [nomination] });

    await phaseIs(null, 'completed');
    const announced = await t.mail.waitFor(
      (all) => all.filter((m) => m.text.includes('Built the Singapore team from zero.')).length >= PARTICIPANTS.length,
      20_000,
    );
    expect(
      announced
        .filter((m) => m.text.includes('Built the Singapore team from zero.'))
        .map((m) => m.envelopeTo[0])
        .sort(),
    ).toEqual([...PARTICIPANTS].sort());
    const elapsedDays = ((await virtualNow()) - checkinsStart) / DAY;
    expect(elapsedDays).toBeGreaterThan(12 * 7); // 13 weekly check-ins span 12 weeks
    const counts = (await view()).taskCounts;
    expect(counts.open).toBe(0);
  });
});
