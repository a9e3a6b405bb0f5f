/** nominate, vote and finalize against a real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectiveStatus } from '../../contract';
import { type Fixture, addCycle, addPerson, contextOf, emailOf, kr, openFixture, openTask, rejected, submit } from '../support/kinds-fixture';

let f: Fixture;
let cycle: number;
let noCommitteeCycle: number;
const p = { hr: 0, mgr: 0, amb: 0, ann: 0, ben: 0, cat: 0, judge: 0, outsider: 0, gone: 0 };
const o = { annApproved: 0, annDraft: 0, annSuperseded: 0, company: 0, otherCycle: 0, benApproved: 0 };
const n = { annObjective: 0, ben: 0, benObjective: 0, otherCycle: 0 };

async function objective(cycleId: number, owner: number | null, title: string, status: ObjectiveStatus): Promise<number> {
  const row = await f.db
    .insertInto('objectives')
    .values({ cycle_id: cycleId, owner_id: owner, task_id: null, position: 0, title, parent_objective_id: null, status })
    .returning('id')
    .executeTakeFirstOrThrow();
  await f.db
    .insertInto('key_results')
    .values([
      { objective_id: row.id, position: 0, title: kr.users.title, kind: 'numeric', start_value: 100, target_value: 500, unit: 'users' },
      { objective_id: row.id, position: 1, title: kr.launch.title, kind: 'milestone', start_value: 0, target_value: 1, unit: null },
    ])
    .execute();
  return row.id;
}

const nominationRows = () =>
  f.db
    .selectFrom('nominations')
    .select(['id', 'cycle_id', 'task_id', 'nominator_id', 'objective_id', 'person_id', 'citation', 'winner'])
    .orderBy('id')
    .execute();

beforeAll(async () => {
  f = await openFixture();
  p.hr = await addPerson(f.db, { name: 'Hana HR', roles: ['hr'] });
  p.mgr = await addPerson(f.db, { name: 'Max Manager', roles: ['manager'] });
  p.amb = await addPerson(f.db, { name: 'Amy Ambassador', roles: ['ambassador'] });
  p.ann = await addPerson(f.db, { name: 'Ann Analyst', managerId: p.mgr });
  p.ben = await addPerson(f.db, { name: 'Ben Builder', managerId: p.mgr });
  p.cat = await addPerson(f.db, { name: 'Cat Coder', managerId: p.mgr, active: false });
  p.judge = await addPerson(f.db, { name: 'Jo Judge', roles: ['award-committee'] });
  p.outsider = await addPerson(f.db, { name: 'Oz Outsider' });
  p.gone = await addPerson(f.db, { name: 'Gil Gone' });
  cycle = await addCycle(f.db, 'q1', [p.hr, p.mgr, p.amb, p.ann, p.ben, p.cat, p.judge], [p.gone]);
  noCommitteeCycle = await addCycle(f.db, 'q2', [p.hr, p.mgr, p.ann]);

  o.annApproved = await objective(cycle, p.ann, 'Delight new users', 'approved');
  o.annDraft = await objective(cycle, p.ann, 'Draft idea', 'draft');
  o.annSuperseded = await objective(cycle, p.ann, 'Old idea', 'superseded');
  o.company = await objective(cycle, null, 'Win the mid-market', 'approved');
  o.benApproved = await objective(cycle, p.ben, 'Ship faster', 'approved');
  o.otherCycle = await objective(noCommitteeCycle, p.ann, 'Next quarter', 'approved');
});
afterAll(async () => {
  await f?.close();
});

describe('nominate', () => {
  it('offers approved objectives of participants and the participants', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'nominate' });
    const ctx = await contextOf(f.db, task);
    expect(ctx.objectives).toEqual([
      { id: o.annApproved, title: 'Delight new users (Ann Analyst)', parent: null, keyResults: [] },
      { id: o.benApproved, title: 'Ship faster (Ben Builder)', parent: null, keyResults: [] },
    ]);
    // Not the nominator, not the deactivated Cat, not the removed Gil, not the outsider.
    expect(ctx.people).toEqual([
      { name: 'Amy Ambassador', email: 'amy.ambassador@example.com' },
      { name: 'Ann Analyst', email: 'ann.analyst@example.com' },
      { name: 'Ben Builder', email: 'ben.builder@example.com' },
      { name: 'Hana HR', email: 'hana.hr@example.com' },
      { name: 'Jo Judge', email: 'jo.judge@example.com' },
    ]);
    expect(ctx.values).toEqual({ nominations: [] });
  });

  it('refuses objectives and people outside the cycle, and writes nothing', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'nominate', round: 9 });
    const citation = 'Carried the whole launch';
    expect(
      await rejected(f.db, task, {
        nominations: [
          { personEmail: await emailOf(f.db, p.outsider), citation },
          { personEmail: await emailOf(f.db, p.gone), citation },
          { objectiveId: o.company, citation },
        ],
      }),
    ).toMatchObject([
      { path: 'nominations.0.personEmail', message: 'is not a participant of this cycle' },
      { path: 'nominations.1.personEmail', message: 'is not a participant of this cycle' },
      { path: 'nominations.2.objectiveId', message: 'is not an objective of a participant in this cycle' },
    ]);
    expect(
      await rejected(f.db, task, {
        nominations: [
          { objectiveId: o.annSuperseded, citation },
          { objectiveId: o.otherCycle, citation },
          { personEmail: await emailOf(f.db, p.mgr), citation },
        ],
      }),
    ).toMatchObject([
      { path: 'nominations.0.objectiveId', message: 'is not an objective of a participant in this cycle' },
      { path: 'nominations.1.objectiveId', message: 'is not an objective of a participant in this cycle' },
      { path: 'nominations.2.personEmail', message: 'you cannot nominate yourself' },
    ]);
    expect(await nominationRows()).toEqual([]);
  });

  it('records nominations of objectives and people (emails in any case)', async () => {
    const mgrTask = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'nominate', round: 2 });
    await submit(f.db, mgrTask, {
      nominations: [
        { objectiveId: o.annApproved, citation: 'Activation went from 40 to 58 %' },
        { personEmail: 'BEN.Builder@example.com', citation: 'Mentored two new engineers' },
      ],
    });
    const ambTask = await openTask(f.db, { cycleId: cycle, personId: p.amb, kind: 'nominate' });
    await submit(f.db, ambTask, { nominations: [{ objectiveId: o.benApproved, citation: 'Halved the release time' }] });
    // A nomination in the other cycle, to vote for by mistake.
    const otherTask = await openTask(f.db, { cycleId: noCommitteeCycle, personId: p.mgr, kind: 'nominate' });
    await submit(f.db, otherTask, { nominations: [{ objectiveId: o.otherCycle, citation: 'Planned the next quarter' }] });

    const rows = await nominationRows();
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
      {
        cycle_id: cycle,
        task_id: mgrTask.id,
        nominator_id: p.mgr,
        objective_id: o.annApproved,
        person_id: null,
        citation: 'Activation went from 40 to 58 %',
        winner: false,
      },
      {
        cycle_id: cycle,
        task_id: mgrTask.id,
        nominator_id: p.mgr,
        objective_id: null,
        person_id: p.ben,
        citation: 'Mentored two new engineers',
        winner: false,
      },
      {
        cycle_id: cycle,
        task_id: ambTask.id,
        nominator_id: p.amb,
        objective_id: o.benApproved,
        person_id: null,
        citation: 'Halved the release time',
        winner: false,
      },
      {
        cycle_id: noCommitteeCycle,
        task_id: otherTask.id,
        nominator_id: p.mgr,
        objective_id: o.otherCycle,
        person_id: null,
        citation: 'Planned the next quarter',
        winner: false,
      },
    ]);
    [n.annObjective, n.ben, n.benObjective, n.otherCycle] = rows.map((r) => r.id) as [number, number, number, number];
  });
});

describe('vote', () => {
  it('refuses a voter who is not on the committee, and HR while the cycle has a committee', async () => {
    const annVote = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'vote' });
    expect(await rejected(f.db, annVote, { nominationIds: [n.ben] })).toMatchObject([{ path: 'nominationIds', message: 'only the award committee votes' }]);
    const hrVote = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'vote' });
    expect(await rejected(f.db, hrVote, { nominationIds: [n.ben] })).toMatchObject([{ path: 'nominationIds', message: 'only the award committee votes' }]);
    expect(await f.db.selectFrom('votes').selectAll().execute()).toEqual([]);
  });

  it('refuses a nomination of another cycle', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.judge, kind: 'vote', round: 9 });
    expect(await rejected(f.db, task, { nominationIds: [n.ben, n.otherCycle] })).toMatchObject([
      { path: 'nominationIds.1', message: 'is not a nomination of this cycle' },
    ]);
  });

  it('records the committee’s votes and shows the counts', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.judge, kind: 'vote' });
    await submit(f.db, task, { nominationIds: [n.ben, n.benObjective] });
    expect(await f.db.selectFrom('votes').select(['nomination_id', 'voter_id', 'task_id']).orderBy('nomination_id').execute()).toEqual([
      { nomination_id: n.ben, voter_id: p.judge, task_id: task.id },
      { nomination_id: n.benObjective, voter_id: p.judge, task_id: task.id },
    ]);
    const ctx = await contextOf(f.db, task);
    expect(ctx.values).toEqual({ nominationIds: [n.ben, n.benObjective] });
    expect(ctx.nominations.map((x) => [x.nominationId, x.votes])).toEqual([
      [n.ben, 1],
      [n.benObjective, 1],
      [n.annObjective, 0],
    ]);
    const again = await openTask(f.db, { cycleId: cycle, personId: p.judge, kind: 'vote', round: 2 });
    expect((await contextOf(f.db, again)).values).toEqual({ nominationIds: [] });
    expect(await rejected(f.db, again, { nominationIds: [n.annObjective, n.ben] })).toMatchObject([
      { path: 'nominationIds.1', message: 'you have already voted for this nomination' },
    ]);
  });

  it('lets HR vote in a cycle without a committee', async () => {
    const task = await openTask(f.db, { cycleId: noCommitteeCycle, personId: p.hr, kind: 'vote' });
    await submit(f.db, task, { nominationIds: [n.otherCycle] });
    expect(await f.db.selectFrom('votes').select('voter_id').where('nomination_id', '=', n.otherCycle).execute()).toEqual([{ voter_id: p.hr }]);
    // A committee member who is not in that cycle's participants still may.
    const judge = await openTask(f.db, { cycleId: noCommitteeCycle, personId: p.judge, kind: 'vote' });
    await submit(f.db, judge, { nominationIds: [n.otherCycle] });
  });
});

describe('finalize', () => {
  it('lists nominations by votes and marks the winners', async () => {
    // One more vote for Ben so the order is clear: Ben 2, Ben's objective 1, Ann's objective 0.
    await f.db
      .updateTable('people')
      .set({ roles: ['award-committee'] })
      .where('id', '=', p.amb)
      .execute();
    await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: p.amb, kind: 'vote' }), { nominationIds: [n.ben] });

    const task = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'finalize' });
    const ctx = await contextOf(f.db, task);
    expect(ctx.nominations.map(({ citations: _c, subject: _s, evidence: _e, ...rest }) => rest)).toEqual([
      { nominationId: n.ben, nominator: 'Max Manager', label: 'person: Ben Builder', citation: 'Mentored two new engineers', votes: 2 },
      {
        nominationId: n.benObjective,
        nominator: 'Amy Ambassador',
        label: 'objective: Ship faster (Ben Builder)',
        citation: 'Halved the release time',
        votes: 1,
      },
      {
        nominationId: n.annObjective,
        nominator: 'Max Manager',
        label: 'objective: Delight new users (Ann Analyst)',
        citation: 'Activation went from 40 to 58 %',
        votes: 0,
      },
    ]);
    expect(ctx.values).toEqual({ winnerNominationIds: [n.ben] });

    expect(await rejected(f.db, task, { winnerNominationIds: [n.ben, n.otherCycle] })).toMatchObject([
      { path: 'winnerNominationIds.1', message: 'is not a nomination of this cycle' },
    ]);
    expect((await nominationRows()).filter((r) => r.winner)).toEqual([]);

    expect(await submit(f.db, task, { winnerNominationIds: [n.ben, n.annObjective] })).toEqual({ winners: [n.ben, n.annObjective] });
    const winners = (await nominationRows()).map((r) => [r.id, r.winner]);
    expect(winners).toEqual([
      [n.annObjective, true],
      [n.ben, true],
      [n.benObjective, false],
      [n.otherCycle, false],
    ]);
  });
});
