/** The rules the repositories hold once: finding a cycle by key, and which objectives are current. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type ObjectiveStatus } from '../../contract';
import { AppError } from '../../core/errors';
import { findCycleByKey, requireCycleByKey } from '../../db/cycles';
import { currentObjectives, isCurrentObjective } from '../../db/objectives';
import { participantsWithObjectives } from '../../db/participants';
import { type Fixture, addCycle, addPerson, openFixture } from '../support/kinds-fixture';

let f: Fixture;
let cycle: number;
let other: number;
const p = { ann: 0, ben: 0, cat: 0 };

async function objective(cycleId: number, owner: number | null, title: string, status: ObjectiveStatus, withKeyResult = true): Promise<number> {
  const row = await f.db
    .insertInto('objectives')
    .values({ cycle_id: cycleId, owner_id: owner, task_id: null, position: 0, title, parent_objective_id: null, status })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (withKeyResult)
    await f.db
      .insertInto('key_results')
      .values({ objective_id: row.id, position: 0, title: 'Ship it', kind: 'milestone', start_value: null, target_value: null, unit: null })
      .execute();
  return row.id;
}

beforeAll(async () => {
  f = await openFixture();
  p.ann = await addPerson(f.db, { name: 'Ann' });
  p.ben = await addPerson(f.db, { name: 'Ben' });
  p.cat = await addPerson(f.db, { name: 'Cat' });
  cycle = await addCycle(f.db, '2027-Q1', [p.ann, p.ben, p.cat]);
  other = await addCycle(f.db, '2026-Q4', [p.ann]);
  await objective(cycle, p.ann, 'Old draft', 'superseded');
  await objective(cycle, p.ann, 'New draft', 'draft');
  await objective(cycle, p.ann, 'Approved', 'approved');
  await objective(cycle, p.ann, 'To change', 'changes-requested');
  await objective(cycle, null, 'Company', 'approved');
  await objective(cycle, null, 'Old company', 'superseded');
  // Ben's only objective was superseded; Cat's current one has no key results.
  await objective(cycle, p.ben, 'Ben old', 'superseded');
  await objective(cycle, p.cat, 'Cat bare', 'draft', false);
  await objective(other, p.ann, 'Last quarter', 'approved');
});
afterAll(async () => {
  await f?.close();
});

describe('finding a cycle by key', () => {
  it('finds the cycle, or answers undefined for an unknown key', async () => {
    expect((await findCycleByKey(f.db, '2027-Q1'))?.id).toBe(cycle);
    expect(await findCycleByKey(f.db, '2027-Q2')).toBeUndefined();
  });

  it('throws NOT_FOUND naming the key when required', async () => {
    expect((await requireCycleByKey(f.db, '2026-Q4')).id).toBe(other);
    const error = await requireCycleByKey(f.db, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.notFound, message: 'no cycle with key nope' });
  });

  it('works inside a transaction', async () => {
    const id = await f.db.transaction().execute(async (tx) => (await requireCycleByKey(tx, '2027-Q1')).id);
    expect(id).toBe(cycle);
  });
});

describe('current objectives', () => {
  it('are every objective of the cycle that is not superseded, company ones included', async () => {
    const rows = await currentObjectives(f.db, cycle).select(['o.title', 'o.status']).orderBy('o.id').execute();
    expect(rows.map((r) => r.title)).toEqual(['New draft', 'Approved', 'To change', 'Company', 'Cat bare']);
  });

  it('narrow to one owner and one cycle', async () => {
    const ann = await currentObjectives(f.db, other).where('o.owner_id', '=', p.ann).select('o.title').execute();
    expect(ann.map((r) => r.title)).toEqual(['Last quarter']);
  });

  it('hold as a join condition (isCurrentObjective)', async () => {
    const rows = await f.db
      .selectFrom('people as p')
      .leftJoin('objectives as o', (j) => j.onRef('o.owner_id', '=', 'p.id').on('o.cycle_id', '=', cycle).on(isCurrentObjective('o')))
      .select(['p.name', (eb) => eb.fn.count<string>('o.id').as('n')])
      .groupBy('p.name')
      .orderBy('p.name')
      .execute();
    expect(rows.map((r) => [r.name, Number(r.n)])).toEqual([
      ['Ann', 3],
      ['Ben', 0],
      ['Cat', 1],
    ]);
  });

  it('decide who takes part in the steps that need objectives with key results', async () => {
    const owning = await participantsWithObjectives(f.db, cycle).select('p.name').orderBy('p.name').execute();
    const others = await participantsWithObjectives(f.db, cycle, false).select('p.name').orderBy('p.name').execute();
    expect(owning.map((r) => r.name)).toEqual(['Ann']);
    expect(others.map((r) => r.name)).toEqual(['Ben', 'Cat']);
  });
});
