/**
 * HR's advance interrupts a batch's send: the SMTP server hangs (it accepts connections and
 * answers nothing), so the strategy batch's sendQueuedEmails would wait and retry for as long
 * as the retry policy allows. HR advances the phase meanwhile: the send is cancelled, the phase
 * ends within seconds, and the invitation that could not be sent is settled as skipped (its task
 * has expired: the email would say nothing true), not left queued for ever.
 * A cancel interrupts the next phase's send the same way.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';

let t: TestStack;
let smtp: MailCatcher;
let proxy: TcpProxy;

beforeAll(async () => {
  smtp = await startMailCatcher({ port: 0 });
  proxy = await startTcpProxy({ port: smtp.port });
  // Many quick retries: without the interruption the send would hold the batch for minutes.
  t = await startTestStack({
    database: 'postgres',
    env: { SMTP_URL: `smtp://127.0.0.1:${proxy.port}?tls=off`, STEP_RETRY_INITIAL: '500ms', STEP_RETRY_MAX: '1s', STEP_MAX_ATTEMPTS: '100' },
  });
});

afterAll(async () => {
  proxy?.resume();
  await t?.stop();
  await proxy?.close();
  await smtp?.close();
});

it('an advance or a cancel during a hung send ends the batch at once; the unsent invitation of the closed task is skipped', { timeout: 120_000 }, async () => {
  const people = [
    { email: 'hana@send.example', name: 'Hana HR', roles: ['hr'] },
    { email: 'eve@send.example', name: 'Eve Exec', roles: ['executive'] },
  ];
  expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
  proxy.stall();
  expect(
    (
      await t.api('/api/cycles', {
        method: 'POST',
        json: { key: 'hung', title: 'Hung', startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
      })
    ).status,
  ).toBe(201);

  // The strategy batch is inside its send, held by the silent SMTP server.
  const batch = t.temporal.client.workflow.getHandle('okr-cycle:hung:strategy:r1:b0');
  const sending = await poll(
    () =>
      batch.describe().then(
        (d) => d.raw.pendingActivities ?? [],
        () => [],
      ),
    (acts) => acts.some((a) => a.activityType?.name === 'sendQueuedEmails'),
    30_000,
    'the strategy batch sending',
  );
  expect(sending.length).toBe(1);
  await poll(
    async () => proxy.openConnections(),
    (n) => n > 0,
    10_000,
    'the send connected to the silent SMTP server',
  );

  const asked = Date.now();
  expect((await t.api('/api/cycles/hung/advance', { method: 'POST', json: { phase: 'strategy' } })).status).toBe(200);
  const moved = await poll(
    async () => (await (await t.api('/api/cycles/hung')).json()) as { state: { phase: string } | null },
    (v) => v.state?.phase === 'drafting',
    20_000,
    'drafting',
  );
  expect(moved.state?.phase).toBe('drafting');
  // A send that held the batch would have taken at least the SMTP greeting timeout (10 s) per try.
  expect(Date.now() - asked).toBeLessThan(8_000);
  expect((await batch.describe()).status.name).toBe('COMPLETED');

  const strategyTask = await t.stack.database.db.selectFrom('tasks').select(['status']).where('kind', '=', 'strategy').executeTakeFirstOrThrow();
  expect(strategyTask.status).toBe('expired');
  const invite = await t.stack.database.db
    .selectFrom('emails')
    .select(['status', 'last_error'])
    .where('kind', '=', 'task-invite')
    .where('to_address', '=', 'eve@send.example')
    .executeTakeFirstOrThrow();
  expect(invite).toEqual({ status: 'skipped', last_error: 'task is expired' });
  expect(smtp.messages()).toHaveLength(0);

  // Drafting's batch is sending into the same silent server; HR cancels the cycle: the batch ends at once.
  const drafting = t.temporal.client.workflow.getHandle('okr-cycle:hung:drafting:r1:b0');
  await poll(
    () =>
      drafting.describe().then(
        (d) => d.raw.pendingActivities ?? [],
        () => [],
      ),
    (acts) => acts.some((a) => a.activityType?.name === 'sendQueuedEmails'),
    30_000,
    'the drafting batch sending',
  );
  const cancelAsked = Date.now();
  expect((await t.api('/api/cycles/hung/cancel', { method: 'POST', json: { reason: 'Wrong quarter' } })).status).toBe(200);
  await poll(
    () => drafting.describe().then((d) => d.status.name),
    (s) => s === 'COMPLETED',
    20_000,
    'the drafting batch to end',
  );
  expect(Date.now() - cancelAsked).toBeLessThan(8_000);
  const drafts = await t.stack.database.db.selectFrom('tasks').select(['status']).where('kind', '=', 'draft').execute();
  expect(drafts.length).toBeGreaterThan(0);
  expect(drafts.every((d) => d.status === 'cancelled')).toBe(true);
});
