/**
 * A year on the time-skipping server, with the real database and a real SMTP server: four short
 * quarterly cycles whose schedules leave awards out (`awards: false`), then HR's yearly awards
 * run over them — nominations of objectives from different quarters and of a person, the
 * committee's votes (a member's vote for their own nomination and for themselves refused; a tie),
 * HR's final pick, the announcement to everyone and the winners' certificates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cycleWorkflowId, taskBatchWorkflowId } from '../../contract';
import { recordHistoriesOf } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { type FoundTask, openTask, submit, taskJson } from '../support/tasks';
import { startTimeSkipping, untilBatchesIdle } from '../support/time-skipping';

const DAY = 86_400_000;
const ORG = [
  { email: 'hana@year.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'eve@year.example', name: 'Eve Exec', roles: ['executive'] },
  { email: 'max@year.example', name: 'Max Manager', managerEmail: 'eve@year.example', roles: ['award-committee'] },
  { email: 'cara@year.example', name: 'Cara Coder', managerEmail: 'eve@year.example', roles: ['award-committee'] },
  { email: 'ann@year.example', name: 'Ann Analyst', managerEmail: 'max@year.example' },
];
const PEOPLE = ['eve@year.example', 'max@year.example', 'cara@year.example', 'ann@year.example'];
/** Who reviews and calibrates whom (HR for Eve, who has no manager). */
const MANAGER: Record<string, string> = {
  'eve@year.example': 'hana@year.example',
  'max@year.example': 'eve@year.example',
  'cara@year.example': 'eve@year.example',
  'ann@year.example': 'max@year.example',
};
const QUARTERS = [
  { key: 'year-q1', startsOn: '2027-01-04', endsOn: '2027-03-31' },
  { key: 'year-q2', startsOn: '2027-04-05', endsOn: '2027-06-30' },
  { key: 'year-q3', startsOn: '2027-07-05', endsOn: '2027-09-30' },
  { key: 'year-q4', startsOn: '2027-10-04', endsOn: '2027-12-31' },
];
/** Short phases; one check-in; no awards in the cycle: the yearly run chooses them. */
const SHORT = {
  planning: 'at-once',
  strategy: '2d',
  drafting: '3d',
  managerLead: '1d',
  review: '2d',
  checkIns: { every: '2d', weeks: 1, window: '1d' },
  scoring: '3d',
  awards: false,
  reminders: [],
  escalations: [],
};
const kr = (title: string) => [
  { kind: 'percent', title: `${title} share`, start: 10, target: 40 },
  { kind: 'milestone', title: `${title} shipped` },
];

describe('a year of four cycles and a yearly awards run (time-skipping server)', () => {
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

  const view = async (key: string) =>
    (await (await t.api(`/api/cycles/${key}`)).json()) as {
      kind: string;
      covers?: string[];
      state: { status: string; phase: string | null; phases: { phase: string; status: string }[] } | null;
    };
  const phaseIs = (key: string, phase: string | null, status = 'running') =>
    poll(
      () => view(key),
      (v) => v.state?.phase === phase && v.state?.status === status,
      90_000,
      `${key} in phase ${phase}`,
    );
  const keyResultsOf = async (task: FoundTask) =>
    (await taskJson<{ context: { keyResults: { keyResultId: number; kind: string }[] } }>(task)).context.keyResults;

  /** One quarter from strategy to scoring, everyone answering; `score` is what managers calibrate. */
  async function runQuarter(q: (typeof QUARTERS)[number], n: number, score: number) {
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: q.key, title: `Q${n} 2027`, startsOn: q.startsOn, endsOn: q.endsOn, participants: PEOPLE, schedule: SHORT },
    });
    expect(started.status, await started.clone().text()).toBe(201);
    await phaseIs(q.key, 'strategy');
    await submit(await openTask(t, q.key, 'eve@year.example', 'strategy'), { objectives: [{ title: `Company goal Q${n}`, keyResults: kr('Company') }] });
    await submit(await openTask(t, q.key, 'hana@year.example', 'strategy-review', { subjectEmail: 'eve@year.example' }), { decision: 'approve' });

    await phaseIs(q.key, 'drafting');
    const parents = async (email: string) =>
      (await taskJson<{ context: { parents: { id: number; title: string }[] } }>(await openTask(t, q.key, email, 'draft'))).context.parents;
    const company = (await parents('eve@year.example')).find((p) => p.title === `Company goal Q${n}`)!.id;
    for (const email of PEOPLE)
      await submit(await openTask(t, q.key, email, 'draft'), {
        objectives: [{ title: `${email.split('@')[0]}'s objective Q${n}`, parentObjectiveId: company, keyResults: kr(`Q${n}`) }],
      });

    await phaseIs(q.key, 'review');
    for (const email of PEOPLE) await submit(await openTask(t, q.key, MANAGER[email]!, 'review', { subjectEmail: email }), { decision: 'approve' });

    await phaseIs(q.key, 'checkins');
    for (const email of PEOPLE) {
      const task = await openTask(t, q.key, email, 'checkin', { round: 1 });
      await submit(task, {
        keyResults: (await keyResultsOf(task)).map((k) =>
          k.kind === 'milestone' ? { keyResultId: k.keyResultId, done: true } : { keyResultId: k.keyResultId, value: 35 },
        ),
        confidence: 6 + n,
        report: `Quarter ${n}: shipped.`,
      });
    }

    await phaseIs(q.key, 'scoring');
    for (const email of PEOPLE) {
      const task = await openTask(t, q.key, email, 'self-score');
      await submit(task, (await taskJson<{ values: unknown }>(task)).values);
    }
    for (const email of PEOPLE) {
      const task = await openTask(t, q.key, MANAGER[email]!, 'calibrate', { subjectEmail: email });
      await submit(task, { scores: (await keyResultsOf(task)).map((k) => ({ keyResultId: k.keyResultId, score })) });
    }
    // Scoring is the last phase: the cycle completes without an awards phase.
    await phaseIs(q.key, null, 'completed');
    const done = await view(q.key);
    expect(done.state!.phases.map((p) => p.phase)).toEqual(['strategy', 'drafting', 'review', 'checkins', 'scoring']);
    // Let the quarter pass before the next one starts.
    await env.sleep(60 * DAY);
  }

  const objectiveOf = async (email: string, cycleKey: string) =>
    (
      await t.stack.database.db
        .selectFrom('objectives as o')
        .innerJoin('people as p', 'p.id', 'o.owner_id')
        .innerJoin('cycles as c', 'c.id', 'o.cycle_id')
        .select('o.id')
        .where('p.email', '=', email)
        .where('c.key', '=', cycleKey)
        .where('o.status', '=', 'approved')
        .executeTakeFirstOrThrow()
    ).id;

  it('chooses the year’s awards over four quarters, with a tie and the fairness rules', { timeout: 600_000 }, async () => {
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    for (const [i, q] of QUARTERS.entries()) await runQuarter(q, i + 1, [0.6, 0.7, 0.8, 0.9][i]!);
    // No cycle had an awards task.
    const awardTasks = await t.stack.database.db.selectFrom('tasks').select('id').where('kind', 'in', ['nominate', 'vote', 'finalize']).execute();
    expect(awardTasks).toEqual([]);

    // A wrong year and an unknown cycle are refused, naming the field; nothing is created.
    const noYear = await t.api('/api/awards-runs', { method: 'POST', json: { key: 'awards-2026', title: 'OKR awards 2026', year: 2026 } });
    expect(noYear.status).toBe(400);
    expect(JSON.stringify(await noYear.json())).toContain('"path":"year"');
    const unknown = await t.api('/api/awards-runs', { method: 'POST', json: { key: 'awards-x', title: 'X', year: 2027, cycles: ['year-q1', 'nope'] } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain('"path":"cycles.1"');
    expect(await t.stack.database.db.selectFrom('cycles').select('key').where('kind', '=', 'awards-run').execute()).toEqual([]);

    // HR starts the yearly run: its own workflow over the four quarters.
    const body = {
      key: 'awards-2027',
      title: 'OKR awards 2027',
      year: 2027,
      schedule: { awards: '9d', reminders: ['1d'], escalations: [{ after: '1d', to: 'hr' }] },
    };
    const started = await t.api('/api/awards-runs', { method: 'POST', json: body });
    const run = (await started.json()) as { kind: string; covers: string[]; participantCount: number; workflowId: string };
    expect(started.status, JSON.stringify(run)).toBe(201);
    expect(run).toMatchObject({ kind: 'awards-run', covers: QUARTERS.map((q) => q.key), participantCount: PEOPLE.length });
    const again = await t.api('/api/awards-runs', { method: 'POST', json: body });
    expect(again.status).toBe(200); // idempotent on key
    const description = await t.temporal.client.workflow.getHandle(run.workflowId).describe();
    expect(description.type).toBe('awardsRun');
    await phaseIs('awards-2027', 'awards');

    // Nominations: Eve (manager) nominates Ann's Q1 objective, Max's Q4 objective and Cara; Max
    // (manager and on the committee) nominates Cara too.
    const annQ1 = await objectiveOf('ann@year.example', 'year-q1');
    const maxQ4 = await objectiveOf('max@year.example', 'year-q4');
    const eveNominate = await openTask(t, 'awards-2027', 'eve@year.example', 'nominate');
    const picker = await taskJson<{ context: { objectives: { id: number; title: string }[] } }>(eveNominate);
    // The picker offers the year's objectives, from every quarter.
    expect(picker.context.objectives.map((o) => o.id)).toEqual(expect.arrayContaining([annQ1, maxQ4]));
    await submit(eveNominate, {
      nominations: [
        { objectiveId: annQ1, citation: 'Ann built the reporting that the whole year ran on.' },
        { objectiveId: maxQ4, citation: 'Max closed the year with the Singapore launch.' },
        { personEmail: 'cara@year.example', citation: 'Cara ran every release of the year.' },
      ],
    });
    await submit(await openTask(t, 'awards-2027', 'max@year.example', 'nominate'), {
      nominations: [{ personEmail: 'cara@year.example', citation: 'Cara mentored three new engineers.' }],
    });
    // Ann and Cara manage nobody: no nominate task for them.
    expect(await t.stack.database.db.selectFrom('tasks').select('id').where('kind', '=', 'nominate').execute()).toHaveLength(2);

    // Votes: the committee is Max and Cara.
    const maxVote = await openTask(t, 'awards-2027', 'max@year.example', 'vote');
    const ballot = await taskJson<{
      context: { nominations: { nominationId: number; label: string; citations: { citation: string }[]; evidence?: { objectives: { cycle?: string }[] } }[] };
    }>(maxVote);
    const byLabel = (part: string) => ballot.context.nominations.find((n) => n.label.includes(part))!;
    const [ann, maxObjective, cara] = [byLabel("ann's objective Q1"), byLabel("max's objective Q4"), byLabel('Cara Coder')];
    expect(ballot.context.nominations).toHaveLength(3); // one nomination per subject
    expect(cara.citations.map((c) => c.citation)).toEqual(['Cara ran every release of the year.', 'Cara mentored three new engineers.']);
    // The evidence says which quarter each objective is from.
    expect(ann.evidence?.objectives[0]?.cycle).toBe('Q1 2027');
    // Max may not vote for a nomination he made (Cara's), nor for his own objective.
    const refusedOwn = (await submit(maxVote, { nominationIds: [cara.nominationId] }, 400)) as { error: { details: { issues: { code: string }[] }[] } };
    expect(JSON.stringify(refusedOwn)).toContain('rule.own-nomination');
    const refusedSelf = await submit(maxVote, { nominationIds: [maxObjective.nominationId] }, 400);
    expect(JSON.stringify(refusedSelf)).toContain('rule.vote-for-self');
    await submit(maxVote, { nominationIds: [ann.nominationId] });
    const caraVote = await openTask(t, 'awards-2027', 'cara@year.example', 'vote');
    expect(JSON.stringify(await submit(caraVote, { nominationIds: [cara.nominationId] }, 400))).toContain('rule.vote-for-self');
    await submit(caraVote, { nominationIds: [maxObjective.nominationId] });

    // HR's final pick: told about the tie (one vote each), picks both.
    const finalize = await openTask(t, 'awards-2027', 'hana@year.example', 'finalize');
    const page = await taskJson<{ context: { notes: string[] }; values: { winnerNominationIds: number[] } }>(finalize);
    expect(page.context.notes.join(' ')).toMatch(/Tie for the most votes/);
    expect([...page.values.winnerNominationIds].sort()).toEqual([ann.nominationId, maxObjective.nominationId].sort());
    await submit(finalize, {
      winnerNominationIds: [ann.nominationId, maxObjective.nominationId],
      awards: [
        { nominationId: ann.nominationId, awardName: 'OKR of the Year' },
        { nominationId: maxObjective.nominationId, awardName: 'Launch of the Year' },
      ],
    });

    // The run completes; everyone gets the announcement with the stories; each winner a certificate.
    await phaseIs('awards-2027', null, 'completed');
    const announced = await t.mail.waitFor((all) => all.filter((m) => m.text.includes('OKR of the Year')).length >= PEOPLE.length, 30_000);
    const stories = announced.filter((m) => m.text.includes('OKR of the Year'));
    expect(stories.map((m) => m.envelopeTo[0]).sort()).toEqual([...PEOPLE].sort());
    for (const m of stories) {
      expect(m.text).toContain('Launch of the Year');
      // The stories come from the quarters the objectives are from.
      expect(m.text).toContain("ann's objective Q1");
      expect(m.text).toContain("max's objective Q4");
    }
    const winners = (await (await t.api('/api/cycles/awards-2027/awards')).json()) as {
      winners: { person: { email: string }; objective: { title: string } | null }[];
    };
    expect(winners.winners.map((w) => [w.person.email, w.objective?.title]).sort()).toEqual([
      ['ann@year.example', "ann's objective Q1"],
      ['max@year.example', "max's objective Q4"],
    ]);
    const pdf = await t.api(`/api/cycles/awards-2027/awards/${ann.nominationId}/certificate.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    // The run is listed with the cycles, saying what it covers.
    const list = (await (await t.api('/api/cycles')).json()) as { cycles: { key: string; kind: string; covers?: string[] }[] };
    expect(list.cycles.find((c) => c.key === 'awards-2027')).toMatchObject({ kind: 'awards-run', covers: QUARTERS.map((q) => q.key) });
    expect(list.cycles.find((c) => c.key === 'year-q1')).toMatchObject({ kind: 'okr' });

    // A second run over Q1 only, cancelled by HR: everyone is told it was an awards run.
    const second = await t.api('/api/awards-runs', { method: 'POST', json: { key: 'awards-q1', title: 'Q1 spot awards', year: 2027, cycles: ['year-q1'] } });
    expect(second.status).toBe(201);
    await phaseIs('awards-q1', 'awards');
    await openTask(t, 'awards-q1', 'eve@year.example', 'nominate');
    await untilBatchesIdle(t, 'awards-q1');
    expect((await t.api('/api/cycles/awards-q1/cancel', { method: 'POST', json: { reason: 'Merged into the yearly awards' } })).status).toBe(200);
    await poll(
      () => view('awards-q1'),
      (v) => v.state?.status === 'cancelled',
      30_000,
      'the cancelled run',
    );
    const told = await t.mail.waitFor(
      (all) => all.filter((m) => m.text.includes('The awards run Q1 spot awards has been cancelled')).length >= PEOPLE.length,
      30_000,
    );
    expect(
      told
        .filter((m) => m.text.includes('The awards run Q1 spot awards has been cancelled'))
        .map((m) => m.envelopeTo[0])
        .sort(),
    ).toEqual([...PEOPLE].sort());

    // RECORD_HISTORIES=1: the run's executions and a cycle without awards, for test/replay.
    await recordHistoriesOf(
      t.temporal.client,
      [run.workflowId, ...[1, 2, 3].map((step) => taskBatchWorkflowId('awards-2027', 'awards', step, 0)), cycleWorkflowId('year-q4')],
      'awards-year',
    );
  });
});
