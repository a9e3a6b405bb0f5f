/**
 * Driving tasks in tests as their owners would: find the open task, derive its link (the test
 * knows the installation's token secret, as the email would carry it), and submit through HTTP.
 */
import { expect } from 'vitest';
import type { TaskKind } from '../../contract';
import { taskToken } from '../../core/tokens';
import { TEST_TOKEN_SECRET, type TestStack, poll } from './stack';

export interface FoundTask {
  id: number;
  kind: TaskKind;
  round: number;
  link: string;
  dueAt: Date;
}

export async function openTask(
  t: TestStack,
  cycleKey: string,
  ownerEmail: string,
  kind: TaskKind,
  opts: { subjectEmail?: string; round?: number; timeoutMs?: number } = {},
): Promise<FoundTask> {
  const row = await pollOrExplain(t, cycleKey, () =>
    poll(
      async () => {
        let q = t.stack.database.db
          .selectFrom('tasks as t')
          .innerJoin('cycles as c', 'c.id', 't.cycle_id')
          .innerJoin('people as p', 'p.id', 't.person_id')
          .leftJoin('people as s', 's.id', 't.subject_person_id')
          .select(['t.id', 't.kind', 't.round', 't.cycle_id', 't.person_id', 't.subject_person_id', 't.due_at'])
          .where('c.key', '=', cycleKey)
          .where('p.email', '=', ownerEmail)
          .where('t.kind', '=', kind)
          .where('t.status', '=', 'open');
        if (opts.subjectEmail) q = q.where('s.email', '=', opts.subjectEmail);
        if (opts.round !== undefined) q = q.where('t.round', '=', opts.round);
        return q.orderBy('t.id', 'desc').executeTakeFirst();
      },
      (r) => r !== undefined,
      opts.timeoutMs ?? 30_000,
      `an open ${kind} task for ${ownerEmail}${opts.subjectEmail ? ` about ${opts.subjectEmail}` : ''}`,
    ),
  );
  const token = taskToken(TEST_TOKEN_SECRET, {
    cycleId: row!.cycle_id,
    kind,
    round: row!.round,
    personId: row!.person_id,
    subjectPersonId: row!.subject_person_id,
  });
  return { id: row!.id, kind, round: row!.round, link: `${t.base}/t/${token}`, dueAt: new Date(row!.due_at) };
}

export async function taskJson<T = { context: Record<string, unknown>; values: unknown }>(task: FoundTask): Promise<T> {
  const res = await fetch(task.link, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

export async function submit(task: FoundTask, body: unknown, expectStatus = 200): Promise<unknown> {
  const res = await fetch(task.link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(expectStatus);
  return json;
}

/** On a timeout, say what the cycle's tasks and workflow looked like. */
async function pollOrExplain<T>(t: TestStack, cycleKey: string, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const tasks = await t.stack.database.db
      .selectFrom('tasks as t')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .select(['t.id', 't.kind', 't.round', 't.status', 'p.email', 't.subject_person_id', 't.workflow_id'])
      .orderBy('t.id')
      .execute();
    const view = await (await t.api(`/api/cycles/${cycleKey}`)).json();
    const stalled = await (await t.api('/api/admin/stalled')).json();
    const batches = ((view as { state?: { activeBatches?: string[] } }).state?.activeBatches ?? []).slice(0, 1);
    for (const id of batches) {
      const history = await t.temporal.client.workflow.getHandle(id).fetchHistory();
      const events = (history.events ?? []).map((e) => {
        const attrs = Object.entries(e).find(([k, v]) => k.endsWith('Attributes') && v)?.[1] as Record<string, unknown> | undefined;
        const failure = (attrs?.failure as { message?: string } | undefined)?.message;
        return `${e.eventId}:${String(e.eventType)}${failure ? `(${failure})` : ''}`;
      });
      process.stderr.write(`history of ${id}: ${events.join(' ')}\n`);
    }
    throw new Error(`${(error as Error).message}\ntasks: ${JSON.stringify(tasks)}\ncycle: ${JSON.stringify(view)}\nstalled: ${JSON.stringify(stalled)}`);
  }
}

/** The id of a person's approved objective in a cycle (what a nomination points at). */
export async function approvedObjectiveId(t: TestStack, ownerEmail: string): Promise<number> {
  const row = await t.stack.database.db
    .selectFrom('objectives as o')
    .innerJoin('people as p', 'p.id', 'o.owner_id')
    .select('o.id')
    .where('p.email', '=', ownerEmail)
    .where('o.status', '=', 'approved')
    .executeTakeFirstOrThrow();
  return row.id;
}
