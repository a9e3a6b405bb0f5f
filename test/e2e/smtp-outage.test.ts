/**
 * The SMTP server is down when a cycle starts: the invitations stay queued, Temporal retries the
 * sending activity with backoff, and once the server is back every email goes out exactly once
 * (one message per Message-ID at the server).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestStack, poll, startTestStack } from '../support/stack';

let t: TestStack;

beforeAll(async () => {
  // Short backoff so the test does not wait minutes for the retry after the outage.
  t = await startTestStack({ database: 'postgres', env: { STEP_RETRY_INITIAL: '500ms', STEP_RETRY_MAX: '2s', STEP_MAX_ATTEMPTS: '100' } });
});

afterAll(async () => {
  await t?.stop();
});

const outbox = () => t.stack.database.db.selectFrom('emails').select(['to_address', 'status', 'attempts', 'last_error', 'message_id']).orderBy('id').execute();

it('SMTP refuses connections for a while: the emails are sent once it recovers, each exactly once', async () => {
  t.mail.setRefuse('connect');
  const people = [
    { email: 'ana@example.com', name: 'Ana Lead', roles: ['manager', 'hr'] },
    { email: 'bo@example.com', name: 'Bo Builder', managerEmail: 'ana@example.com', locale: 'zh-CN' },
    { email: 'cy@example.com', name: 'Cy Coder', managerEmail: 'ana@example.com' },
  ];
  expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
  const started = await t.api('/api/cycles', {
    method: 'POST',
    json: { key: 'OUTAGE-1', title: 'Q1 2027', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
  });
  expect(started.status).toBe(201);

  // The invitations are queued and have been tried (and refused) at least twice.
  const failing = await poll(outbox, (rows) => rows.length === 3 && rows.every((r) => r.status === 'queued' && r.attempts >= 2), 30_000, 'refused attempts');
  expect(failing[0]!.last_error).toMatch(/421|Service not available/);
  expect(t.mail.messages()).toHaveLength(0);

  // The cause is visible at once, long before the step stalls: in the cycle view and the operator's list.
  type Health = { queued: number; failed: number; lastError: string | null; lastAttemptAt: string | null };
  const view = (await (await t.api('/api/cycles/OUTAGE-1')).json()) as { outbox: Health };
  expect(view.outbox).toMatchObject({ queued: 3, failed: 0 });
  expect(view.outbox.lastError).toMatch(/421 .*Service not available/);
  expect(Date.now() - Date.parse(view.outbox.lastAttemptAt!)).toBeLessThan(30_000);
  const stalled = (await (await t.api('/api/admin/stalled')).json()) as { outbox: (Health & { cycleKey: string; summary: string })[] };
  const trouble = stalled.outbox.find((o) => o.cycleKey === 'OUTAGE-1');
  expect(trouble).toMatchObject({ queued: 3, failed: 0 });
  expect(trouble!.summary).toMatch(/^3 emails waiting, last error at .*: .*421 .*Service not available/);

  t.mail.setRefuse('none');
  await t.mail.waitFor((all) => all.length >= 3, 30_000);
  const sent = await poll(outbox, (rows) => rows.every((r) => r.status === 'sent'), 10_000, 'emails marked sent');
  expect(sent.every((r) => r.last_error === null)).toBe(true);
  const after = (await (await t.api('/api/cycles/OUTAGE-1')).json()) as { outbox: unknown };
  expect(after.outbox).toEqual({ queued: 0, failed: 0, lastError: null, lastAttemptAt: null });
  const listed = (await (await t.api('/api/admin/stalled')).json()) as { outbox: { cycleKey: string }[] };
  expect(listed.outbox.map((o) => o.cycleKey)).not.toContain('OUTAGE-1');

  // Give a duplicate every chance to arrive: the workflow's next steps, any late retry.
  await new Promise((r) => setTimeout(r, 3000));
  const messages = t.mail.messages();
  expect(messages).toHaveLength(3);
  const perMessageId = new Map<string, number>();
  for (const m of messages) perMessageId.set(m.messageId!, (perMessageId.get(m.messageId!) ?? 0) + 1);
  expect([...perMessageId.values()]).toEqual([1, 1, 1]);
  expect([...perMessageId.keys()].sort()).toEqual(sent.map((r) => r.message_id).sort());
  expect(messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com']);
});
