/**
 * A check-in can be corrected until its window closes, even when everyone has answered: the
 * week's batch (holdUntilDue) stays open until its due time and decides. On the time-skipping
 * server with the real database: all answer, one corrects from the page, the stored check-in is
 * the corrected one; after the window the batch has ended and a correction is refused, in the
 * person's language, with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { seedCycle, seedObjective, seedPeople } from '../mail/seed';
import { recordHistoriesOf } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { type FoundTask, openTask, submit } from '../support/tasks';
import { startTimeSkipping } from '../support/time-skipping';

const DAY = 86_400_000;
let t: TestStack;
let env: TestWorkflowEnvironment;
let cycle: { id: number; key: string };
let dueAt: number;
const krs: Record<string, number[]> = {};
const db = () => t.stack.database.db;
const workflowId = () => `okr-cycle:${cycle.key}:checkins:w1:b0`;

beforeAll(async () => {
  const ts = await startTimeSkipping();
  env = ts.env;
  t = await startTestStack({ database: 'postgres', temporal: ts.access });
  const people = await seedPeople(db(), [
    { email: 'bo@cal13.example', name: 'Bo Builder' },
    { email: 'dee@cal13.example', name: '邓怡', locale: 'zh-CN' },
    { email: 'ana@cal13.example', name: 'Ana HR' },
  ]);
  const participants = people.filter((p) => p.email !== 'ana@cal13.example');
  cycle = await seedCycle(
    db(),
    'Q1 2027 cal13',
    participants.map((p) => p.id),
  );
  await db().updateTable('cycles').set({ hr_person_id: people[2]!.id }).where('id', '=', cycle.id).execute();
  for (const p of participants) {
    krs[p.email] = await seedObjective(db(), cycle.id, p.id, 'Grow usage', [
      { title: 'Active teams', kind: 'numeric', start: 100, target: 500, unit: 'teams' },
      { title: 'Tour live', kind: 'milestone' },
    ]);
  }
  dueAt = Number(await env.currentTimeMs()) + 2 * DAY;
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId: workflowId(),
    args: [
      {
        cycleKey: cycle.key,
        phase: 'checkins',
        batchNo: 0,
        opening: { kind: 'checkin', round: 1, dueAt: new Date(dueAt).toISOString() },
        policy: { reminders: [], escalations: [], expireAfter: '0s', timeZone: 'UTC' },
        holdUntilDue: true,
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  // RECORD_HISTORIES=1: the batch's history joins test/histories (the replay test replays it).
  if (t && cycle) await recordHistoriesOf(t.temporal.client, [workflowId()], 'checkin-window');
  await t?.stop();
  await env?.teardown();
});

const post = (task: FoundTask, form: Record<string, string>) =>
  fetch(task.link, { method: 'POST', headers: { origin: new URL(task.link).origin, accept: 'text/html' }, body: new URLSearchParams(form) });
const stored = async (taskId: number) => {
  const rows = await db().selectFrom('checkins').select(['confidence', 'report']).where('task_id', '=', taskId).execute();
  const task = await db().selectFrom('tasks').select(['status', 'result']).where('id', '=', taskId).executeTakeFirstOrThrow();
  return { rows, status: task.status, confidence: (task.result as { submission: { confidence: number } }).submission.confidence };
};
const status = async () => (await t.temporal.client.workflow.getHandle(workflowId()).describe()).status.name;

describe('a check-in window', () => {
  let bo: FoundTask;
  let dee: FoundTask;

  it('stays open after everyone answered, and a correction replaces the stored check-in', { timeout: 120_000 }, async () => {
    bo = await openTask(t, cycle.key, 'bo@cal13.example', 'checkin');
    dee = await openTask(t, cycle.key, 'dee@cal13.example', 'checkin');
    for (const [task, email] of [
      [bo, 'bo@cal13.example'],
      [dee, 'dee@cal13.example'],
    ] as const) {
      const [teams, tour] = krs[email]!;
      await submit(task, {
        keyResults: [
          { keyResultId: teams, value: 150 },
          { keyResultId: tour, done: false },
        ],
        confidence: 4,
        report: 'First take.',
      });
    }
    // Everyone has answered, a day passes: the week is still open (it closes at its due time).
    await env.sleep(DAY);
    expect(await status()).toBe('RUNNING');
    const [teams] = krs['bo@cal13.example']!;
    const again = await post(bo, { [`kr${teams}.value`]: '190', confidence: '7', report: 'Corrected: two more teams.' });
    expect(again.status, await again.clone().text()).toBe(200);
    expect(await stored(bo.id)).toEqual({ rows: [{ confidence: 7, report: 'Corrected: two more teams.' }], status: 'completed', confidence: 7 });
    expect((await stored(dee.id)).confidence).toBe(4);
  });

  it('after the window the batch has ended and a correction is refused in the person’s language; nothing changes', { timeout: 120_000 }, async () => {
    await env.sleep(DAY + 60_000);
    await poll(status, (s) => s === 'COMPLETED', 30_000, 'the week to end at its due time');
    const [boTeams] = krs['bo@cal13.example']!;
    const late = await post(bo, { [`kr${boTeams}.value`]: '999', confidence: '2' });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('It can no longer be corrected');
    const [deeTeams] = krs['dee@cal13.example']!;
    const lateZh = await post(dee, { [`kr${deeTeams}.value`]: '999', confidence: '2' });
    expect(lateZh.status).toBe(410);
    const zh = await lateZh.text();
    expect(zh).toContain('已无法修改');
    expect(zh).not.toContain('It can no longer be corrected');
    expect((await stored(bo.id)).confidence).toBe(7);
    expect((await stored(dee.id)).confidence).toBe(4);
  });
});
