/**
 * HR steering a running cycle through the API, and the rules that refuse bad input with the
 * field and the reason while changing nothing: participants joining and leaving, a parent
 * objective from another cycle, a phase that is not the current one, a deadline in the past,
 * and cancelling the cycle (open tasks cancelled, everyone told).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit } from '../support/tasks';

type ErrorJson = { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } } };
const ORG = [
  { email: 'hr@c.example', name: 'Hal HR', roles: ['hr'] },
  { email: 'a@c.example', name: 'Amy' },
  { email: 'b@c.example', name: 'Bob' },
  { email: 'late@c.example', name: 'Lee Late' },
];
const schedule = { planning: 'at-once', drafting: '120s', managerLead: '1s', reminders: [], escalations: [], expireAfter: '1s' };
const draft = (parentObjectiveId?: number) => ({
  objectives: [
    {
      title: 'Ship the thing',
      ...(parentObjectiveId ? { parentObjectiveId } : {}),
      keyResults: [
        { kind: 'numeric', title: 'Users', start: 0, target: 100, unit: 'users' },
        { kind: 'milestone', title: 'Launched' },
      ],
    },
  ],
});

describe('HR controls and the rules of a running cycle', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const start = (key: string, participants: string[]) =>
    t.api('/api/cycles', { method: 'POST', json: { key, title: key, startsOn: '2027-01-01', endsOn: '2027-03-31', participants, schedule } });
  const counts = async (key: string) => ((await (await t.api(`/api/cycles/${key}`)).json()) as { taskCounts: Record<string, number> }).taskCounts;

  it('adds and removes participants mid-cycle', async () => {
    expect((await start('join', ['a@c.example', 'b@c.example'])).status).toBe(201);
    await openTask(t, 'join', 'a@c.example', 'draft');
    const added = await t.api('/api/cycles/join/participants', { method: 'POST', json: { emails: ['late@c.example'] } });
    expect(added.status).toBe(200);
    await openTask(t, 'join', 'late@c.example', 'draft'); // the newcomer gets the current phase's task
    await t.mail.waitFor((all) => all.some((m) => m.envelopeTo[0] === 'late@c.example'));

    expect((await t.api('/api/cycles/join/participants/b@c.example', { method: 'DELETE' })).status).toBe(204);
    const bob = await poll(
      () =>
        t.stack.database.db
          .selectFrom('tasks as t')
          .innerJoin('people as p', 'p.id', 't.person_id')
          .select('t.status')
          .where('p.email', '=', 'b@c.example')
          .executeTakeFirstOrThrow(),
      (r) => r.status === 'cancelled',
      20_000,
      "Bob's task cancelled",
    );
    expect(bob.status).toBe('cancelled');
    const unknown = await t.api('/api/cycles/join/participants', { method: 'POST', json: { emails: ['ghost@c.example'] } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorJson).error.details?.issues).toEqual([{ path: 'emails.0', message: 'no active person with email ghost@c.example' }]);
  });

  it('refuses a parent objective from another cycle, with the field, and keeps the task open', async () => {
    // An objective in cycle "join": Amy's draft there.
    await submit(await openTask(t, 'join', 'a@c.example', 'draft'), draft());
    const foreign = await t.stack.database.db.selectFrom('objectives').select('id').executeTakeFirstOrThrow();
    expect((await start('other', ['a@c.example'])).status).toBe(201);
    const task = await openTask(t, 'other', 'a@c.example', 'draft');
    const refused = (await submit(task, draft(foreign.id), 400)) as ErrorJson;
    expect(refused.error.code).toBe('VALIDATION_FAILED');
    expect(refused.error.details?.issues).toEqual([
      { path: 'objectives.0.parentObjectiveId', message: expect.stringMatching(/not a company objective/), code: 'rule.not-a-parent', params: {} },
    ]);
    expect(await counts('other')).toMatchObject({ open: 1, completed: 0 });
    const objectives = await t.stack.database.db.selectFrom('objectives').select('id').execute();
    expect(objectives).toHaveLength(1);
    await submit(task, draft()); // the same task still completes afterwards
  });

  it('refuses controls for the wrong phase or a deadline in the past', async () => {
    const wrongPhase = await t.api('/api/cycles/join/advance', { method: 'POST', json: { phase: 'scoring' } });
    expect(wrongPhase.status).toBe(409);
    expect(((await wrongPhase.json()) as ErrorJson).error.message).toMatch(/in phase drafting, not scoring/);
    const past = await t.api('/api/cycles/join/extend', { method: 'POST', json: { phase: 'drafting', until: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    const badDate = await t.api('/api/cycles/join/extend', { method: 'POST', json: { phase: 'drafting', until: 'tomorrow' } });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as ErrorJson).error.details?.issues?.[0]?.path).toBe('until');
  });

  it('cancels a cycle: open tasks cancelled, every participant told, a second cancel refused', async () => {
    t.mail.clear();
    const cancelled = await t.api('/api/cycles/join/cancel', { method: 'POST', json: { reason: 'The company reorganised' } });
    expect(cancelled.status).toBe(200);
    await poll(
      async () => (await (await t.api('/api/cycles/join')).json()) as { status: string },
      (v) => v.status === 'cancelled',
      30_000,
      'cycle cancelled',
    );
    expect((await counts('join')).open).toBe(0);
    const told = await t.mail.waitFor((all) => all.filter((m) => m.text.includes('The company reorganised')).length >= 2, 20_000);
    // Amy and Lee are participants; Bob left before.
    expect(
      told
        .filter((m) => m.text.includes('The company reorganised'))
        .map((m) => m.envelopeTo[0])
        .sort(),
    ).toEqual(['a@c.example', 'late@c.example']);
    const again = await t.api('/api/cycles/join/cancel', { method: 'POST', json: { reason: 'Again please' } });
    expect([409]).toContain(again.status);
  });
});
