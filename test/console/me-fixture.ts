/**
 * A small organisation for the personal homes' tests (tag me15), on the real stack: Boss manages
 * Ana (Sales, Asia/Shanghai) and Ben; Otto manages Olga (Ops); Amy is the Sales ambassador,
 * Hana is HR. A cycle where Ana, Ben and Olga take part, a company objective that Boss's
 * objective serves and Ana's serves in turn, and week 1 of check-ins done by everyone through
 * their task links (the batch workflow records them); `openWeek(2)` opens the next week.
 */
import { expect } from 'vitest';
import { closeBatchSignal } from '../../contract';
import { seedCycle, seedObjective, seedPeople } from '../mail/seed';
import { type TestStack, poll } from '../support/stack';
import { type FoundTask, openTask } from '../support/tasks';

export const TAG = 'me15';
export const email = (name: string) => `${name}.${TAG}@example.com`;

export interface MeWorld {
  ids: Record<string, number>;
  cycle: { id: number; key: string; title: string };
  /** Key results by person: [numeric "Active teams", milestone "Tour live"]. */
  krs: Record<string, number[]>;
  companyObjectiveId: number;
  batchId(week: number): string;
}

export async function buildWorld(t: TestStack): Promise<MeWorld> {
  const db = t.stack.database.db;
  const people = await seedPeople(
    db,
    ['boss', 'ana', 'ben', 'otto', 'olga', 'amy', 'hana'].map((n) => ({ email: email(n), name: `${n[0]!.toUpperCase()}${n.slice(1)} ${TAG.toUpperCase()}` })),
  );
  const ids = Object.fromEntries(people.map((p) => [p.email.split('.')[0]!, p.id]));
  const set = (name: string, values: Record<string, unknown>) => db.updateTable('people').set(values).where('id', '=', ids[name]!).execute();
  await set('boss', { roles: ['manager'], department: `Sales-${TAG}` });
  await set('ana', { manager_id: ids.boss, department: `Sales-${TAG}`, time_zone: 'Asia/Shanghai' });
  await set('ben', { manager_id: ids.boss, department: `Sales-${TAG}` });
  await set('otto', { roles: ['manager'], department: `Ops-${TAG}` });
  await set('olga', { manager_id: ids.otto, department: `Ops-${TAG}` });
  await set('amy', { roles: ['ambassador'], department: `Sales-${TAG}` });
  await set('hana', { roles: ['hr'] });

  const cycle = await seedCycle(db, `Q1 2027 ${TAG}`, [ids.ana!, ids.ben!, ids.olga!]);
  await db.updateTable('cycles').set({ hr_person_id: ids.hana! }).where('id', '=', cycle.id).execute();
  const company = await db
    .insertInto('objectives')
    .values({ cycle_id: cycle.id, owner_id: null, position: 0, title: `Win the market ${TAG}`, status: 'approved' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Boss's objective (Boss is not a participant: no check-in tasks) serves the company's; Ana's serves Boss's.
  const [bossKr] = await seedObjective(db, cycle.id, ids.boss!, `Grow Sales ${TAG}`, [
    { title: 'Revenue', kind: 'numeric', start: 0, target: 100, unit: 'kEUR' },
  ]);
  const bossObjective = (await db.selectFrom('key_results').select('objective_id').where('id', '=', bossKr!).executeTakeFirstOrThrow()).objective_id;
  await db.updateTable('objectives').set({ parent_objective_id: company.id }).where('id', '=', bossObjective).execute();
  const krs: Record<string, number[]> = {};
  for (const name of ['ana', 'ben', 'olga']) {
    krs[name] = await seedObjective(db, cycle.id, ids[name]!, `Grow usage ${name} ${TAG}`, [
      { title: `Active teams ${name}`, kind: 'numeric', start: 100, target: 500, unit: 'teams' },
      { title: `Tour live ${name}`, kind: 'milestone' },
    ]);
  }
  const anaObjective = (await db.selectFrom('key_results').select('objective_id').where('id', '=', krs.ana![0]!).executeTakeFirstOrThrow()).objective_id;
  await db.updateTable('objectives').set({ parent_objective_id: bossObjective }).where('id', '=', anaObjective).execute();
  await db.updateTable('key_results').set({ current_value: 40 }).where('id', '=', bossKr!).execute();

  const world: MeWorld = { ids, cycle, krs, companyObjectiveId: company.id, batchId: (week) => `okr-cycle:${cycle.key}:checkins:w${week}:b0` };
  await openWeek(t, world, 1);
  // Week 1: everyone checks in through their link; the week's batch then ends.
  const values: Record<string, [string, string, string]> = {
    ana: ['150', '7', 'Referral programme'],
    ben: ['120', '5', 'Partner list'],
    olga: ['110', '3', 'Ops audit'],
  };
  for (const name of ['ana', 'ben', 'olga']) {
    const task = await openTask(t, cycle.key, email(name), 'checkin', { round: 1 });
    const [teams, tour] = krs[name]!;
    const [value, confidence, item] = values[name]!;
    const res = await postForm(task, {
      [`kr${teams}.value`]: value,
      ...(name === 'ana' ? { [`kr${tour}.done`]: 'on' } : {}),
      confidence,
      'item0.kr': String(teams),
      'item0.kind': 'project',
      'item0.title': `${item} ${TAG}`,
      'item0.status': 'in-progress',
      report: `Week one of ${name}`,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }
  await waitForBatchEnd(t, world.batchId(1));
  return world;
}

export async function openWeek(t: TestStack, world: MeWorld, week: number, dueInMs = 3600_000): Promise<void> {
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId: world.batchId(week),
    args: [
      {
        cycleKey: world.cycle.key,
        phase: 'checkins',
        batchNo: 0,
        opening: { kind: 'checkin', round: week, dueAt: new Date(Date.now() + dueInMs).toISOString() },
        policy: { reminders: [], escalations: [], expireAfter: '1d', timeZone: 'UTC' },
      },
    ],
  });
}

/** HR closes a week early (the batch ends; its open tasks expire). */
export async function closeWeek(t: TestStack, world: MeWorld, week: number): Promise<void> {
  await t.temporal.client.workflow.getHandle(world.batchId(week)).signal(closeBatchSignal, { status: 'expired', reason: `test ${TAG}` });
  await waitForBatchEnd(t, world.batchId(week));
}

export async function waitForBatchEnd(t: TestStack, workflowId: string): Promise<void> {
  const handle = t.temporal.client.workflow.getHandle(workflowId);
  await poll(
    async () => (await handle.describe()).status.name,
    (s) => s === 'COMPLETED',
    30_000,
    `${workflowId} to end`,
  );
}

export const postForm = (task: FoundTask, form: Record<string, string>) =>
  fetch(task.link, { method: 'POST', headers: { origin: new URL(task.link).origin, accept: 'text/html' }, body: new URLSearchParams(form) });
