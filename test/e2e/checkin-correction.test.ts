/**
 * A check-in corrected from its page while the week is open, through the batch workflow
 * (correctTask update) on the real parts: the week's check-in and items are replaced, the key
 * results take the new values, the task stays completed once. When the batch has closed, the
 * correction is refused and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCycle, seedObjective, seedPeople } from '../mail/seed';
import { type TestStack, freePort, poll, startTestStack } from '../support/stack';
import { type FoundTask, openTask, submit } from '../support/tasks';

let t: TestStack;
let cycle: { id: number; key: string };
const krs: Record<string, number[]> = {};
const db = () => t.stack.database.db;

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres', env: { SMTP_URL: '', MAILBOX_PORT: String(await freePort()), INBOUND_SMTP_PORT: '0' } });
  const people = await seedPeople(db(), [
    { email: 'bo@example.com', name: 'Bo Builder' },
    { email: 'dee@example.com', name: 'Dee Doer' },
    { email: 'ana@example.com', name: 'Ana HR' },
  ]);
  const participants = people.filter((p) => p.email !== 'ana@example.com');
  cycle = await seedCycle(
    db(),
    'Q1 2027',
    participants.map((p) => p.id),
  );
  await db().updateTable('cycles').set({ hr_person_id: people[2]!.id }).where('id', '=', cycle.id).execute();
  for (const p of participants) {
    krs[p.email] = await seedObjective(db(), cycle.id, p.id, 'Grow usage', [
      { title: 'Active teams', kind: 'numeric', start: 100, target: 500, unit: 'teams' },
      { title: 'Tour live', kind: 'milestone' },
    ]);
  }
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId: `okr-cycle:${cycle.key}:checkins:w1:b0`,
    args: [
      {
        cycleKey: cycle.key,
        phase: 'checkins',
        batchNo: 0,
        opening: { kind: 'checkin', round: 1, dueAt: new Date(Date.now() + 3600_000).toISOString() },
        policy: { reminders: [], escalations: [], expireAfter: '1d', timeZone: 'UTC' },
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const post = (task: FoundTask, form: Record<string, string>) =>
  fetch(task.link, { method: 'POST', headers: { origin: new URL(task.link).origin, accept: 'text/html' }, body: new URLSearchParams(form) });

async function weekOf(taskId: number) {
  const checkins = await db().selectFrom('checkins').select(['id', 'confidence']).where('task_id', '=', taskId).execute();
  const items = await db()
    .selectFrom('execution_items')
    .select(['title', 'checkin_id'])
    .where('checkin_id', 'in', checkins.length ? checkins.map((c) => c.id) : [0])
    .execute();
  const task = await db().selectFrom('tasks').select(['status', 'completed_at', 'result']).where('id', '=', taskId).executeTakeFirstOrThrow();
  const kr = await db().selectFrom('key_results').select('current_value').where('id', '=', krs['bo@example.com']![0]!).executeTakeFirstOrThrow();
  return { checkins, items, task, value: kr.current_value };
}

describe('correcting a check-in', () => {
  it('is possible from the page while the week is open, and replaces the week’s answer', async () => {
    const bo = await openTask(t, cycle.key, 'bo@example.com', 'checkin');
    const [teams, tour] = krs['bo@example.com']!;
    const first = await post(bo, {
      [`kr${teams}.value`]: '150',
      [`kr${tour}.done`]: 'on',
      confidence: '6',
      'item0.kr': String(teams),
      'item0.kind': 'project',
      'item0.title': 'Referral programme',
      'item0.status': 'in-progress',
    });
    expect(first.status, await first.clone().text()).toBe(200);
    const before = await weekOf(bo.id);
    expect(before.checkins).toMatchObject([{ confidence: 6 }]);
    expect(before.value).toBe(150);

    // The link now shows the answer sent, and says until when it can be corrected.
    const page = await (await fetch(bo.link)).text();
    expect(page).toContain('You can correct it until');
    expect(page).toMatch(/<option value="6" selected>/);
    expect(page).toMatch(/id="item0\.title"[^>]*value="Referral programme"/);

    const again = await post(bo, {
      [`kr${teams}.value`]: '180',
      confidence: '8',
      'item0.kr': String(teams),
      'item0.kind': 'task',
      'item0.title': 'Partner webinar',
      'item0.status': 'planned',
    });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('your check-in is saved');
    const after = await weekOf(bo.id);
    expect(after.checkins).toHaveLength(1);
    expect(after.checkins[0]).toMatchObject({ confidence: 8 });
    expect(after.items.map((i) => i.title)).toEqual(['Partner webinar']);
    expect(after.value).toBe(180);
    expect(after.task.status).toBe('completed');
    expect(new Date(after.task.completed_at!).toISOString()).toBe(new Date(before.task.completed_at!).toISOString());
    expect((after.task.result as { submission: { confidence: number } }).submission.confidence).toBe(8);
    const audit = await db().selectFrom('audit_log').select('action').where('subject', '=', `task:${bo.id}`).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['task.completed', 'task.corrected']));

    // A refused correction comes back with the errors and changes nothing.
    const bad = await post(bo, { [`kr${teams}.value`]: 'lots', confidence: '8' });
    expect(bad.status).toBe(400);
    expect((await weekOf(bo.id)).value).toBe(180);
    // JSON clients keep the documented answer: a second submission is refused.
    await submit(
      bo,
      {
        keyResults: [
          { keyResultId: teams, value: 1 },
          { keyResultId: tour, done: false },
        ],
        confidence: 1,
      },
      409,
    );
  });

  it('is refused once the batch has closed, and nothing changes', async () => {
    const dee = await openTask(t, cycle.key, 'dee@example.com', 'checkin');
    const [teams, tour] = krs['dee@example.com']!;
    await submit(dee, {
      keyResults: [
        { keyResultId: teams, value: 120 },
        { keyResultId: tour, done: false },
      ],
      confidence: 5,
    });
    // Everyone has checked in: the week's batch ends.
    const handle = t.temporal.client.workflow.getHandle(`okr-cycle:${cycle.key}:checkins:w1:b0`);
    await poll(
      async () => (await handle.describe()).status.name,
      (s) => s === 'COMPLETED',
      30_000,
      'the batch to end',
    );
    const bo = await db()
      .selectFrom('tasks as t')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .select('t.id')
      .where('p.email', '=', 'bo@example.com')
      .executeTakeFirstOrThrow();
    const boTask = { id: bo.id, link: (await openTaskLink('bo@example.com')).link } as FoundTask;
    const [boTeams] = krs['bo@example.com']!;
    const late = await post(boTask, { [`kr${boTeams}.value`]: '999', confidence: '2' });
    expect(late.status).toBe(410);
    expect((await weekOf(bo.id)).value).toBe(180);
    expect((await weekOf(bo.id)).checkins).toMatchObject([{ confidence: 8 }]);
  });
});

/** The link of a person's check-in task, whatever its status (openTask finds only open ones). */
async function openTaskLink(email: string): Promise<{ link: string }> {
  const { taskToken } = await import('../../core/tokens');
  const { TEST_TOKEN_SECRET } = await import('../support/stack');
  const row = await db()
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .select(['t.cycle_id', 't.round', 't.person_id'])
    .where('p.email', '=', email)
    .where('t.kind', '=', 'checkin')
    .executeTakeFirstOrThrow();
  return { link: `${t.base}/t/${taskToken(TEST_TOKEN_SECRET, { cycleId: row.cycle_id, kind: 'checkin', round: row.round, personId: row.person_id })}` };
}
