/**
 * HR cancels a cycle while a batch is sending its invitations to a slow but working SMTP server
 * (40 ms per message). The send stops between messages, and the batch closes its tasks only once
 * the send has stopped (patch `send-stops-first-v1`): every invitation the server accepted is
 * marked sent, every other one is skipped (its task is cancelled), and none is sent twice. The
 * histories are recorded for the replay test (RECORD_HISTORIES=1).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { recordHistories } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';

const PEOPLE = 150;
let t: TestStack;
let server: SMTPServer;
/** Message-IDs, in the order the server accepted them. */
const accepted: string[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', () =>
        setTimeout(() => {
          const id = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
          if (id) accepted.push(id);
          callback(null);
        }, 40),
      );
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  t = await startTestStack({ database: 'postgres', env: { SMTP_URL: `smtp://127.0.0.1:${port}?tls=off` } });
});

afterAll(async () => {
  if (t) await recordHistories(t.temporal.client, 'okr-cycle:slow', 'cancel-mid-send');
  await t?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('a cancel during a send marks what was delivered sent and the rest skipped, and closes the tasks after the send stopped', { timeout: 120_000 }, async () => {
  const reports = Array.from({ length: PEOPLE }, (_, i) => ({ email: `p${i}@slow.example`, name: `Person ${i}`, managerEmail: 'eve@slow.example' }));
  const people = [
    { email: 'hana@slow.example', name: 'Hana HR', roles: ['hr'] },
    { email: 'eve@slow.example', name: 'Eve Exec', roles: ['executive'] },
    ...reports,
  ];
  expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
  const start = await t.api('/api/cycles', {
    method: 'POST',
    json: { key: 'slow', title: 'Slow', startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
  });
  expect(start.status).toBe(201);
  const view = async () => (await (await t.api('/api/cycles/slow')).json()) as { state: { status: string; phase: string | null } | null };
  await poll(view, (v) => v.state?.phase === 'strategy', 30_000, 'strategy');
  expect((await t.api('/api/cycles/slow/advance', { method: 'POST', json: { phase: 'strategy' } })).status).toBe(200);
  await poll(view, (v) => v.state?.phase === 'drafting', 30_000, 'drafting');

  // Some of the drafting invitations are out: HR cancels.
  const drafts = () =>
    t.stack.database.db
      .selectFrom('emails as e')
      .innerJoin('tasks as k', 'k.id', 'e.task_id')
      .select(['e.message_id', 'e.status', 'k.status as taskStatus'])
      .where('k.kind', '=', 'draft')
      .where('e.kind', '=', 'task-invite')
      .execute();
  const draftIds = new Set((await poll(drafts, (rows) => rows.length >= PEOPLE, 30_000, 'the drafting invitations queued')).map((r) => r.message_id));
  const deliveredDrafts = () => accepted.filter((id) => draftIds.has(id));
  await poll(
    async () => deliveredDrafts().length,
    (n) => n >= 20,
    30_000,
    'the first invitations',
  );
  expect((await t.api('/api/cycles/slow/cancel', { method: 'POST', json: { reason: 'Wrong quarter' } })).status).toBe(200);
  await poll(view, (v) => v.state?.status === 'cancelled', 30_000, 'the cancelled cycle');
  const delivered = new Set(deliveredDrafts());
  expect(delivered.size).toBeLessThan(draftIds.size);
  expect(deliveredDrafts()).toHaveLength(delivered.size); // nobody got it twice

  // What the server accepted is marked sent, the rest skipped.
  const rows = await drafts();
  for (const r of rows) {
    expect(r.taskStatus).toBe('cancelled');
    expect({ id: r.message_id, status: r.status }).toEqual({ id: r.message_id, status: delivered.has(r.message_id) ? 'sent' : 'skipped' });
  }

  // In the batch's history the send stopped (cancelled or done) before the tasks were closed.
  const history = await t.temporal.client.workflow.getHandle('okr-cycle:slow:drafting:r1:b0').fetchHistory();
  const events = history.events ?? [];
  const sendIds = new Set(
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendQueuedEmails').map((e) => String(e.eventId)),
  );
  const cancelRequested = events.find((e) => sendIds.has(String(e.activityTaskCancelRequestedEventAttributes?.scheduledEventId ?? '')));
  expect(cancelRequested, 'HR’s cancel interrupted a running send').toBeDefined();
  const interrupted = String(cancelRequested!.activityTaskCancelRequestedEventAttributes!.scheduledEventId);
  const ended = events.find(
    (e) => String(e.activityTaskCanceledEventAttributes?.scheduledEventId ?? e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === interrupted,
  );
  const closeScheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'closeTasks');
  expect(ended, 'the interrupted send reported its end').toBeDefined();
  expect(Number(ended!.eventId)).toBeLessThan(Number(closeScheduled!.eventId));
});
