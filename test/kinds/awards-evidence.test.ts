/**
 * Evidence for the voters and fairness facts for HR, against a real PostgreSQL: each nomination
 * on the vote and finalize pages carries what the OKRs say (objective and key result scores,
 * progress, the objective it aligns to, the check-in history, the latest execution items); HR's
 * finalize page says which nominations tie for the most votes and who did not vote, in en and zh-CN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskPage } from '../../api/task-page/view';
import { type Fixture, addCycle, addPerson, contextOf, emailOf, openFixture, openTask, submit } from '../support/kinds-fixture';

let f: Fixture;
let cycle = 0;
const p = { hr: 0, max: 0, ann: 0, ben: 0, judge: 0, jo: 0 };
const nom = { ann: 0, ben: 0 };

beforeAll(async () => {
  f = await openFixture();
  p.hr = await addPerson(f.db, { name: 'Hana HR', roles: ['hr'] });
  p.max = await addPerson(f.db, { name: 'Max Manager', roles: ['manager'] });
  p.ann = await addPerson(f.db, { name: 'Ann Analyst', managerId: p.max });
  p.ben = await addPerson(f.db, { name: 'Ben Builder', managerId: p.max });
  p.judge = await addPerson(f.db, { name: 'Jo Judge', roles: ['award-committee'] });
  p.jo = await addPerson(f.db, { name: 'Kim Committee', roles: ['award-committee'] });
  cycle = await addCycle(f.db, 'aw16-evidence', Object.values(p));
  const company = await f.db
    .insertInto('objectives')
    .values({
      cycle_id: cycle,
      owner_id: null,
      task_id: null,
      position: 0,
      title: 'Win the market',
      parent_objective_id: null,
      status: 'approved',
      score: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const objective = await f.db
    .insertInto('objectives')
    .values({
      cycle_id: cycle,
      owner_id: p.ann,
      task_id: null,
      position: 0,
      title: 'Delight new users',
      parent_objective_id: company.id,
      status: 'approved',
      score: 0.8,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const [kr1] = await f.db
    .insertInto('key_results')
    .values([
      {
        objective_id: objective.id,
        position: 0,
        title: 'Activation rate',
        kind: 'percent',
        start_value: 40,
        target_value: 60,
        unit: '%',
        current_value: 58,
        score: 0.9,
      },
      {
        objective_id: objective.id,
        position: 1,
        title: 'Launch the tour',
        kind: 'milestone',
        start_value: null,
        target_value: null,
        unit: null,
        done: true,
        self_score: 1,
      },
    ])
    .returning('id')
    .execute();
  for (const week of [1, 2]) {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'checkin', round: week });
    const checkin = await f.db
      .insertInto('checkins')
      .values({ task_id: task.id, cycle_id: cycle, person_id: p.ann, week, confidence: week === 1 ? 6 : 8, values: JSON.stringify([]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await f.db
      .insertInto('execution_items')
      .values({
        cycle_id: cycle,
        person_id: p.ann,
        key_result_id: kr1!.id,
        checkin_id: checkin.id,
        week,
        kind: 'project',
        title: `Onboarding step ${week}`,
        status: week === 2 ? 'done' : 'in-progress',
      })
      .execute();
  }
  await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: p.max, kind: 'nominate' }), {
    nominations: [
      { objectiveId: objective.id, citation: 'Activation went from 40 to 58 %' },
      { personEmail: await emailOf(f.db, p.ben), citation: 'Kept the release train on time' },
    ],
  });
  const rows = await f.db.selectFrom('nominations').select(['id', 'person_id']).orderBy('id').execute();
  nom.ann = rows.find((r) => r.person_id === null)!.id;
  nom.ben = rows.find((r) => r.person_id === p.ben)!.id;
  // One committee member votes for each (a tie); the other never votes.
  await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: p.judge, kind: 'vote' }), { nominationIds: [nom.ann, nom.ben] });
  await openTask(f.db, { cycleId: cycle, personId: p.jo, kind: 'vote' });
});
afterAll(async () => {
  await f?.close();
});

describe('evidence and fairness', () => {
  it('shows the voters what the OKRs say about each nomination', async () => {
    const vote = await openTask(f.db, { cycleId: cycle, personId: p.jo, kind: 'vote', round: 2 });
    const context = await contextOf(f.db, vote);
    const ann = context.nominations.find((n) => n.nominationId === nom.ann)!;
    expect(ann.evidence).toEqual({
      objectives: [
        {
          title: 'Delight new users',
          score: 0.8,
          alignedTo: 'Win the market',
          keyResults: [
            { title: 'Activation rate', score: 0.9, progress: { current: 58, target: 60, unit: '%' } },
            { title: 'Launch the tour', score: 1, progress: { done: true } },
          ],
        },
      ],
      checkins: [
        { week: 1, confidence: 6 },
        { week: 2, confidence: 8 },
      ],
      items: [
        { week: 2, kind: 'project', title: 'Onboarding step 2', status: 'done' },
        { week: 1, kind: 'project', title: 'Onboarding step 1', status: 'in-progress' },
      ],
    });
    // A person's nomination: their approved objectives (none here) and no check-ins yet.
    expect(context.nominations.find((n) => n.nominationId === nom.ben)!.evidence).toEqual({ objectives: [], checkins: [], items: [] });
    for (const locale of ['en', 'zh-CN'] as const) {
      const page = taskPage({
        task: { kind: 'vote', round: 2, status: 'open', dueAt: '2027-01-31T00:00:00.000Z', cycleTitle: 'Cycle', ownerName: 'Kim Committee', locale },
        context,
        values: {},
        errors: new Map(),
        timeZone: 'UTC',
      });
      expect(page).toContain('Delight new users');
      expect(page).toContain(locale === 'en' ? 'aligned to: Win the market' : '对齐到：Win the market');
      expect(page).toContain(locale === 'en' ? 'week 1: 6; week 2: 8' : '第 1 周：6；第 2 周：8');
      expect(page).toContain(locale === 'en' ? 'week 2: Onboarding step 2 (done)' : '第 2 周：Onboarding step 2（已完成）');
      expect(page).toContain(locale === 'en' ? '58 / 60 %' : '58 / 60 %');
    }
  });

  it('tells HR about the tie at the top and who did not vote, in HR’s language', async () => {
    const finalize = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'finalize' });
    const en = await contextOf(f.db, finalize);
    expect(en.notes).toEqual([
      'Tie for the most votes: objective: Delight new users (Ann Analyst); person: Ben Builder. You decide.',
      'Did not vote: Kim Committee.',
    ]);
    // Both tied nominations start ticked; HR chooses.
    expect((en.values as { winnerNominationIds: number[] }).winnerNominationIds.sort()).toEqual([nom.ann, nom.ben].sort());
    const zh = await contextOf(f.db, { ...finalize, locale: 'zh-CN' });
    expect(zh.notes).toEqual(['最高票数相同：目标：Delight new users（Ann Analyst）；人：Ben Builder。请你决定。', '未投票：Kim Committee。']);
  });
});
