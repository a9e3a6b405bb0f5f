/**
 * A stalled step resumes by itself: SMTP refuses until the send step stalls; then SMTP answers
 * again and, with nobody touching the admin API, the queued emails arrive (within about a minute
 * with the default probe interval) and the stall is resolved as `auto-resume`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordHistories } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { ORG } from './drafting-flow';

type Stalled = { id: string; cycleKey: string; step: string; why: string; nextRetryAt: string | null };

let t: TestStack;
beforeAll(async () => {
  // Stall quickly; the probe interval (STEP_AUTO_RETRY_AFTER) keeps its default.
  t = await startTestStack({ database: 'postgres', env: { STEP_MAX_ATTEMPTS: '2', STEP_RETRY_INITIAL: '200ms', STEP_RETRY_MAX: '200ms' } });
  expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

const stalled = async () => ((await (await t.api('/api/admin/stalled')).json()) as { stalled: Stalled[] }).stalled;

it('sends the queued emails once SMTP answers again, without an admin', { timeout: 150_000 }, async () => {
  expect(t.config.stepPolicy.autoRetryAfter).toBe('30s');
  t.mail.setRefuse('connect');
  const started = await t.api('/api/cycles', {
    method: 'POST',
    json: { key: 'AUTO-1', title: 'Q1 2027', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
  });
  expect(started.status).toBe(201);
  const [step] = await poll(stalled, (s) => s.some((x) => x.cycleKey === 'AUTO-1'), 30_000, 'a stalled step');
  expect(step).toMatchObject({ cycleKey: 'AUTO-1', step: 'sendQueuedEmails' });
  // The next try is announced about one probe interval ahead, not half an hour.
  expect(new Date(step!.nextRetryAt!).getTime() - Date.now()).toBeLessThan(31_000);

  // Still refused for a few seconds: nothing goes out, the step stays stalled.
  await new Promise((r) => setTimeout(r, 3000));
  expect(t.mail.messages()).toHaveLength(0);
  expect((await stalled()).map((s) => s.id)).toEqual([step!.id]);

  t.mail.setRefuse('none');
  const back = Date.now();
  const mails = await t.mail.waitFor((all) => all.length >= 3, 75_000);
  const waitedMs = Date.now() - back;
  expect(waitedMs).toBeLessThan(75_000);
  await poll(stalled, (s) => s.length === 0, 10_000, 'the stall resolved');

  const row = await t.stack.database.db.selectFrom('stalls').select(['status', 'resolved_by']).executeTakeFirstOrThrow();
  expect(row).toEqual({ status: 'auto-retried', resolved_by: 'auto-resume' });
  // Nobody acted: no stall.retry in the audit log.
  const audit = (await (await t.api('/api/audit?action=stall.retry')).json()) as { entries: unknown[] };
  expect(audit.entries).toEqual([]);

  // Each email once.
  await new Promise((r) => setTimeout(r, 1000));
  expect(t.mail.messages()).toHaveLength(3);
  expect(new Set(mails.map((m) => m.messageId)).size).toBe(3);
  const outbox = await t.stack.database.db.selectFrom('emails').select('status').execute();
  expect(outbox.every((e) => e.status === 'sent')).toBe(true);
  console.info(`emails arrived ${waitedMs} ms after SMTP answered again`);
  // RECORD_HISTORIES=1: the stall, the probing and the auto-resume, for test/replay.
  await recordHistories(t.temporal.client, 'okr-cycle:AUTO-1', 'stall-auto-resume');
});
