/**
 * A cycle workflow that ends abnormally (here: terminated by an operator's mistake) while its row
 * says running shows in /api/admin/stalled with its cause; an admin's retry resets it to its first
 * workflow task (two clicks → one reset), and the cycle runs to its end.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestStack, poll, startTestStack } from '../support/stack';

const ORG = [
  { email: 'hr@fc.example', name: 'Hal HR', roles: ['hr'] },
  { email: 'exec@fc.example', name: 'Eda Exec', roles: ['executive', 'manager'] },
  { email: 'a@fc.example', name: 'Amy', managerEmail: 'exec@fc.example' },
];
const schedule = {
  strategy: '3s',
  drafting: '3s',
  managerLead: '1s',
  review: '2s',
  checkIns: { every: '2s', weeks: 1, window: '2s' },
  scoring: '2s',
  awards: '2s',
  reminders: [],
  escalations: [],
  expireAfter: '1s',
};
type Stalled = { id: string; kind: string; cycleKey: string | null; where: string; step: string; why: string; actions: string[] };

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ database: 'postgres' });
  expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

const stalled = async () => ((await (await t.api('/api/admin/stalled')).json()) as { stalled: Stalled[] }).stalled;
const view = async (key: string) =>
  (await (await t.api(`/api/cycles/${key}`)).json()) as {
    status: string;
    workflowError?: string;
    state: { phase: string | null; activeBatches: string[] } | null;
  };

it('lists a terminated cycle workflow with its cause, and a retry resets it once; the cycle completes', { timeout: 150_000 }, async () => {
  // Workflow ids are shared by every test file on the run's Temporal server: a key of its own.
  const key = 'terminated-cycle';
  expect((await t.api('/api/cycles', { method: 'POST', json: { key, title: key, startsOn: '2027-01-01', endsOn: '2027-03-31', schedule } })).status).toBe(201);
  await poll(
    () => view(key),
    (v) => v.state?.phase === 'strategy' && v.state.activeBatches.length > 0,
    30_000,
    'strategy running',
  );
  expect(await stalled()).toEqual([]);

  await t.temporal.client.workflow.getHandle(`okr-cycle:${key}`).terminate('operator mistake');
  const [entry] = await poll(stalled, (s) => s.some((x) => x.kind === 'cycle'), 20_000, 'the failed cycle listed');
  expect(entry).toMatchObject({ kind: 'cycle', cycleKey: key, where: `okr-cycle:${key}`, step: 'cycle workflow', actions: ['retry'] });
  expect(entry!.id).toMatch(/^cycle-\d+$/);
  expect(entry!.why).toMatch(/terminated: operator mistake/);
  expect((await view(key)).workflowError).toMatch(/terminated: operator mistake/);

  // Skipping it makes no sense: refused, nothing changes.
  const skip = await t.api(`/api/admin/stalled/${entry!.id}/skip`, { method: 'POST', json: { reason: 'not needed' } });
  expect(skip.status).toBe(409);
  expect((await stalled()).map((s) => s.id)).toEqual([entry!.id]);

  const clicks = await Promise.all([1, 2].map(() => t.api(`/api/admin/stalled/${entry!.id}/retry`, { method: 'POST' })));
  expect(clicks.map((r) => r.status).sort()).toEqual([200, 409]);
  expect(await stalled()).toEqual([]);
  const audit = (await (await t.api('/api/audit?action=stall.retry')).json()) as { entries: { subject: string }[] };
  expect(audit.entries.map((e) => e.subject)).toEqual([entry!.id]);

  const done = await poll(
    () => view(key),
    (v) => v.status !== 'running',
    100_000,
    'the reset cycle to end',
  );
  expect(done.status).toBe('completed');
  expect(done.workflowError).toBeUndefined();
});
