/**
 * What a completion group costs its batch. Each group's submissions are written by a local
 * activity inside the workflow task that accepted the update (patch `local-record-v1`), and the
 * batch keeps its one timer while completions and signals come in (patch `steady-wake-v1`):
 * completions that leave the earliest reminder where it was cancel no timer and start none, an
 * extension that moves the reminder later lets the armed timer wake the batch early (nothing is
 * sent then), and the reminder still goes out at its new time to the tasks still open. On the
 * time-skipping server with the real database and activities; the history is recorded for the
 * replay test (RECORD_HISTORIES=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { completeTasksUpdate, extendTasksSignal } from '../../contract';
import { GOOD_DRAFT } from '../e2e/drafting-flow';
import { seedCycle, seedPeople } from '../mail/seed';
import { recordHistoriesOf } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { startTimeSkipping } from '../support/time-skipping';

const DAY = 86_400_000;
const EMAILS = ['ada@perf-wake.example', 'ben@perf-wake.example', 'cy@perf-wake.example', 'dia@perf-wake.example'];
let t: TestStack;
let env: TestWorkflowEnvironment;
let cycle: { id: number; key: string };
let start: number;
const db = () => t.stack.database.db;
const workflowId = () => `okr-cycle:${cycle.key}:drafting:r1:b0`;
const handle = () => t.temporal.client.workflow.getHandle(workflowId());

beforeAll(async () => {
  const ts = await startTimeSkipping();
  env = ts.env;
  t = await startTestStack({ database: 'postgres', temporal: ts.access });
  const people = await seedPeople(
    db(),
    [...EMAILS, 'hr@perf-wake.example'].map((email) => ({ email, name: email.split('@')[0]! })),
  );
  cycle = await seedCycle(
    db(),
    'Q1 2027 perf wake',
    people.slice(0, EMAILS.length).map((p) => p.id),
  );
  await db()
    .updateTable('cycles')
    .set({ hr_person_id: people.at(-1)!.id })
    .where('id', '=', cycle.id)
    .execute();
  start = Number(await env.currentTimeMs());
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId: workflowId(),
    args: [
      {
        cycleKey: cycle.key,
        phase: 'drafting',
        batchNo: 0,
        opening: { kind: 'draft', round: 1, dueAt: new Date(start + 3 * DAY).toISOString() },
        // One reminder a day before the due time; an unfinished task expires a day after it.
        policy: { reminders: ['1d'], escalations: [], expireAfter: '1d', timeZone: 'UTC' },
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  if (t && cycle) await recordHistoriesOf(t.temporal.client, [workflowId()], 'steady-wake');
  await t?.stop();
  await env?.teardown();
});

const tasks = () =>
  poll(
    () => db().selectFrom('tasks').select(['id', 'status']).where('cycle_id', '=', cycle.id).orderBy('id').execute(),
    (rows) => rows.length === EMAILS.length,
    30_000,
    'the batch to open its tasks',
  );
const reminders = () =>
  db().selectFrom('emails').select(['task_id']).where('cycle_id', '=', cycle.id).where('kind', '=', 'task-reminder').orderBy('task_id').execute();
const complete = (taskId: number) => handle().executeUpdate(completeTasksUpdate, { args: [{ items: [{ taskId, via: 'json', submission: GOOD_DRAFT }] }] });
async function historyCounts() {
  const events = (await handle().fetchHistory()).events ?? [];
  return {
    started: events.filter((e) => e.timerStartedEventAttributes).length,
    cancelled: events.filter((e) => e.timerCanceledEventAttributes).length,
    updates: events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).length,
    activities: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []),
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
  };
}

describe('a batch’s timer across completions', () => {
  let ids: number[];

  it('is started once and not cancelled by completions that leave the next reminder in place', { timeout: 60_000 }, async () => {
    ids = (await tasks()).map((r) => r.id);
    // The invitations are out and the batch waits for the reminder (day 2).
    await poll(historyCounts, (e) => e.started === 1, 30_000, 'the batch to arm its timer');
    for (const id of ids.slice(0, 2)) {
      const { outcomes } = await complete(id);
      expect(outcomes).toEqual([expect.objectContaining({ taskId: id, status: 'completed' })]);
    }
    // Before the patch: one timer cancelled and one started per completion.
    expect(await historyCounts()).toMatchObject({ started: 1, cancelled: 0, updates: 2, localActivities: 2 });
  });

  it('wakes early after an extension without sending, and reminds the open tasks at the new time', { timeout: 120_000 }, async () => {
    // Two more days for the open tasks: their reminder moves from day 2 to day 4.
    await handle().signal(extendTasksSignal, { dueAt: new Date(start + 5 * DAY).toISOString() });
    await env.sleep(2.5 * DAY);
    expect(await reminders()).toEqual([]);
    await env.sleep(2 * DAY);
    const reminded = await poll(reminders, (rows) => rows.length === 2, 30_000, 'the reminders of the two open tasks');
    expect(reminded.map((r) => r.task_id)).toEqual(ids.slice(2));
  });

  it('ends when the last tasks are completed', { timeout: 60_000 }, async () => {
    for (const id of ids.slice(2)) await complete(id);
    expect(await handle().result()).toMatchObject({ completed: 4, expired: 0, cancelled: 0 });
    expect((await tasks()).map((r) => r.status)).toEqual(Array(4).fill('completed'));
    // The first timer (day 2, woken early), the reminder's (day 4), the expiry's (day 6, cancelled at the end).
    const events = await historyCounts();
    expect(events).toMatchObject({ started: 3, cancelled: 1, updates: 4, localActivities: 4 });
    // Every write was local: no activity task for a submission (before: one recordSubmissions per group).
    expect(events.activities).not.toContain('recordSubmissions');
    expect(events.activities).toContain('setTaskDue');
  });
});
