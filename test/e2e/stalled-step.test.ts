/**
 * The operator's path: the SMTP server is down when a phase starts; the send step retries up to
 * its bound, then shows as stalled with the cause; SMTP comes back; an admin retries through the
 * API (two concurrent clicks → one retry); every email arrives once and the cycle moves on.
 * And the skip path, with its reason and what it means.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHistories } from '../support/histories';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { ORG } from './drafting-flow';

type Stalled = { id: string; kind: string; cycleKey: string; phase: string; step: string; why: string; actions: string[]; skipMeans: string };

describe('stalled steps', () => {
  let t: TestStack;
  let hrKey: string;
  beforeAll(async () => {
    t = await startTestStack({
      database: 'postgres',
      env: { STEP_MAX_ATTEMPTS: '2', STEP_RETRY_INITIAL: '200ms', STEP_RETRY_MAX: '200ms', STEP_AUTO_RETRY_AFTER: '1h' },
    });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const key = await t.api('/api/keys', { method: 'POST', json: { name: 'hr desk', role: 'hr' } });
    hrKey = ((await key.json()) as { key: string }).key;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const stalled = async () => ((await (await t.api('/api/admin/stalled')).json()) as { stalled: Stalled[] }).stalled;
  const startCycle = (key: string) =>
    t.api('/api/cycles', {
      method: 'POST',
      json: { key, title: `Cycle ${key}`, startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
    });

  it('shows a send step stalled while SMTP is down, and retries it once on request', async () => {
    t.mail.setRefuse('connect');
    expect((await startCycle('down')).status).toBe(201);
    const [step] = await poll(stalled, (s) => s.some((x) => x.cycleKey === 'down'), 30_000, 'a stalled step');
    expect(step).toMatchObject({ kind: 'step', cycleKey: 'down', phase: 'drafting', step: 'sendQueuedEmails', actions: ['retry', 'skip'] });
    expect(step!.why).toMatch(/could not be sent|421|refused|ECONNREFUSED|closed/i);

    // Only admins may act on it.
    expect((await t.api(`/api/admin/stalled/${step!.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${hrKey}` } })).status).toBe(403);
    expect((await t.api(`/api/admin/stalled/${step!.id}/retry`, { method: 'POST', headers: { authorization: '' } })).status).toBe(401);
    expect(t.mail.messages()).toHaveLength(0);

    t.mail.setRefuse('none');
    const clicks = await Promise.all([1, 2].map(() => t.api(`/api/admin/stalled/${step!.id}/retry`, { method: 'POST' })));
    expect(clicks.map((r) => r.status).sort()).toEqual([200, 409]);

    const mails = await t.mail.waitFor((all) => all.length >= 3, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(t.mail.messages()).toHaveLength(3);
    expect(new Set(mails.map((m) => m.envelopeTo[0])).size).toBe(3);
    expect(await stalled()).toEqual([]);
    const row = await t.stack.database.db.selectFrom('stalls').select(['status', 'resolved_by']).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'retried', resolved_by: 'bootstrap' });
    const audit = (await (await t.api('/api/audit?action=stall.retry')).json()) as { entries: { subject: string }[] };
    expect(audit.entries.map((e) => e.subject)).toEqual([step!.id]);
  });

  it('skips a stalled step with a reason and says what that means', async () => {
    t.mail.setRefuse('connect');
    t.mail.clear();
    expect((await startCycle('skip')).status).toBe(201);
    const [step] = await poll(stalled, (s) => s.some((x) => x.cycleKey === 'skip'), 30_000, 'a stalled step');
    expect(step!.skipMeans).toMatch(/stay unsent/);
    const noReason = await t.api(`/api/admin/stalled/${step!.id}/skip`, { method: 'POST', json: {} });
    expect(noReason.status).toBe(400);
    const skipped = await t.api(`/api/admin/stalled/${step!.id}/skip`, {
      method: 'POST',
      json: { reason: 'mail relay is being replaced; HR will send links by chat' },
    });
    expect(skipped.status).toBe(200);
    expect(await stalled()).toEqual([]);
    // An automatic try already running when the skip arrives is cancelled between messages, not
    // undone: SMTP answers again only once the batch runs no send any more.
    const batch = t.temporal.client.workflow.getHandle(`okr-cycle:skip:${step!.phase}:r1:b0`);
    await poll(
      () =>
        batch.describe().then(
          (d) => d.raw.pendingActivities ?? [],
          () => [],
        ),
      (acts) => !acts.some((a) => a.activityType?.name === 'sendQueuedEmails'),
      20_000,
      'the skipped send to stop',
    );
    t.mail.setRefuse('none');
    // The tasks are open and can be completed from their pages; the mail stays queued.
    const view = (await (await t.api('/api/cycles/skip')).json()) as { taskCounts: Record<string, number>; emailCounts: Record<string, number> };
    expect(view.taskCounts.open).toBe(3);
    expect(view.emailCounts.queued).toBe(3);
    expect(t.mail.messages()).toHaveLength(0);
    // RECORD_HISTORIES=1: an operator's retry and skip of a probing stall, for test/replay.
    await recordHistories(t.temporal.client, 'okr-cycle:down', 'stalled-step');
    await recordHistories(t.temporal.client, 'okr-cycle:skip', 'stalled-step');
  });
});
