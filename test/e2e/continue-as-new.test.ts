/**
 * The cycle workflow continuing as new in every phase (a history limit of one event): the cycle
 * still runs all six phases to the end, and a cancel accepted while the week's digests are being
 * sent, just before a hand-over to the next run, is honoured by that run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCycle } from '../../core/cycles';
import { recordHistories } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit, taskJson } from '../support/tasks';

const ORG = [
  { email: 'hr@can.example', name: 'Hal HR', roles: ['hr'] },
  { email: 'mgr@can.example', name: 'Mia Manager', roles: ['manager'] },
  { email: 'emp@can.example', name: 'Eli Employee', managerEmail: 'mgr@can.example' },
];
const kr = [
  { kind: 'numeric', title: 'Deals', start: 0, target: 10, unit: 'deals' },
  { kind: 'milestone', title: 'Launched' },
];
type View = { status: string; state: { status: string; phases: { phase: string; status: string }[] } | null };

describe('continue-as-new keeps the cycle and HR controls', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres', env: { STEP_RETRY_INITIAL: '300ms', STEP_RETRY_MAX: '1s', STEP_MAX_ATTEMPTS: '200' } });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
  });
  afterAll(async () => {
    await recordHistories(t.temporal.client, 'okr-cycle:can-all', 'continue-as-new');
    await t?.stop();
  });

  const start = (key: string, schedule: Record<string, unknown>) =>
    startCycle(
      {
        db: t.stack.database.db,
        client: t.temporal.client,
        taskQueue: t.taskQueue,
        batchSize: t.config.taskBatchSize,
        stepPolicy: t.config.stepPolicy,
        historyLimit: 1,
      },
      { key, title: key, startsOn: '2027-01-01', endsOn: '2027-03-31', participants: ['mgr@can.example', 'emp@can.example'], schedule } as never,
      'test',
    );
  const view = async (key: string) => (await (await t.api(`/api/cycles/${key}`)).json()) as View;
  const runs = async (key: string) => {
    let n = 0;
    for await (const _ of t.temporal.client.workflow.list({ query: `WorkflowId = 'okr-cycle:${key}'` })) n++;
    return n;
  };

  it('continues as new in every phase and still completes all six', { timeout: 120_000 }, async () => {
    const key = 'can-all';
    await start(key, {
      strategy: '2s',
      drafting: '2s',
      managerLead: '1s',
      review: '2s',
      checkIns: { every: '2s', weeks: 2, window: '1s' },
      scoring: '2s',
      awards: '3s',
      reminders: [],
      escalations: [],
      expireAfter: '1s',
    });
    const done = await poll(
      () => view(key),
      (v) => v.status !== 'running',
      90_000,
      'the cycle to end',
    );
    expect(done.status).toBe('completed');
    expect(done.state?.phases.map((p) => p.status)).toEqual(['closed', 'closed', 'closed', 'closed', 'closed', 'closed']);
    // One run per phase at least (a hand-over after each phase and each check-in week).
    expect(await runs(key)).toBeGreaterThanOrEqual(6);
  });

  it('honours a cancel accepted while the digests are sent, right before a hand-over', { timeout: 150_000 }, async () => {
    const key = 'can-cancel';
    await start(key, {
      strategy: '2s',
      drafting: '60s',
      managerLead: '1s',
      review: '60s',
      checkIns: { every: '40s', weeks: 3, window: '30s' },
      scoring: '2s',
      awards: '3s',
      reminders: [],
      escalations: [],
      expireAfter: '1s',
    });
    for (const email of ['mgr@can.example', 'emp@can.example']) {
      await submit(await openTask(t, key, email, 'draft'), { objectives: [{ title: `Goal of ${email}`, keyResults: kr }] });
    }
    await submit(await openTask(t, key, 'mgr@can.example', 'review', { subjectEmail: 'emp@can.example' }), { decision: 'approve' });
    await submit(await openTask(t, key, 'hr@can.example', 'review', { subjectEmail: 'mgr@can.example' }), { decision: 'approve' });

    // Week 1: both check in; the last one while SMTP refuses, so the week's digest waits to be sent.
    const checkIns = [];
    for (const email of ['mgr@can.example', 'emp@can.example']) checkIns.push(await openTask(t, key, email, 'checkin', { round: 1, timeoutMs: 60_000 }));
    for (const [i, task] of checkIns.entries()) {
      const page = await taskJson<{ context: { keyResults: { keyResultId: number; kind: string }[] } }>(task);
      if (i === checkIns.length - 1) t.mail.setRefuse('connect');
      await submit(task, {
        keyResults: page.context.keyResults.map((k) =>
          k.kind === 'milestone' ? { keyResultId: k.keyResultId, done: false } : { keyResultId: k.keyResultId, value: 3 },
        ),
        confidence: 6,
      });
    }
    await poll(
      () => t.stack.database.db.selectFrom('emails').select(['status', 'attempts']).where('kind', '=', 'manager-digest').execute(),
      (rows) => rows.length > 0 && rows.every((r) => r.status === 'queued' && r.attempts >= 1),
      30_000,
      'the digest waiting for SMTP',
    );
    const cancelled = await t.api(`/api/cycles/${key}/cancel`, { method: 'POST', json: { reason: 'Reorganisation' } });
    expect(cancelled.status).toBe(200);
    t.mail.setRefuse('none');

    const done = await poll(
      () => view(key),
      (v) => v.status !== 'running',
      60_000,
      'the cycle to end',
    );
    expect(done.status).toBe('cancelled');
    expect(done.state?.status).toBe('cancelled');
    expect(await runs(key)).toBeGreaterThanOrEqual(3);
    // Week 2 never opened.
    const week2 = await t.stack.database.db.selectFrom('tasks').select('id').where('kind', '=', 'checkin').where('round', '=', 2).execute();
    expect(week2).toHaveLength(0);
  });
});
