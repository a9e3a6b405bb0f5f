/**
 * What the API edge refuses before anything happens (text PostgreSQL cannot store, ids beyond its
 * integers, bad durations, unsupported methods, huge bodies), and one bad item in a completion
 * group: refused on its own, the others recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompletionOutcome, completeTasksUpdate } from '../../contract';
import { type TestStack, startTestStack } from '../support/stack';
import { openTask } from '../support/tasks';
import { GOOD_DRAFT } from '../e2e/drafting-flow';

type ErrorJson = { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } } };
const KEY = 'edge';
const email = (i: number) => `p${i}@edge.example`;
const paths = async (res: Response) => ((await res.json()) as ErrorJson).error.details?.issues?.map((i) => i.path);

describe('the API edge', () => {
  let t: TestStack;
  const count = async (table: 'audit_log' | 'api_keys' | 'people' | 'cycles') =>
    Number(
      (
        await t.stack.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres', env: { TASK_LINK_WRITES_PER_MINUTE: '1000' } });
    const org = [
      { email: 'hr@edge.example', name: 'Hana HR', roles: ['hr', 'manager'] },
      ...[0, 1, 2, 3].map((i) => ({ email: email(i), name: `Person ${i}`, managerEmail: 'hr@edge.example' })),
    ];
    expect((await t.api('/api/people', { method: 'POST', json: org })).status).toBe(200);
    expect(
      (
        await t.api('/api/cycles', {
          method: 'POST',
          json: { key: KEY, title: 'Edge', startsOn: '2027-01-04', endsOn: '2027-03-28', schedule: { planning: 'at-once' } },
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses U+0000 and lone surrogates wherever text enters, naming the field, writing nothing', async () => {
    const people = await count('people');
    const audit = await count('audit_log');
    const json = await t.api('/api/people', { method: 'POST', json: [{ email: 'x@edge.example', name: 'Bad\u0000Name' }] });
    expect(json.status).toBe(400);
    expect(await paths(json)).toEqual(['row 1.name']);
    const csv = await t.api('/api/people', {
      method: 'POST',
      body: 'email,name,department\nok@edge.example,Ok,Sales\ny@edge.example,Y,Sa\u0000les\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(csv.status).toBe(400);
    expect(await paths(csv)).toEqual(['row 2 (line 3).department']);
    const key = await t.api('/api/keys', { method: 'POST', json: { name: 'ci\ud800', role: 'hr' } });
    expect(key.status).toBe(400);
    expect(await paths(key)).toEqual(['name']);
    const cycle = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'nul', title: 'Q1 \u0000', startsOn: '2027-01-04', endsOn: '2027-03-28', schedule: { planning: 'at-once' } },
    });
    expect(await paths(cycle)).toEqual(['title']);
    const filter = await t.api(`/api/audit?actor=${encodeURIComponent('boot\u0000')}`);
    expect(filter.status).toBe(400);
    expect(await paths(filter)).toEqual(['query.actor']);
    const path = await t.api(`/api/people/a%00@edge.example/absences`, { method: 'POST', json: { weeks: ['2027-01-04'] } });
    expect(path.status).toBe(400);
    expect(await count('people')).toBe(people);
    expect(await count('api_keys')).toBe(0);
    expect(await count('cycles')).toBe(1);
    expect(await count('audit_log')).toBe(audit);
  });

  it('validates a cancel before acting: a bad reason changes nothing; a good one is audited with its outcome', async () => {
    const before = await count('audit_log');
    const bad = await t.api(`/api/cycles/${KEY}/cancel`, { method: 'POST', json: { reason: 'budget freeze \u0000' } });
    expect(bad.status).toBe(400);
    expect(await paths(bad)).toEqual(['reason']);
    expect(await count('audit_log')).toBe(before);
    const view = (await (await t.api(`/api/cycles/${KEY}`)).json()) as { state: { status: string } };
    expect(view.state.status).toBe('running');

    const stale = await t.api(`/api/cycles/${KEY}/advance`, { method: 'POST', json: { phase: 'awards' } });
    expect(stale.status).toBe(409);
    const row = await t.stack.database.db.selectFrom('audit_log').select(['action', 'detail']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toEqual({ action: 'cycle.phase-advanced', detail: { phase: 'awards', outcome: 'refused', error: 'CONFLICT' } });
  });

  it('answers ids beyond PostgreSQL integers and bad durations with 400 and the field, never 500', async () => {
    const stalled = await t.api('/api/admin/stalled/step-9999999999/retry', { method: 'POST' });
    expect(stalled.status).toBe(400);
    expect(await paths(stalled)).toEqual(['id']);
    const task = await t.api(`/api/cycles/${KEY}/tasks/9999999999/extend`, { method: 'POST', json: { until: '2030-01-01T00:00:00Z' } });
    expect(task.status).toBe(400);
    expect(await paths(task)).toEqual(['id']);
    const start = (schedule: unknown) =>
      t.api('/api/cycles', { method: 'POST', json: { key: 'dur', title: 'Durations', startsOn: '2027-01-04', endsOn: '2027-03-28', schedule } });
    const soon = await start({ drafting: 'soon' });
    expect(soon.status).toBe(400);
    expect(await paths(soon)).toEqual(['schedule.drafting']);
    const reminders = await start({ reminders: ['x'] });
    expect(reminders.status).toBe(400);
    expect(await paths(reminders)).toEqual(['schedule.reminders.0']);
    const huge = await start({ review: `${'9'.repeat(400)}w` });
    expect(huge.status).toBe(400);
    expect(await paths(huge)).toEqual(['schedule.review']);
    expect(await count('cycles')).toBe(1);
  });

  it('answers an unsupported method with 405 and Allow, an unknown path with 404', async () => {
    const trace = await t.api('/api/keys', { method: 'PATCH' });
    expect(trace.status).toBe(405);
    expect(trace.headers.get('allow')).toBe('POST, GET, HEAD, OPTIONS');
    expect(((await trace.json()) as ErrorJson).error.code).toBe('METHOD_NOT_ALLOWED');
    const health = await fetch(`${t.base}/healthz`, { method: 'DELETE' });
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await fetch(`${t.base}/nowhere`)).status).toBe(404);
  });

  it('records the good completions of a group whose first item PostgreSQL refuses', { timeout: 60_000 }, async () => {
    const tasks = await Promise.all([0, 1, 2].map((i) => openTask(t, KEY, email(i), 'draft')));
    const rows = await t.stack.database.db
      .selectFrom('tasks')
      .select(['id', 'workflow_id'])
      .where(
        'id',
        'in',
        tasks.map((x) => x.id),
      )
      .execute();
    expect(new Set(rows.map((r) => r.workflow_id)).size).toBe(1);
    // Passes the submission schema (an id is a positive integer), but is beyond PostgreSQL's integer.
    const poison = { objectives: [{ ...GOOD_DRAFT.objectives[0]!, parentObjectiveId: 9_999_999_999 }] };
    const started = Date.now();
    const { outcomes } = await t.temporal.client.workflow.getHandle(rows[0]!.workflow_id).executeUpdate(completeTasksUpdate, {
      args: [
        {
          items: [
            { taskId: tasks[0]!.id, submission: poison, via: 'json' },
            { taskId: tasks[1]!.id, submission: GOOD_DRAFT, via: 'json' },
          ],
        },
      ],
    });
    expect(Date.now() - started).toBeLessThan(3_000); // answered at once, not after retries
    expect(outcomes.map((o: CompletionOutcome) => ('error' in o ? o.error.type : o.status))).toEqual(['VALIDATION_FAILED', 'completed']);
    const refused = outcomes[0]!;
    expect('error' in refused && refused.error.issues?.map((i) => i.path)).toEqual(['objectives.0.parentObjectiveId']);
    const status = async (id: number) => (await t.stack.database.db.selectFrom('tasks').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await status(tasks[0]!.id)).toBe('open');
    expect(await status(tasks[1]!.id)).toBe('completed');

    // Through the task links: the poisoned draft is refused with its field, the colleague's saved.
    const post = (link: string, body: unknown) => fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const [bad, good] = await Promise.all([post(tasks[0]!.link, poison), post(tasks[2]!.link, GOOD_DRAFT)]);
    expect(bad.status).toBe(400);
    expect(await paths(bad)).toEqual(['objectives.0.parentObjectiveId']);
    expect(good.status).toBe(200);
    // The refused person can still complete the task.
    expect((await post(tasks[0]!.link, GOOD_DRAFT)).status).toBe(200);
  });

  it('refuses a huge body on a valid task link with 413 without buffering it', { timeout: 60_000 }, async () => {
    const task = await openTask(t, KEY, email(3), 'draft');
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const res = await fetch(task.link, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorJson).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(30 * 1024 * 1024);
    const declared = await fetch(task.link, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(70 * 1024) },
      body: 'x'.repeat(70 * 1024),
    });
    expect(declared.status).toBe(413);
    expect(await (await t.stack.database.db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow()).status).toBe('open');
  });
});
