/** strategy, strategy-review, draft and review against a real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionSchemas } from '../../contract';
import { loadTaskRef } from '../../kinds';
import { type Fixture, addCycle, addPerson, contextOf, kr, openFixture, openTask, rejected, submit } from '../support/kinds-fixture';

let f: Fixture;
let cycle: number;
let otherCycle: number;
const p = { exec: 0, exec2: 0, hr: 0, mgr: 0, ann: 0, ben: 0 };

const COMPANY_V1 = {
  objectives: [
    { title: 'Win the mid-market', keyResults: [kr.users, kr.activation] },
    { title: 'Be the easiest to start with', keyResults: [kr.launch, kr.share] },
  ],
};
const COMPANY_V2 = {
  objectives: [
    { title: 'Win the mid-market segment', keyResults: [kr.users, kr.activation] },
    { title: 'Cut churn', keyResults: [kr.churn, kr.launch] },
  ],
};

const objectivesOf = (owner: number | null, cycleId = cycle) =>
  f.db
    .selectFrom('objectives')
    .select(['id', 'title', 'status', 'round', 'task_id', 'parent_objective_id'])
    .where('cycle_id', '=', cycleId)
    .where((eb) => (owner === null ? eb('owner_id', 'is', null) : eb('owner_id', '=', owner)))
    .orderBy('id')
    .execute();

beforeAll(async () => {
  f = await openFixture();
  p.exec = await addPerson(f.db, { name: 'Eve Exec', roles: ['executive'] });
  p.exec2 = await addPerson(f.db, { name: 'Eli Exec', roles: ['executive'] });
  p.hr = await addPerson(f.db, { name: 'Hana HR', roles: ['hr'] });
  p.mgr = await addPerson(f.db, { name: 'Max Manager', managerId: p.exec, roles: ['manager'] });
  p.ann = await addPerson(f.db, { name: 'Ann Analyst', managerId: p.mgr });
  p.ben = await addPerson(f.db, { name: 'Ben Builder', managerId: p.mgr });
  cycle = await addCycle(f.db, 'q1', [p.exec, p.exec2, p.hr, p.mgr, p.ann, p.ben]);
  otherCycle = await addCycle(f.db, 'q0', [p.mgr, p.ann]);
});
afterAll(async () => {
  await f?.close();
});

describe('strategy and its review', () => {
  it('writes company objectives, supersedes only this executive’s earlier round, and HR approves them', async () => {
    // Another executive's company objectives must survive Eve's re-draft.
    const eli = await openTask(f.db, { cycleId: cycle, personId: p.exec2, kind: 'strategy' });
    await submit(f.db, eli, { objectives: [{ title: 'Expand to Europe', keyResults: [kr.users, kr.launch] }] });

    const round1 = await openTask(f.db, { cycleId: cycle, personId: p.exec, kind: 'strategy' });
    expect((await contextOf(f.db, round1)).values).toBeNull();
    expect(await submit(f.db, round1, COMPANY_V1)).toEqual({});
    let eve = (await objectivesOf(null)).filter((o) => o.task_id === round1.id);
    expect(eve.map((o) => [o.title, o.status, o.round])).toEqual([
      ['Win the mid-market', 'draft', 1],
      ['Be the easiest to start with', 'draft', 1],
    ]);
    const krs = await f.db
      .selectFrom('key_results')
      .select(['title', 'kind', 'start_value', 'target_value', 'unit'])
      .where('objective_id', '=', eve[0]!.id)
      .orderBy('position')
      .execute();
    expect(krs).toEqual([
      { title: 'Weekly active users', kind: 'numeric', start_value: 100, target_value: 500, unit: 'users' },
      { title: 'Activation rate', kind: 'percent', start_value: 40, target_value: 60, unit: '%' },
    ]);

    const review1 = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'strategy-review', subjectPersonId: p.exec });
    const reviewContext = await contextOf(f.db, review1);
    expect(reviewContext.subject).toEqual({ name: 'Eve Exec', email: 'eve.exec@example.com' });
    expect(reviewContext.objectives).toEqual([
      {
        id: eve[0]!.id,
        title: 'Win the mid-market',
        parent: null,
        keyResults: [
          { title: 'Weekly active users', measure: '100 → 500 users' },
          { title: 'Activation rate', measure: '40 → 60 %' },
        ],
      },
      {
        id: eve[1]!.id,
        title: 'Be the easiest to start with',
        parent: null,
        keyResults: [
          { title: 'Launch the new onboarding', measure: 'done / not done' },
          { title: 'Share of self-serve signups', measure: '0 → 100 %' },
        ],
      },
    ]);
    expect(await submit(f.db, review1, { decision: 'changes', comment: 'Make the second one measurable' })).toEqual({
      decision: 'changes',
      comment: 'Make the second one measurable',
    });
    eve = (await objectivesOf(null)).filter((o) => o.task_id === round1.id);
    expect(eve.map((o) => o.status)).toEqual(['changes-requested', 'changes-requested']);
    expect(await f.db.selectFrom('reviews').select(['task_id', 'cycle_id', 'reviewer_id', 'subject_id', 'round', 'decision', 'comment']).execute()).toEqual([
      { task_id: review1.id, cycle_id: cycle, reviewer_id: p.hr, subject_id: p.exec, round: 1, decision: 'changes', comment: 'Make the second one measurable' },
    ]);

    // Round 2 starts from round 1 and shows HR's comment.
    const round2 = await openTask(f.db, { cycleId: cycle, personId: p.exec, kind: 'strategy', round: 2 });
    const ctx = await contextOf(f.db, round2);
    expect(ctx.values).toEqual(submissionSchemas.strategy.parse(COMPANY_V1));
    expect(ctx.values).toMatchObject({ objectives: [{}, { keyResults: [{}, { start: 0, target: 100 }] }] });
    expect(ctx.notes).toEqual(['HR asked for changes: Make the second one measurable']);
    await submit(f.db, round2, COMPANY_V2);

    const review2 = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'strategy-review', round: 2, subjectPersonId: p.exec });
    expect((await contextOf(f.db, review2)).objectives.map((o) => o.title)).toEqual(['Win the mid-market segment', 'Cut churn']);
    expect((await contextOf(f.db, review2)).notes).toEqual(['Changes were requested last round: Make the second one measurable']);
    expect(await submit(f.db, review2, { decision: 'approve' })).toEqual({ decision: 'approve' });

    const all = await objectivesOf(null);
    expect(all.map((o) => [o.title, o.status, o.round])).toEqual([
      ['Expand to Europe', 'draft', 1],
      ['Win the mid-market', 'superseded', 1],
      ['Be the easiest to start with', 'superseded', 1],
      ['Win the mid-market segment', 'approved', 2],
      ['Cut churn', 'approved', 2],
    ]);
    // Once approved, a later look at the strategy task no longer shows the old request.
    expect((await contextOf(f.db, round2)).notes).toEqual([]);
  });
});

describe('draft and review', () => {
  it('refuses a parent objective from another cycle and writes nothing', async () => {
    const old = await openTask(f.db, { cycleId: otherCycle, personId: p.mgr, kind: 'draft' });
    await submit(f.db, old, { objectives: [{ title: 'Old quarter objective', keyResults: [kr.users, kr.launch] }] });
    const [oldObjective] = await objectivesOf(p.mgr, otherCycle);

    const draft = await openTask(f.db, { cycleId: cycle, personId: p.ben, kind: 'draft' });
    const issues = await rejected(f.db, draft, {
      objectives: [{ title: 'Ship faster', parentObjectiveId: oldObjective!.id, keyResults: [kr.users, kr.launch] }],
    });
    expect(issues).toMatchObject([{ path: 'objectives.0.parentObjectiveId', message: expect.stringContaining('is not a company objective') }]);
    expect(await objectivesOf(p.ben)).toEqual([]);
  });

  it('offers approved company objectives and the manager’s as parents', async () => {
    const draft = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'draft' });
    const ctx = await contextOf(f.db, draft);
    // Eli's company objective is not approved, the superseded round is gone.
    expect(ctx.parents.map((x) => [x.title, x.owner])).toEqual([
      ['Win the mid-market segment', 'Company'],
      ['Cut churn', 'Company'],
    ]);
    expect(ctx.values).toBeNull();
    expect(ctx.notes).toEqual([]);
    await submit(f.db, draft, {
      objectives: [{ title: 'Grow the team’s pipeline', parentObjectiveId: ctx.parents[0]!.id, keyResults: [kr.users, kr.launch] }],
    });
  });

  it('asks for changes, shows the comment and the previous draft, and a re-draft supersedes the first one', async () => {
    const [mgrObjective] = await objectivesOf(p.mgr);
    const first = {
      objectives: [
        { title: 'Delight new users', parentObjectiveId: mgrObjective!.id, keyResults: [kr.activation, kr.launch] },
        { title: 'Keep customers', keyResults: [kr.churn, kr.share] },
      ],
    };
    const draft1 = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'draft' });
    expect((await contextOf(f.db, draft1)).parents.map((x) => x.title)).toEqual(['Win the mid-market segment', 'Cut churn', 'Grow the team’s pipeline']);
    await submit(f.db, draft1, first);
    const v1 = await objectivesOf(p.ann);
    expect(v1.map((o) => [o.title, o.status, o.parent_objective_id])).toEqual([
      ['Delight new users', 'draft', mgrObjective!.id],
      ['Keep customers', 'draft', null],
    ]);

    const review1 = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'review', subjectPersonId: p.ann });
    const rctx = await contextOf(f.db, review1);
    expect(rctx.subject).toEqual({ name: 'Ann Analyst', email: 'ann.analyst@example.com' });
    expect(rctx.objectives).toEqual([
      {
        id: v1[0]!.id,
        title: 'Delight new users',
        parent: 'Grow the team’s pipeline',
        keyResults: [
          { title: 'Activation rate', measure: '40 → 60 %' },
          { title: 'Launch the new onboarding', measure: 'done / not done' },
        ],
      },
      {
        id: v1[1]!.id,
        title: 'Keep customers',
        parent: null,
        keyResults: [
          { title: 'Monthly churn', measure: '10 → 5 pct' },
          { title: 'Share of self-serve signups', measure: '0 → 100 %' },
        ],
      },
    ]);
    expect(await submit(f.db, review1, { decision: 'changes', comment: 'Align "Keep customers" to churn' })).toEqual({
      decision: 'changes',
      comment: 'Align "Keep customers" to churn',
    });
    expect((await objectivesOf(p.ann)).map((o) => o.status)).toEqual(['changes-requested', 'changes-requested']);
    // The manager's own objective is untouched by a review of Ann.
    expect((await objectivesOf(p.mgr)).map((o) => o.status)).toEqual(['draft']);

    const draft2 = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'draft', round: 2 });
    const ctx2 = await contextOf(f.db, draft2);
    expect(ctx2.values).toEqual(submissionSchemas.draft.parse(first));
    expect(ctx2.notes).toEqual(['Your reviewer asked for changes: Align "Keep customers" to churn']);
    const churnParent = ctx2.parents.find((x) => x.title === 'Cut churn')!;
    await submit(f.db, draft2, {
      objectives: [first.objectives[0], { title: 'Keep customers', parentObjectiveId: churnParent.id, keyResults: [kr.churn, kr.share] }],
    });
    const v2 = await objectivesOf(p.ann);
    expect(v2.map((o) => [o.title, o.status, o.round])).toEqual([
      ['Delight new users', 'superseded', 1],
      ['Keep customers', 'superseded', 1],
      ['Delight new users', 'draft', 2],
      ['Keep customers', 'draft', 2],
    ]);

    const review2 = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'review', round: 2, subjectPersonId: p.ann });
    expect((await contextOf(f.db, review2)).objectives.map((o) => o.parent)).toEqual(['Grow the team’s pipeline', 'Cut churn']);
    expect(await submit(f.db, review2, { decision: 'approve', comment: 'Good' })).toEqual({ decision: 'approve', comment: 'Good' });
    expect((await objectivesOf(p.ann)).map((o) => o.status)).toEqual(['superseded', 'superseded', 'approved', 'approved']);
    const reviews = await f.db.selectFrom('reviews').select(['reviewer_id', 'round', 'decision']).where('subject_id', '=', p.ann).orderBy('id').execute();
    expect(reviews).toEqual([
      { reviewer_id: p.mgr, round: 1, decision: 'changes' },
      { reviewer_id: p.mgr, round: 2, decision: 'approve' },
    ]);
    // The strategy review of the company objectives is not "your reviewer" for a person's draft.
    expect((await contextOf(f.db, draft2)).notes).toEqual([]);
  });

  it('drops a previous parent that is no longer offered from the re-draft prefill', async () => {
    const [mgrObjective] = await objectivesOf(p.mgr);
    const d1 = await openTask(f.db, { cycleId: cycle, personId: p.ben, kind: 'draft', round: 2 });
    await submit(f.db, d1, { objectives: [{ title: 'Ship faster', parentObjectiveId: mgrObjective!.id, keyResults: [kr.users, kr.launch] }] });
    // The manager re-drafts: the objective Ben aligned to is superseded.
    const mgr2 = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'draft', round: 2 });
    await submit(f.db, mgr2, { objectives: [{ title: 'Grow the pipeline', keyResults: [kr.users, kr.launch] }] });
    const d2 = await openTask(f.db, { cycleId: cycle, personId: p.ben, kind: 'draft', round: 3 });
    expect((await contextOf(f.db, d2)).values).toEqual({ objectives: [{ title: 'Ship faster', keyResults: [kr.users, kr.launch] }] });
  });

  it('loads a task as handlers see it', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'review', round: 3, subjectPersonId: p.ben });
    expect(await loadTaskRef(f.db, task.id)).toEqual({ ...task, locale: 'en' });
    expect(await loadTaskRef(f.db, 999_999)).toBeUndefined();
  });
});
