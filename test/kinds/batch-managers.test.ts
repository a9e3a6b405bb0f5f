/**
 * Who counts as a manager for a batch's recipient rules, read per batch (kinds/recipients.ts
 * `managerIdsOfBatch`): for every participant of the batch and every manager of one, the answer is
 * the whole cycle's — an active participant who manages an active participant — whatever batch,
 * status or cycle the people around them are in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerIdsOfBatch } from '../../kinds/recipients';
import { type Fixture, addCycle, addPerson, openFixture } from '../support/kinds-fixture';

let f: Fixture;
let cycle: number;
interface Person {
  id: number;
  managerId: number | null;
  active: boolean;
}
const people: Person[] = [];
/** person id → batch, for the cycle's participants; removed ones separately. */
const batchOf = new Map<number, number>();
const removed = new Set<number>();

/** A small deterministic generator, so a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

beforeAll(async () => {
  f = await openFixture();
  const next = random(17);
  for (let i = 0; i < 90; i++) {
    // Managers come from earlier people, so chains cross batches; some have none.
    const managerId = i > 0 && next() < 0.85 ? people[Math.floor(next() * Math.min(i, 12 + i / 3))]!.id : null;
    const active = next() > 0.1;
    const id = await addPerson(f.db, {
      name: `Person ${String.fromCharCode(97 + (i % 26))}${'x'.repeat(Math.floor(i / 26))}`,
      ...(managerId ? { managerId } : {}),
      active,
    });
    people.push({ id, managerId, active });
  }
  const inCycle: number[] = [];
  const out: number[] = [];
  for (const p of people) {
    const r = next();
    if (r < 0.1) continue; // not in the cycle at all
    if (r < 0.18) out.push(p.id);
    else inCycle.push(p.id);
  }
  cycle = await addCycle(f.db, '2027-Q1', inCycle, out);
  // Another cycle with everyone in it must not count.
  await addCycle(
    f.db,
    '2026-Q4',
    people.map((p) => p.id),
  );
  for (const [i, id] of [...inCycle, ...out].entries()) {
    const batch = i % 3;
    await f.db.updateTable('cycle_participants').set({ batch_no: batch }).where('cycle_id', '=', cycle).where('person_id', '=', id).execute();
    batchOf.set(id, batch);
  }
  for (const id of out) removed.add(id);
});
afterAll(async () => {
  await f?.close();
});

describe('managers of a batch', () => {
  it('answers as the whole cycle does for every participant of the batch and every manager of one', async () => {
    const activeParticipant = (id: number) => batchOf.has(id) && !removed.has(id) && people.find((p) => p.id === id)!.active;
    const cycleManagers = new Set(
      people.filter((p) => activeParticipant(p.id) && p.managerId !== null && activeParticipant(p.managerId)).map((p) => p.managerId!),
    );
    expect(cycleManagers.size).toBeGreaterThan(5);
    let asked = 0;
    for (const batch of [0, 1, 2]) {
      const got = await managerIdsOfBatch(f.db, cycle, batch);
      const members = [...batchOf].filter(([, b]) => b === batch).map(([id]) => id);
      const concerned = new Set([...members, ...members.map((id) => people.find((p) => p.id === id)!.managerId).filter((id): id is number => id !== null)]);
      for (const id of concerned) expect(got.has(id), `person ${id} in batch ${batch}`).toBe(cycleManagers.has(id));
      // Nobody else is answered for, and nobody outside the rule.
      for (const id of got) expect(concerned.has(id) && cycleManagers.has(id)).toBe(true);
      asked += concerned.size;
    }
    expect(asked).toBeGreaterThan(people.length);
  });

  it('knows no managers in a batch nobody is in', async () => {
    expect((await managerIdsOfBatch(f.db, cycle, 7)).size).toBe(0);
  });
});
