/**
 * Completions of one batch that arrive together travel to its workflow in groups (one update for
 * several people), and each person still gets their own answer: saved, refused with the field
 * that is wrong, or "already completed" for a second click. The workflow's `completeTasks`
 * update is also driven directly, with one item of every kind of outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompletionOutcome, completeTasksUpdate } from '../../contract';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask } from '../support/tasks';
import { GOOD_DRAFT } from './drafting-flow';

const KEY = 'groups';
const PEOPLE = 24;
const email = (i: number) => `p${i}@groups.example`;
const BAD_PARENT = { objectives: [{ ...GOOD_DRAFT.objectives[0]!, parentObjectiveId: 987654 }] };

describe('completions in groups', () => {
  let t: TestStack;

  beforeAll(async () => {
    // All requests come from 127.0.0.1: lift the per-address limit on task-link posts.
    t = await startTestStack({ database: 'postgres', env: { TASK_LINK_WRITES_PER_MINUTE: '1000' } });
    const org: { email: string; name: string; roles?: string[]; managerEmail?: string }[] = [
      { email: 'hr@groups.example', name: 'Hana HR', roles: ['hr', 'manager'] },
    ];
    for (let i = 0; i < PEOPLE; i++) org.push({ email: email(i), name: `Person ${i}`, managerEmail: 'hr@groups.example' });
    expect((await t.api('/api/people', { method: 'POST', json: org })).status).toBe(200);
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: KEY, title: 'Groups', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
    });
    expect(started.status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const taskRow = (id: number) => t.stack.database.db.selectFrom('tasks').select(['status', 'workflow_id']).where('id', '=', id).executeTakeFirstOrThrow();

  it('answers each of many simultaneous completions on its own, in fewer updates than completions', { timeout: 60_000 }, async () => {
    const tasks = await Promise.all(Array.from({ length: 20 }, (_, i) => openTask(t, KEY, email(i), 'draft')));
    const post = (link: string, body: unknown) =>
      fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { error?: { code: string; details?: { issues?: { path: string }[] } } },
      }));
    // 16 good drafts, 2 that break a rule only the database knows, and 2 people who click twice.
    const answers = await Promise.all([
      ...tasks.slice(0, 16).map((task) => post(task.link, GOOD_DRAFT)),
      ...tasks.slice(16, 18).map((task) => post(task.link, BAD_PARENT)),
      ...tasks.slice(18, 20).flatMap((task) => [post(task.link, GOOD_DRAFT), post(task.link, GOOD_DRAFT)]),
    ]);

    expect(answers.slice(0, 16).map((a) => a.status)).toEqual(Array(16).fill(200));
    for (const refused of answers.slice(16, 18)) {
      expect(refused.status).toBe(400);
      expect(refused.body.error?.details?.issues?.map((i) => i.path)).toEqual(['objectives.0.parentObjectiveId']);
    }
    // A double click sends the same submission twice: both answer the one completion (it is applied once, below).
    for (const pair of [answers.slice(18, 20), answers.slice(20, 22)]) {
      expect(pair.map((a) => a.status)).toEqual([200, 200]);
      expect(pair[0]!.body).toEqual(pair[1]!.body);
    }

    const rows = await Promise.all(tasks.map((task) => taskRow(task.id)));
    expect(rows.map((r) => r.status)).toEqual([...Array(16).fill('completed'), 'open', 'open', 'completed', 'completed']);
    const objectives = await t.stack.database.db
      .selectFrom('objectives as o')
      .innerJoin('people as p', 'p.id', 'o.owner_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('p.email', 'like', '%@groups.example')
      .executeTakeFirstOrThrow();
    expect(Number(objectives.n)).toBe(18); // one per completed draft, none for the refused or the second clicks

    // All 20 tasks are in one batch: the 22 requests reached it in fewer updates.
    expect(new Set(rows.map((r) => r.workflow_id)).size).toBe(1);
    const history = await t.temporal.client.workflow.getHandle(rows[0]!.workflow_id).fetchHistory();
    const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(22);
  });

  it('gives every item of one update its own outcome', { timeout: 60_000 }, async () => {
    const fresh = await openTask(t, KEY, email(20), 'draft');
    const invalid = await openTask(t, KEY, email(21), 'draft');
    const done = await poll(
      () => t.stack.database.db.selectFrom('tasks').select('id').where('status', '=', 'completed').executeTakeFirst(),
      (r) => r !== undefined,
      10_000,
      'a completed task',
    );
    const { workflow_id: workflowId } = await taskRow(fresh.id);
    const handle = t.temporal.client.workflow.getHandle(workflowId);

    const { outcomes } = await handle.executeUpdate(completeTasksUpdate, {
      args: [
        {
          items: [
            { taskId: fresh.id, submission: GOOD_DRAFT, via: 'json' },
            { taskId: invalid.id, submission: { objectives: [] }, via: 'json' },
            { taskId: done!.id, submission: GOOD_DRAFT, via: 'json' },
            { taskId: 99_999_999, submission: GOOD_DRAFT, via: 'json' },
          ],
        },
      ],
    });
    const codes = outcomes.map((o: CompletionOutcome) => ('error' in o ? o.error.type : o.status));
    expect(codes).toEqual(['completed', 'VALIDATION_FAILED', 'TASK_ALREADY_COMPLETED', 'NOT_FOUND']);
    expect(outcomes.map((o) => o.taskId)).toEqual([fresh.id, invalid.id, done!.id, 99_999_999]);
    const refusal = outcomes[1]!;
    expect('error' in refusal && refusal.error.issues?.[0]?.path).toBe('objectives');
    expect((await taskRow(fresh.id)).status).toBe('completed');
    expect((await taskRow(invalid.id)).status).toBe('open');

    // An empty or oversized group is refused as a whole, before anything is recorded.
    const cause = (items: unknown[]) =>
      handle.executeUpdate(completeTasksUpdate, { args: [{ items: items as never }] }).then(
        () => 'accepted',
        (e: { cause?: { type?: string; message?: string } }) => `${e.cause?.type}: ${e.cause?.message}`,
      );
    expect(await cause([])).toBe('VALIDATION_FAILED: items must hold 1 to 50 completions');
    const tooMany = Array.from({ length: 51 }, () => ({ taskId: invalid.id, submission: GOOD_DRAFT, via: 'json' as const }));
    expect(await cause(tooMany)).toBe('VALIDATION_FAILED: items must hold 1 to 50 completions');
    expect((await taskRow(invalid.id)).status).toBe('open');
  });
});
