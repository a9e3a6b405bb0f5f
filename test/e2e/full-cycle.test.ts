/**
 * A whole cycle for a 6-person org on the dev server, compressed to seconds, through HTTP and
 * real SMTP: strategy with a changes-requested round, drafting aligned to it, reviews with a
 * changes-requested loop, weekly check-ins with a missed one and an HR advance, scoring with
 * calibration, nominations, votes, HR's final choice and the announcement to everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { recordHistories } from '../support/histories';
import { approvedObjectiveId, openTask, submit, taskJson } from '../support/tasks';

const KEY = 'full';
const ORG = [
  { email: 'hana@org.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'eve@org.example', name: 'Eve CEO', roles: ['executive', 'manager'] },
  { email: 'max@org.example', name: 'Max Manager', managerEmail: 'eve@org.example', roles: ['manager'] },
  { email: 'ann@org.example', name: 'Ann Analyst', managerEmail: 'max@org.example' },
  { email: 'ben@org.example', name: 'Ben Builder', managerEmail: 'max@org.example', roles: ['ambassador'] },
  { email: 'cat@org.example', name: 'Cat Committee', managerEmail: 'eve@org.example', roles: ['award-committee'] },
];
const PARTICIPANTS = ORG.filter((p) => p.email !== 'hana@org.example').map((p) => p.email);

const kr = (title: string) => [
  { kind: 'numeric', title: `${title} count`, start: 0, target: 10, unit: 'deals' },
  { kind: 'milestone', title: `${title} launched` },
];

describe('the whole cycle on the dev server', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
  });
  afterAll(async () => {
    await recordHistories(t.temporal.client, `okr-cycle:${KEY}`, 'full-cycle');
    await t?.stop();
  });

  const cycle = async () =>
    (await (await t.api(`/api/cycles/${KEY}`)).json()) as {
      status: string;
      state: { status: string; phase: string | null } | null;
      taskCounts: Record<string, number>;
    };
  const phaseIs = (phase: string) => poll(cycle, (v) => v.state?.phase === phase, 30_000, `phase ${phase}`);

  it('runs all six phases and announces the winners', { timeout: 240_000 }, async () => {
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const schedule = {
      strategy: '40s',
      drafting: '40s',
      managerLead: '10s',
      review: '40s',
      checkIns: { every: '8s', weeks: 2, window: '6s' },
      scoring: '45s',
      awards: '60s',
      reminders: [],
      escalations: [{ after: '0s', to: 'manager' }],
      expireAfter: '1s',
    };
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: KEY, title: 'FY27 Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', participants: PARTICIPANTS, schedule },
    });
    expect(started.status).toBe(201);

    // 1. Strategy: Eve drafts, HR asks for changes, Eve redrafts, HR approves.
    await phaseIs('strategy');
    const strategy1 = await openTask(t, KEY, 'eve@org.example', 'strategy');
    await submit(strategy1, { objectives: [{ title: 'Win the mid-market', keyResults: kr('Mid-market') }] });
    const hrReview1 = await openTask(t, KEY, 'hana@org.example', 'strategy-review', { subjectEmail: 'eve@org.example' });
    await submit(hrReview1, { decision: 'changes', comment: 'Add a retention objective' });
    const strategy2 = await openTask(t, KEY, 'eve@org.example', 'strategy', { round: 2 });
    const strategy2Page = await taskJson<{ context: { notes: string[] }; values: { objectives: unknown[] } }>(strategy2);
    expect(strategy2Page.context.notes.join(' ')).toContain('Add a retention objective');
    await submit(strategy2, {
      objectives: [
        { title: 'Win the mid-market', keyResults: kr('Mid-market') },
        { title: 'Keep our customers', keyResults: kr('Retention') },
      ],
    });
    const hrReview2 = await openTask(t, KEY, 'hana@org.example', 'strategy-review', { subjectEmail: 'eve@org.example', round: 2 });
    await submit(hrReview2, { decision: 'approve' });

    // 2. Drafting: managers first (due earlier), reports align to their manager's objectives.
    await phaseIs('drafting');
    const eveDraft = await openTask(t, KEY, 'eve@org.example', 'draft');
    const annDraftEarly = await openTask(t, KEY, 'ann@org.example', 'draft');
    expect(eveDraft.dueAt.getTime()).toBeLessThan(annDraftEarly.dueAt.getTime());
    const company = (await taskJson<{ context: { parents: { id: number; title: string; owner: string }[] } }>(eveDraft)).context.parents;
    expect(company.map((p) => p.title)).toEqual(['Win the mid-market', 'Keep our customers']);
    await submit(eveDraft, { objectives: [{ title: 'Lead the mid-market push', parentObjectiveId: company[0]!.id, keyResults: kr('CEO') }] });
    const maxDraft = await openTask(t, KEY, 'max@org.example', 'draft');
    await submit(maxDraft, { objectives: [{ title: 'Build the mid-market team', parentObjectiveId: company[0]!.id, keyResults: kr('Team') }] });
    const catDraft = await openTask(t, KEY, 'cat@org.example', 'draft');
    await submit(catDraft, { objectives: [{ title: 'Halve churn', parentObjectiveId: company[1]!.id, keyResults: kr('Churn') }] });
    const maxParents = (await taskJson<{ context: { parents: { id: number; title: string }[] } }>(annDraftEarly)).context.parents;
    const teamObjective = maxParents.find((p) => p.title === 'Build the mid-market team')!;
    expect(teamObjective).toBeDefined();
    await submit(annDraftEarly, { objectives: [{ title: 'Hire two reps', parentObjectiveId: teamObjective.id, keyResults: kr('Hiring') }] });
    const benDraft = await openTask(t, KEY, 'ben@org.example', 'draft');
    // HR extends Ben's task; the new due time is recorded.
    const until = new Date(Date.now() + 30_000).toISOString();
    const extended = await t.api(`/api/cycles/${KEY}/tasks/${benDraft.id}/extend`, { method: 'POST', json: { until } });
    expect(extended.status).toBe(200);
    await poll(
      () => t.stack.database.db.selectFrom('tasks').select('due_at').where('id', '=', benDraft.id).executeTakeFirstOrThrow(),
      (r) => new Date(r.due_at).toISOString() === until,
      10_000,
      "Ben's extended due time",
    );
    await submit(benDraft, { objectives: [{ title: 'Ship the mid-market plan', parentObjectiveId: teamObjective.id, keyResults: kr('Plan') }] });

    // 3. Alignment review: Max asks Ann for changes, she redrafts, he approves; HR reviews Eve.
    await phaseIs('review');
    await submit(await openTask(t, KEY, 'max@org.example', 'review', { subjectEmail: 'ann@org.example' }), {
      decision: 'changes',
      comment: 'Make the hiring target measurable by month',
    });
    const annRedraft = await openTask(t, KEY, 'ann@org.example', 'draft', { round: 2 });
    const annPage = await taskJson<{ context: { notes: string[] }; values: { objectives: { title: string }[] } }>(annRedraft);
    expect(annPage.context.notes.join(' ')).toContain('Make the hiring target measurable by month');
    expect(annPage.values.objectives[0]!.title).toBe('Hire two reps');
    await submit(annRedraft, { objectives: [{ title: 'Hire two reps by February', parentObjectiveId: teamObjective.id, keyResults: kr('Hiring') }] });
    await submit(await openTask(t, KEY, 'max@org.example', 'review', { subjectEmail: 'ann@org.example', round: 2 }), { decision: 'approve' });
    await submit(await openTask(t, KEY, 'max@org.example', 'review', { subjectEmail: 'ben@org.example' }), { decision: 'approve' });
    await submit(await openTask(t, KEY, 'eve@org.example', 'review', { subjectEmail: 'max@org.example' }), { decision: 'approve' });
    await submit(await openTask(t, KEY, 'eve@org.example', 'review', { subjectEmail: 'cat@org.example' }), { decision: 'approve' });
    await submit(await openTask(t, KEY, 'hana@org.example', 'review', { subjectEmail: 'eve@org.example' }), { decision: 'approve' });
    const alignment = (await (await t.api(`/api/cycles/${KEY}/alignment`)).json()) as { coverage: number; notApproved: unknown[] };
    expect(alignment).toMatchObject({ coverage: 1, notApproved: [] });

    // 4. Check-ins: week 1 — everyone but Ben; his missed check-in goes to Max.
    await phaseIs('checkins');
    for (const email of ['eve@org.example', 'max@org.example', 'ann@org.example', 'cat@org.example']) {
      const task = await openTask(t, KEY, email, 'checkin', { round: 1 });
      const page = await taskJson<{ context: { keyResults: { keyResultId: number; kind: string }[] } }>(task);
      await submit(task, {
        keyResults: page.context.keyResults.map((k) =>
          k.kind === 'milestone' ? { keyResultId: k.keyResultId, done: true } : { keyResultId: k.keyResultId, value: 7 },
        ),
        confidence: email === 'ann@org.example' ? 3 : 8,
        items: [{ keyResultId: page.context.keyResults[0]!.keyResultId, kind: 'project', title: 'Weekly pipeline review' }],
        report: 'Good week.',
      });
    }
    const missed = await t.mail.waitFor((all) => all.some((m) => m.envelopeTo[0] === 'max@org.example' && m.text.includes('Ben Builder')), 30_000);
    expect(missed.length).toBeGreaterThan(0);
    // After the week, each manager gets a digest: who checked in, who did not, low confidence.
    const digest = await poll(
      () =>
        t.stack.database.db
          .selectFrom('emails')
          .select(['data', 'status'])
          .where('kind', '=', 'manager-digest')
          .where('to_address', '=', 'max@org.example')
          .executeTakeFirst(),
      (r) => r?.status === 'sent',
      30_000,
      "Max's week-1 digest",
    );
    expect(digest!.data).toMatchObject({ week: 1, checkedIn: ['Ann Analyst'], missed: ['Ben Builder'] });
    expect((digest!.data as { lowConfidence: { person: string; confidence: number }[] }).lowConfidence).toEqual(
      expect.arrayContaining([expect.objectContaining({ person: 'Ann Analyst', confidence: 3 })]),
    );
    // Week 2 opens; HR advances to scoring before anyone checks in.
    await openTask(t, KEY, 'eve@org.example', 'checkin', { round: 2 });
    const advanced = await t.api(`/api/cycles/${KEY}/advance`, { method: 'POST', json: { phase: 'checkins' } });
    expect(advanced.status).toBe(200);

    // 5. Scoring: self-scores, then calibration by the manager (HR for Eve).
    await phaseIs('scoring');
    for (const email of PARTICIPANTS) {
      const task = await openTask(t, KEY, email, 'self-score');
      const page = await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(task);
      await submit(task, { scores: page.context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: 0.6 })) });
    }
    const calibrators: [string, string][] = [
      ['max@org.example', 'ann@org.example'],
      ['max@org.example', 'ben@org.example'],
      ['eve@org.example', 'max@org.example'],
      ['eve@org.example', 'cat@org.example'],
      ['hana@org.example', 'eve@org.example'],
    ];
    for (const [owner, subject] of calibrators) {
      const task = await openTask(t, KEY, owner, 'calibrate', { subjectEmail: subject });
      const page = await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(task);
      await submit(task, { scores: page.context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: subject === 'ann@org.example' ? 0.9 : 0.7 })) });
    }
    const scores = (await (await t.api(`/api/cycles/${KEY}/scores`)).json()) as { people: { email: string; score: number | null }[] };
    expect(scores.people.find((p) => p.email === 'ann@org.example')?.score).toBe(0.9);
    expect(scores.people.find((p) => p.email === 'eve@org.example')?.score).toBe(0.7);

    // 6. Awards: managers and ambassadors nominate, the committee votes, HR finalises.
    await phaseIs('awards');
    const annObjective = { id: await approvedObjectiveId(t, 'ann@org.example') };
    await submit(await openTask(t, KEY, 'max@org.example', 'nominate'), {
      nominations: [{ objectiveId: annObjective.id, citation: 'Hired both reps a month early.' }],
    });
    await submit(await openTask(t, KEY, 'eve@org.example', 'nominate'), {
      nominations: [{ personEmail: 'cat@org.example', citation: 'Churn halved in one quarter.' }],
    });
    await submit(await openTask(t, KEY, 'ben@org.example', 'nominate'), { nominations: [] });
    const vote = await openTask(t, KEY, 'cat@org.example', 'vote');
    const ballot = await taskJson<{ context: { nominations: { nominationId: number; citation: string }[] } }>(vote);
    const annNomination = ballot.context.nominations.find((n) => n.citation.startsWith('Hired'))!;
    await submit(vote, { nominationIds: [annNomination.nominationId] });
    await submit(await openTask(t, KEY, 'hana@org.example', 'finalize'), {
      winnerNominationIds: [annNomination.nominationId],
      announcement: 'Congratulations!',
    });

    // The workflow reports itself completed a moment before its last step writes the cycle's row.
    const done = await poll(cycle, (v) => v.state?.status === 'completed' && v.status === 'completed', 60_000, 'the cycle to complete');
    expect(done.status).toBe('completed');
    const announcements = await t.mail.waitFor(
      (all) => all.filter((m) => m.text.includes('Hired both reps a month early.')).length >= PARTICIPANTS.length,
      30_000,
    );
    const toAll = announcements
      .filter((m) => m.text.includes('Hired both reps a month early.'))
      .map((m) => m.envelopeTo[0])
      .sort();
    expect(toAll).toEqual([...PARTICIPANTS].sort());
    expect(done.taskCounts.open).toBe(0);
    // Ben's missed check-in expired; week 2's open check-ins expired when HR advanced.
    const expired = await t.stack.database.db
      .selectFrom('tasks as t')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .select(['p.email', 't.round'])
      .where('t.kind', '=', 'checkin')
      .where('t.status', '=', 'expired')
      .orderBy('t.round')
      .orderBy('p.email')
      .execute();
    expect(expired.filter((e) => e.round === 1)).toEqual([{ email: 'ben@org.example', round: 1 }]);
    expect(expired.filter((e) => e.round === 2)).toHaveLength(5);
  });
});
