/**
 * A phase's batches start together. With TASK_BATCH_SIZE 2 and six participants, drafting runs in
 * three batches, and the cycle starts all three in one workflow task (patch `batches-together-v1`)
 * instead of one workflow task each. Every batch opens its tasks and sends its invitations, and
 * HR's cancel reaches all three in one workflow task too (patch `signals-together-v1`). On the dev server with the real database and SMTP; the histories
 * are recorded for the replay test (RECORD_HISTORIES=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskBatchWorkflowId } from '../../contract';
import { recordHistories } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';

const KEY = 'bt-q1';
const REPORTS = ['ann', 'ben', 'cat', 'dan', 'eli'].map((n) => `${n}@together.example`);
const ORG = [
  { email: 'hana@together.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'eve@together.example', name: 'Eve Exec', roles: ['executive'] },
  ...REPORTS.map((email) => ({ email, name: email.split('@')[0]!, managerEmail: 'eve@together.example' })),
];
const PARTICIPANTS = ['eve@together.example', ...REPORTS];
type View = { state: { status: string; phase: string | null; batchCount: number; activeBatches: string[] } | null };

describe('the batches of a phase start together and are signalled together', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres', env: { TASK_BATCH_SIZE: '2' } });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
  });
  afterAll(async () => {
    if (t) await recordHistories(t.temporal.client, `okr-cycle:${KEY}`, 'batches-together');
    await t?.stop();
  });

  const view = async () => (await (await t.api(`/api/cycles/${KEY}`)).json()) as View;

  it('starts the three drafting batches in one workflow task, and each sends its invitations', { timeout: 90_000 }, async () => {
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: {
        key: KEY,
        title: 'Q1 together',
        startsOn: '2027-01-01',
        endsOn: '2027-03-31',
        participants: PARTICIPANTS,
        schedule: {
          strategy: '1h',
          drafting: '1h',
          review: '1h',
          checkIns: { every: '1h', weeks: 1, window: '30m' },
          scoring: '1h',
          awards: '1h',
          reminders: [],
          escalations: [],
        },
      },
    });
    expect(started.status, await started.clone().text()).toBe(201);
    await poll(view, (v) => v.state?.phase === 'strategy', 30_000, 'strategy');
    expect((await t.api(`/api/cycles/${KEY}/advance`, { method: 'POST', json: { phase: 'strategy' } })).status).toBe(200);
    const drafting = await poll(view, (v) => v.state?.phase === 'drafting' && v.state.activeBatches.length === 3, 30_000, 'three drafting batches');
    expect(drafting.state!.batchCount).toBe(3);

    // One workflow task started all three children.
    const history = await t.temporal.client.workflow.getHandle(`okr-cycle:${KEY}`).fetchHistory();
    const draftingIds = [0, 1, 2].map((b) => taskBatchWorkflowId(KEY, 'drafting', 1, b));
    const initiated = (history.events ?? [])
      .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
      .filter((a) => a && draftingIds.includes(a.workflowId ?? ''));
    expect(initiated.map((a) => a!.workflowId).sort()).toEqual(draftingIds);
    expect(new Set(initiated.map((a) => String(a!.workflowTaskCompletedEventId))).size).toBe(1);

    // Each batch opened its people's tasks and sent their invitations.
    const db = t.stack.database.db;
    const tasks = await poll(
      () => db.selectFrom('tasks').select(['batch_no', 'person_id']).where('kind', '=', 'draft').execute(),
      (rows) => rows.length === PARTICIPANTS.length,
      30_000,
      'the draft tasks',
    );
    expect(tasks.map((r) => r.batch_no).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    // Each batch sent the invitations of its own tasks.
    const invites = await poll(
      () =>
        db
          .selectFrom('emails as e')
          .innerJoin('tasks as t', 't.id', 'e.task_id')
          .select(['e.to_address', 'e.sender_ref', 't.workflow_id'])
          .where('t.kind', '=', 'draft')
          .where('e.kind', '=', 'task-invite')
          .where('e.status', '=', 'sent')
          .execute(),
      (rows) => rows.length === PARTICIPANTS.length,
      30_000,
      'the draft invitations',
    );
    expect(invites.map((r) => r.to_address).sort()).toEqual([...PARTICIPANTS].sort());
    for (const r of invites) expect(r.sender_ref).toBe(r.workflow_id);

    // HR's cancel reaches every batch, all signalled in one workflow task (patch signals-together-v1).
    expect((await t.api(`/api/cycles/${KEY}/cancel`, { method: 'POST', json: { reason: 'testing the start' } })).status).toBe(200);
    await poll(view, (v) => v.state?.status === 'cancelled', 30_000, 'the cancelled cycle');
    const after = await t.temporal.client.workflow.getHandle(`okr-cycle:${KEY}`).fetchHistory();
    const signalled = (after.events ?? [])
      .map((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)
      .filter((a) => a && draftingIds.includes(a.workflowExecution?.workflowId ?? ''));
    expect(signalled.map((a) => a!.workflowExecution!.workflowId).sort()).toEqual(draftingIds);
    expect(new Set(signalled.map((a) => String(a!.workflowTaskCompletedEventId))).size).toBe(1);
    for (const id of draftingIds) expect((await t.temporal.client.workflow.getHandle(id).describe()).status.name).toBe('COMPLETED');
    const open = await db.selectFrom('tasks').select('id').where('kind', '=', 'draft').where('status', '=', 'open').execute();
    expect(open).toEqual([]);
  });
});
