/**
 * A kind's `emailExtras` reads what a batch's emails list in one go; it must give each email what
 * the task's own context would (the outbox falls back to the context when a kind has none).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TaskRef, kinds } from '../../kinds';
import { type Fixture, addCycle, addPerson, contextOf, kr, openFixture, openTask, submit } from '../support/kinds-fixture';

let f: Fixture;
const tasks: TaskRef[] = [];

beforeAll(async () => {
  f = await openFixture();
  const mgr = await addPerson(f.db, { name: 'Mia Lead', roles: ['manager'] });
  const ann = await addPerson(f.db, { name: 'Ann Early', managerId: mgr });
  const ben = await addPerson(f.db, { name: 'Ben Later', managerId: mgr });
  const other = await addPerson(f.db, { name: 'Oda Other' });
  const cycle = await addCycle(f.db, 'extras-q1', [mgr, ann, ben]);
  const otherCycle = await addCycle(f.db, 'extras-q2', [other, ann]);
  // Ann redrafted: only her second round's key results are current.
  await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: ann, kind: 'draft' }), {
    objectives: [{ title: 'Old', keyResults: [kr.users, kr.share] }],
  });
  await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: ann, kind: 'draft', round: 2 }), {
    objectives: [
      { title: 'Grow usage', keyResults: [kr.users, kr.activation] },
      { title: 'Ship onboarding', keyResults: [kr.launch, kr.churn] },
    ],
  });
  await submit(f.db, await openTask(f.db, { cycleId: cycle, personId: ben, kind: 'draft' }), {
    objectives: [{ title: 'Ben', keyResults: [kr.churn, kr.share] }],
  });
  await submit(f.db, await openTask(f.db, { cycleId: otherCycle, personId: other, kind: 'draft' }), {
    objectives: [{ title: 'Oda', keyResults: [kr.launch, kr.users] }],
  });
  await submit(f.db, await openTask(f.db, { cycleId: otherCycle, personId: ann, kind: 'draft' }), {
    objectives: [{ title: 'Ann elsewhere', keyResults: [kr.share, kr.activation, kr.users] }],
  });
  // The manager has no objectives: an empty list, not a missing entry.
  for (const [cycleId, personId] of [
    [cycle, ann],
    [cycle, ben],
    [cycle, mgr],
    [otherCycle, other],
    [otherCycle, ann],
  ] as const)
    tasks.push(await openTask(f.db, { cycleId, personId, kind: 'checkin', round: 3 }));
});
afterAll(async () => {
  await f?.close();
});

describe('check-in emails of a whole batch', () => {
  it('list for each task the key results its own context gives, in the same order', async () => {
    const extras = await kinds.checkin.emailExtras!(f.db, tasks);
    expect([...extras.keys()].sort()).toEqual(tasks.map((t) => t.id).sort());
    for (const task of tasks) {
      const context = await contextOf(f.db, task);
      expect(extras.get(task.id)).toEqual({ keyResults: context.keyResults, objectives: context.objectives });
    }
    const counts = tasks.map((t) => extras.get(t.id)!.keyResults!.length);
    expect(counts).toEqual([4, 2, 0, 2, 3]);
  });
});
