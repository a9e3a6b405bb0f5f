/** checkin, self-score, calibrate and the scores they lead to, against a real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeScores, suggestScore } from '../../core/scoring';
import type { KeyResultOption } from '../../kinds';
import { type Fixture, addCycle, addPerson, contextOf, kr, openFixture, openTask, rejected, submit } from '../support/kinds-fixture';

let f: Fixture;
let cycle: number;
const p = { mgr: 0, ann: 0, ben: 0 };
/** Ann's key results by name; Ben's first one. */
const ann = { users: 0, activation: 0, churn: 0, launch: 0, share: 0 };
let benUsers = 0;

const krRow = (id: number) =>
  f.db
    .selectFrom('key_results')
    .select(['current_value', 'done', 'confidence', 'self_score', 'score', 'score_comment'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const objectiveScores = (owner: number) =>
  f.db.selectFrom('objectives').select(['title', 'score']).where('owner_id', '=', owner).where('status', '!=', 'superseded').orderBy('position').execute();
const personScore = async (person: number) =>
  (await f.db.selectFrom('cycle_participants').select('score').where('cycle_id', '=', cycle).where('person_id', '=', person).executeTakeFirstOrThrow()).score;

beforeAll(async () => {
  f = await openFixture();
  p.mgr = await addPerson(f.db, { name: 'Max Manager', roles: ['manager'] });
  p.ann = await addPerson(f.db, { name: 'Ann Analyst', managerId: p.mgr });
  p.ben = await addPerson(f.db, { name: 'Ben Builder', managerId: p.mgr });
  cycle = await addCycle(f.db, 'q1', [p.mgr, p.ann, p.ben]);

  // A superseded first draft: its key results belong to no one any more.
  const old = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'draft' });
  await submit(f.db, old, { objectives: [{ title: 'Old objective', keyResults: [kr.users, kr.launch] }] });
  const draft = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'draft', round: 2 });
  await submit(f.db, draft, {
    objectives: [
      { title: 'Grow usage', keyResults: [kr.users, kr.activation, kr.churn] },
      { title: 'Ship onboarding', keyResults: [kr.launch, kr.share] },
    ],
  });
  const benDraft = await openTask(f.db, { cycleId: cycle, personId: p.ben, kind: 'draft' });
  await submit(f.db, benDraft, {
    objectives: [
      { title: 'Ben one', keyResults: [kr.users, kr.launch] },
      { title: 'Ben two', keyResults: [kr.activation, kr.churn] },
    ],
  });
  const ids = await f.db
    .selectFrom('key_results as k')
    .innerJoin('objectives as o', 'o.id', 'k.objective_id')
    .select(['k.id', 'k.title', 'o.owner_id', 'o.status'])
    .where('o.status', '!=', 'superseded')
    .orderBy('k.id')
    .execute();
  const byTitle = (owner: number, title: string) => ids.find((r) => r.owner_id === owner && r.title === title)!.id;
  ann.users = byTitle(p.ann, kr.users.title);
  ann.activation = byTitle(p.ann, kr.activation.title);
  ann.churn = byTitle(p.ann, kr.churn.title);
  ann.launch = byTitle(p.ann, kr.launch.title);
  ann.share = byTitle(p.ann, kr.share.title);
  benUsers = byTitle(p.ben, kr.users.title);
});
afterAll(async () => {
  await f?.close();
});

describe('check-ins', () => {
  it('prefills from the key results and records progress, the check-in and its execution items', async () => {
    const week1 = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'checkin', round: 1 });
    const ctx = await contextOf(f.db, week1);
    expect(ctx.notes).toEqual(['Week 1']);
    expect(ctx.keyResults.map((k) => k.keyResultId)).toEqual([ann.users, ann.activation, ann.churn, ann.launch, ann.share]);
    expect(ctx.keyResults[0]).toMatchObject({
      objectiveTitle: 'Grow usage',
      title: 'Weekly active users',
      kind: 'numeric',
      start: 100,
      target: 500,
      unit: 'users',
      current: null,
    });
    expect(ctx.values).toEqual({
      keyResults: [
        { keyResultId: ann.users, value: 100 },
        { keyResultId: ann.activation, value: 40 },
        { keyResultId: ann.churn, value: 10 },
        { keyResultId: ann.launch, done: false },
        { keyResultId: ann.share, value: 0 },
      ],
      // No confidence is chosen for the person.
      items: [],
      report: '',
    });

    expect(
      await submit(f.db, week1, {
        keyResults: [
          { keyResultId: ann.users, value: 300 },
          { keyResultId: ann.activation, value: 55 },
          { keyResultId: ann.churn, value: 12 },
          { keyResultId: ann.launch, done: true, value: 7 },
        ],
        confidence: 7,
        items: [
          { keyResultId: ann.users, kind: 'project', title: 'Referral programme' },
          { keyResultId: ann.launch, kind: 'task', title: 'Write the tour copy', status: 'done' },
        ],
        report: 'Good week',
      }),
    ).toEqual({});
    expect(await krRow(ann.users)).toMatchObject({ current_value: 300, done: null, confidence: 7 });
    expect(await krRow(ann.launch)).toMatchObject({ current_value: 1, done: true });
    expect(await krRow(ann.share)).toMatchObject({ current_value: null, done: null, confidence: null });
    const checkins = await f.db.selectFrom('checkins').selectAll().execute();
    expect(checkins).toHaveLength(1);
    expect(checkins[0]).toMatchObject({ task_id: week1.id, cycle_id: cycle, person_id: p.ann, week: 1, confidence: 7, report: 'Good week' });
    expect(checkins[0]!.values).toEqual([
      { keyResultId: ann.users, value: 300 },
      { keyResultId: ann.activation, value: 55 },
      { keyResultId: ann.churn, value: 12 },
      { keyResultId: ann.launch, done: true, value: 7 },
    ]);
    const items = await f.db
      .selectFrom('execution_items')
      .select(['key_result_id', 'checkin_id', 'person_id', 'week', 'kind', 'title', 'status'])
      .orderBy('id')
      .execute();
    expect(items).toEqual([
      { key_result_id: ann.users, checkin_id: checkins[0]!.id, person_id: p.ann, week: 1, kind: 'project', title: 'Referral programme', status: 'in-progress' },
      { key_result_id: ann.launch, checkin_id: checkins[0]!.id, person_id: p.ann, week: 1, kind: 'task', title: 'Write the tour copy', status: 'done' },
    ]);

    const week2 = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'checkin', round: 2 });
    const ctx2 = await contextOf(f.db, week2);
    // Week 1's open project carries forward (the done task does not); confidence is the person's to give again.
    expect(ctx2.notes).toEqual(['Week 2', 'Last week’s projects and tasks are filled in below: update their status or remove them.']);
    expect(ctx2.values).toMatchObject({ keyResults: [{ value: 300 }, { value: 55 }, { value: 12 }, { done: true }, { value: 0 }] });
    expect(ctx2.values).not.toHaveProperty('confidence');
    expect((ctx2.values as { items: unknown[] }).items).toEqual([
      { keyResultId: ann.users, kind: 'project', title: 'Referral programme', status: 'in-progress' },
    ]);
  });

  it('refuses someone else’s key result, a repeated one, a missing value, and writes nothing', async () => {
    const week3 = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'checkin', round: 3 });
    const issues = await rejected(f.db, week3, {
      keyResults: [
        { keyResultId: benUsers, value: 200 },
        { keyResultId: ann.users, value: 400 },
        { keyResultId: ann.users, value: 410 },
        { keyResultId: ann.activation, done: true },
        { keyResultId: ann.launch, value: 1 },
        { keyResultId: ann.share, value: 1300 },
      ],
      confidence: 3,
      items: [
        { keyResultId: ann.users, kind: 'task', title: 'Fine' },
        { keyResultId: benUsers, kind: 'task', title: 'Not mine' },
      ],
    });
    expect(issues).toMatchObject([
      { path: 'keyResults.0.keyResultId', message: 'is not one of your key results' },
      { path: 'keyResults.2.keyResultId', message: 'appears twice' },
      { path: 'keyResults.3.value', message: 'give the current value' },
      { path: 'keyResults.4.done', message: 'say whether it is done' },
      { path: 'keyResults.5.value', message: 'a percentage from 0 to 1,000' },
      { path: 'items.1.keyResultId', message: 'is not one of your key results' },
    ]);
    expect(await krRow(ann.users)).toMatchObject({ current_value: 300 });
    expect(await krRow(benUsers)).toMatchObject({ current_value: null });
    expect(await f.db.selectFrom('checkins').select('id').where('task_id', '=', week3.id).execute()).toEqual([]);
  });

  it('refuses a key result of the person’s own superseded draft', async () => {
    const [old] = await f.db
      .selectFrom('key_results as k')
      .innerJoin('objectives as o', 'o.id', 'k.objective_id')
      .select('k.id')
      .where('o.status', '=', 'superseded')
      .execute();
    const week4 = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'checkin', round: 4 });
    expect(await rejected(f.db, week4, { keyResults: [{ keyResultId: old!.id, value: 1 }], confidence: 5 })).toMatchObject([
      { path: 'keyResults.0.keyResultId', message: 'is not one of your key results' },
    ]);
  });
});

describe('scores', () => {
  it('suggests scores from progress', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'self-score' });
    const ctx = await contextOf(f.db, task);
    const suggested = (id: number) => ctx.keyResults.find((k: KeyResultOption) => k.keyResultId === id)!.suggestedScore;
    expect(suggested(ann.users)).toBe(0.5); // 100 → 500, at 300
    expect(suggested(ann.activation)).toBe(0.75); // 40 → 60, at 55: to 0.01, not silently 0.8
    expect(suggested(ann.churn)).toBe(0); // 10 → 5, at 12: worse than the start
    expect(suggested(ann.launch)).toBe(1); // done
    expect(suggested(ann.share)).toBeNull(); // never reported
    expect(ctx.values).toEqual({
      scores: [
        { keyResultId: ann.users, score: 0.5 },
        { keyResultId: ann.activation, score: 0.75 },
        { keyResultId: ann.churn, score: 0 },
        { keyResultId: ann.launch, score: 1 },
        { keyResultId: ann.share, score: 0 },
      ],
    });
    expect(suggestScore({ kind: 'numeric', start: 10, target: 5, current: 7, done: null })).toBe(0.6);
    expect(suggestScore({ kind: 'numeric', start: 0, target: 10, current: 25, done: null })).toBe(1);
    expect(suggestScore({ kind: 'milestone', start: 0, target: 1, current: 0, done: false })).toBe(0);
    expect(suggestScore({ kind: 'milestone', start: 0, target: 1, current: null, done: null })).toBeNull();
  });

  it('refuses a self score for someone else’s key result', async () => {
    const task = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'self-score', round: 2 });
    expect(
      await rejected(f.db, task, {
        scores: [
          { keyResultId: ann.users, score: 0.5 },
          { keyResultId: benUsers, score: 0.9 },
        ],
      }),
    ).toMatchObject([{ path: 'scores.1.keyResultId', message: 'is not one of your key results' }]);
    expect(await krRow(ann.users)).toMatchObject({ self_score: null });
    expect(await krRow(benUsers)).toMatchObject({ self_score: null });
  });

  it('objective = mean of its key results, person = mean of objectives, a calibrated score overrides the self score', async () => {
    const self = await openTask(f.db, { cycleId: cycle, personId: p.ann, kind: 'self-score', round: 3 });
    await submit(f.db, self, {
      scores: [
        { keyResultId: ann.users, score: 0.3, comment: 'Slow start' },
        { keyResultId: ann.activation, score: 0.4 },
        { keyResultId: ann.churn, score: 0.4 },
        { keyResultId: ann.launch, score: 1 },
        { keyResultId: ann.share, score: 0.4 },
      ],
    });
    expect(await krRow(ann.users)).toMatchObject({ self_score: 0.3, score: null, score_comment: 'Slow start' });
    // (0.3 + 0.4 + 0.4) / 3 = 0.3667 → 0.37; (1 + 0.4) / 2 = 0.7; person (0.3667 + 0.7) / 2 = 0.5333 → 0.53
    expect(await objectiveScores(p.ann)).toEqual([
      { title: 'Grow usage', score: 0.37 },
      { title: 'Ship onboarding', score: 0.7 },
    ]);
    expect(await personScore(p.ann)).toBe(0.53);

    const calibrate = await openTask(f.db, { cycleId: cycle, personId: p.mgr, kind: 'calibrate', subjectPersonId: p.ann });
    const ctx = await contextOf(f.db, calibrate);
    expect(ctx.subject).toEqual({ name: 'Ann Analyst', email: 'ann.analyst@example.com' });
    expect(ctx.keyResults.map((k) => k.selfScore)).toEqual([0.3, 0.4, 0.4, 1, 0.4]);
    expect(ctx.values).toEqual({
      scores: [
        { keyResultId: ann.users, score: 0.3 },
        { keyResultId: ann.activation, score: 0.4 },
        { keyResultId: ann.churn, score: 0.4 },
        { keyResultId: ann.launch, score: 1 },
        { keyResultId: ann.share, score: 0.4 },
      ],
    });

    expect(await rejected(f.db, calibrate, { scores: [{ keyResultId: benUsers, score: 0.5 }] })).toMatchObject([
      { path: 'scores.0.keyResultId', message: 'is not one of Ann Analyst’s key results' },
    ]);

    await submit(f.db, calibrate, { scores: [{ keyResultId: ann.share, score: 0.8 }] });
    expect(await krRow(ann.share)).toMatchObject({ self_score: 0.4, score: 0.8 });
    // Ship onboarding: (1 + 0.8) / 2 = 0.9; person (0.3667 + 0.9) / 2 = 0.6333 → 0.63
    expect(await objectiveScores(p.ann)).toEqual([
      { title: 'Grow usage', score: 0.37 },
      { title: 'Ship onboarding', score: 0.9 },
    ]);
    expect(await personScore(p.ann)).toBe(0.63);
    // Ben is untouched.
    expect(await personScore(p.ben)).toBeNull();
  });

  it('skips what has no score yet', async () => {
    const self = await openTask(f.db, { cycleId: cycle, personId: p.ben, kind: 'self-score' });
    await submit(f.db, self, { scores: [{ keyResultId: benUsers, score: 0.6 }] });
    expect(await objectiveScores(p.ben)).toEqual([
      { title: 'Ben one', score: 0.6 },
      { title: 'Ben two', score: null },
    ]);
    expect(await personScore(p.ben)).toBe(0.6);
    // Someone with no objectives at all has no score.
    expect(await recomputeScores(f.db, cycle, p.mgr)).toEqual({ objectives: [], person: null });
    expect(await personScore(p.mgr)).toBeNull();
  });
});
