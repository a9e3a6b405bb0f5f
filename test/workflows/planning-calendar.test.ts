/**
 * Planning follows the calendar (calendar-v2), on the time-skipping server with the real
 * database: a cycle started five weeks before startsOn opens strategy at its planned date
 * (startsOn minus the planning lengths), not at once; HR's advance during the wait opens it at
 * once and keeps its planned due time; a cycle started too late opens at once and its start
 * answer says by how much planning ends after startsOn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit } from '../support/tasks';
import { startTimeSkipping } from '../support/time-skipping';

const DAY = 86_400_000;
const ORG = [
  { email: 'hana@cal13.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'eve@cal13.example', name: 'Eve Exec', roles: ['executive'] },
  { email: 'ann@cal13.example', name: 'Ann Analyst', managerEmail: 'eve@cal13.example' },
];
const PARTICIPANTS = ['eve@cal13.example', 'ann@cal13.example'];
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type PhaseView = { phase: string; status: string; openedAt: string | null; dueAt: string | null; opensAt?: string; note?: string };
type View = { state: { status: string; phase: string | null; phases: PhaseView[] } | null };

describe('planning opens at its planned dates before startsOn (time-skipping server)', () => {
  let t: TestStack;
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const ts = await startTimeSkipping();
    env = ts.env;
    t = await startTestStack({ database: 'postgres', temporal: ts.access });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await env?.teardown();
  });

  const virtualNow = async () => Number(await env.currentTimeMs());
  const view = async (key: string) => (await (await t.api(`/api/cycles/${key}`)).json()) as View;
  const phase = async (key: string, name: string) => (await view(key)).state?.phases.find((p) => p.phase === name);
  const tasks = (key: string, kind: string) =>
    t.stack.database.db
      .selectFrom('tasks as t')
      .innerJoin('cycles as c', 'c.id', 't.cycle_id')
      .select(['t.status', 't.due_at', 't.created_at'])
      .where('c.key', '=', key)
      .where('t.kind', '=', kind as never)
      .execute();
  const sleepUntil = async (at: number) => {
    for (let now = await virtualNow(); now < at; now = await virtualNow()) await env.sleep(Math.min(7 * DAY, at - now));
  };
  /** A quarter starting on a Monday at least five weeks away (midnight UTC), and its planned planning. */
  const quarter = async () => {
    const now = await virtualNow();
    const from = now + 35 * DAY;
    const monday = Date.parse(isoDate(from + ((8 - new Date(from).getUTCDay()) % 7) * DAY));
    return {
      startsOn: isoDate(monday),
      endsOn: isoDate(monday + 84 * DAY),
      strategyOpens: monday - 17 * DAY, // review 5d, drafting 7d, strategy 5d
      strategyDue: monday - 12 * DAY,
      draftingDue: monday - 5 * DAY,
    };
  };
  const start = async (key: string, json: Record<string, unknown>) => {
    const res = await t.api('/api/cycles', { method: 'POST', json: { key, title: key, participants: PARTICIPANTS, ...json } });
    const body = (await res.json()) as { warnings?: { path: string; code: string; message: string; lateByMs: number }[] };
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body;
  };

  it('a cycle started five weeks before startsOn opens strategy at its planned date, not at once', { timeout: 180_000 }, async () => {
    const q = await quarter();
    const body = await start('cal13-plan', { startsOn: q.startsOn, endsOn: q.endsOn });
    expect(body.warnings).toBeUndefined();

    // Waiting: the phase is named with its planned opening; no task, no email yet.
    const waiting = await poll(
      () => phase('cal13-plan', 'strategy'),
      (p) => p?.opensAt !== undefined,
      30_000,
      'strategy waiting',
    );
    expect(waiting).toMatchObject({ status: 'pending', opensAt: new Date(q.strategyOpens).toISOString(), dueAt: new Date(q.strategyDue).toISOString() });
    expect((await view('cal13-plan')).state?.phase).toBe('strategy');
    // Extending a phase that has not opened is refused: it says when it opens.
    const extend = await t.api('/api/cycles/cal13-plan/extend', {
      method: 'POST',
      json: { phase: 'strategy', until: new Date(q.strategyDue + DAY).toISOString() },
    });
    expect(extend.status).toBe(409);
    expect(((await extend.json()) as { error: { message: string } }).error.message).toContain(`opens at ${new Date(q.strategyOpens).toISOString()}`);

    await sleepUntil(q.strategyOpens - 3_600_000);
    expect(await tasks('cal13-plan', 'strategy')).toEqual([]);
    expect((await phase('cal13-plan', 'strategy'))?.status).toBe('pending');

    // At its date the phase opens, due five days later (the planned due time).
    await sleepUntil(q.strategyOpens + 60_000);
    const eve = await openTask(t, 'cal13-plan', 'eve@cal13.example', 'strategy');
    expect(eve.dueAt.toISOString()).toBe(new Date(q.strategyDue).toISOString());
    const opened = (await phase('cal13-plan', 'strategy'))!;
    expect(opened.status).toBe('open');
    expect(opened.opensAt).toBeUndefined();
    expect(Date.parse(opened.openedAt!)).toBeGreaterThanOrEqual(q.strategyOpens);
    expect(Date.parse(opened.openedAt!)).toBeLessThan(q.strategyOpens + 60_000);

    // Strategy done early: drafting still waits for its own date.
    await submit(eve, {
      objectives: [
        {
          title: 'Grow',
          keyResults: [
            { kind: 'milestone', title: 'Growth shipped' },
            { kind: 'milestone', title: 'Growth announced' },
          ],
        },
      ],
    });
    await submit(await openTask(t, 'cal13-plan', 'hana@cal13.example', 'strategy-review', { subjectEmail: 'eve@cal13.example' }), { decision: 'approve' });
    const drafting = await poll(
      () => phase('cal13-plan', 'drafting'),
      (p) => p?.opensAt !== undefined,
      30_000,
      'drafting waiting',
    );
    expect(drafting).toMatchObject({ status: 'pending', opensAt: new Date(q.strategyDue).toISOString(), dueAt: new Date(q.draftingDue).toISOString() });
    expect(await tasks('cal13-plan', 'draft')).toEqual([]);
  });

  it('HR’s advance during the wait opens the phase at once, keeping its planned due time', { timeout: 120_000 }, async () => {
    const q = await quarter();
    await start('cal13-early', { startsOn: q.startsOn, endsOn: q.endsOn });
    await poll(
      () => phase('cal13-early', 'strategy'),
      (p) => p?.opensAt !== undefined,
      30_000,
      'strategy waiting',
    );
    const res = await t.api('/api/cycles/cal13-early/advance', { method: 'POST', json: { phase: 'strategy' } });
    const answer = await res.json();
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ phase: 'strategy', next: { phase: 'strategy' } });
    const now = await virtualNow();
    const eve = await openTask(t, 'cal13-early', 'eve@cal13.example', 'strategy');
    expect(now).toBeLessThan(q.strategyOpens - 7 * DAY);
    expect(eve.dueAt.toISOString()).toBe(new Date(q.strategyDue).toISOString());
    const opened = (await phase('cal13-early', 'strategy'))!;
    expect(opened.status).toBe('open');
    expect(opened.note).toMatch(/^opened early by /);
    // The same phase can be advanced again once open: that ends it.
    const again = await t.api('/api/cycles/cal13-early/advance', { method: 'POST', json: { phase: 'strategy' } });
    expect(again.status).toBe(200);
    await poll(
      () => phase('cal13-early', 'strategy'),
      (p) => p?.status === 'closed',
      30_000,
      'strategy closed',
    );
    expect((await tasks('cal13-early', 'strategy')).map((r) => r.status)).toEqual(['expired']);
    // Drafting waits for its own date; a control that wakes the wait (someone joins) does not open it:
    // the advance that closed strategy is spent.
    await poll(
      () => phase('cal13-early', 'drafting'),
      (p) => p?.opensAt !== undefined,
      30_000,
      'drafting waiting',
    );
    const joined = await t.api('/api/cycles/cal13-early/participants', { method: 'POST', json: { emails: ['hana@cal13.example'] } });
    expect(joined.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await phase('cal13-early', 'drafting')).toMatchObject({ status: 'pending', opensAt: new Date(q.strategyDue).toISOString() });
    expect(await tasks('cal13-early', 'draft')).toEqual([]);
  });

  it('a cycle started too late opens planning at once and the answer says by how much it ends after startsOn', { timeout: 60_000 }, async () => {
    // The API answers by the wall clock (the server's time is skipped ahead only for workflows).
    const now = Date.now();
    const startsOn = isoDate(now + 10 * DAY);
    const body = await start('cal13-late', { startsOn, endsOn: isoDate(now + 100 * DAY) });
    const late = Date.parse(`${startsOn}T00:00:00Z`);
    expect(body.warnings).toHaveLength(1);
    const [warning] = body.warnings!;
    expect(warning).toMatchObject({ path: 'startsOn', code: 'schedule.planning-late' });
    // 17 days of planning from now, against less than 10 days left before startsOn.
    expect(warning!.lateByMs).toBeGreaterThan(7 * DAY);
    expect(warning!.lateByMs).toBeLessThanOrEqual(now + 17 * DAY - late + 60_000);
    expect(warning!.message).toMatch(/^planning \(strategy, drafting and review\) ends 7d( \d+h)? after startsOn/);
    // The OpenAPI document says what a start may warn about.
    const doc = (await (await fetch(`${t.base}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const ref = doc.paths['/api/cycles']!.post!.responses['201']!.content['application/json']!.schema.$ref!;
    expect(JSON.stringify(doc.components.schemas[ref.split('/').pop()!])).toContain('"warnings"');
    expect(JSON.stringify(doc.components.schemas.PlanWarning)).toContain('schedule.planning-late');
    // The workflow, past every planned date, opens strategy at once for its full length.
    const eve = await openTask(t, 'cal13-late', 'eve@cal13.example', 'strategy');
    const opened = (await phase('cal13-late', 'strategy'))!;
    expect(opened.opensAt).toBeUndefined();
    expect(eve.dueAt.getTime()).toBe(Date.parse(opened.openedAt!) + 5 * DAY);
  });
});
