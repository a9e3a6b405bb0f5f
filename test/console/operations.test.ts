/**
 * The operations pages on the real stack: health, a failed email seen in the outbox and the
 * stalled list with its last error, skip refused without a reason, resend after SMTP comes back
 * (two concurrent clicks: one acts, the other gets 409), API keys shown once and revoked, the
 * audit log filtered — every action audited with the admin's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFetch, signInAs } from '../support/console';
import { type TestStack, poll, startTestStack } from '../support/stack';

describe('console operations pages', () => {
  let t: TestStack;
  let admin = '';
  const db = () => t.stack.database.db;
  const emails = () => db().selectFrom('emails').select(['id', 'to_address', 'status', 'last_error']).orderBy('id').execute();

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres', env: { STEP_RETRY_INITIAL: '500ms', STEP_RETRY_MAX: '1s' } });
    const people = [
      { email: 'oli@example.com', name: 'Oli Ops', roles: ['admin', 'hr', 'executive'] },
      { email: 'bo@example.com', name: 'Bo Builder', managerEmail: 'oli@example.com' },
    ];
    expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
    admin = await signInAs(t, 'oli@example.com');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('shows the health of the database, Temporal and SMTP', async () => {
    const page = await (await consoleFetch(t, admin, '/console/operations')).text();
    expect(page).toContain('Database: <span class="up">up</span>');
    expect(page).toContain('Temporal: <span class="up">up</span>');
    expect(page).toContain('SMTP: <span class="up">up</span>');
    expect(page).toContain('Nothing is stalled.');
  });

  it('lists a refused email with its last error; skip needs a reason; resend acts once', async () => {
    t.mail.setRefuse('permfail');
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'OPS-1', title: 'Q1 2027', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
    });
    expect(started.status).toBe(201);
    const failed = await poll(emails, (rows) => rows.some((r) => r.status === 'failed'), 30_000, 'a failed email');
    const email = failed.find((r) => r.status === 'failed')!;

    const outbox = await (await consoleFetch(t, admin, '/console/operations/outbox?cycle=OPS-1')).text();
    expect(outbox).toContain(email.to_address);
    expect(email.last_error).toContain('550 Mailbox unavailable');
    expect(outbox).toContain('550 Mailbox unavailable');
    expect(outbox).toContain(`action="/console/operations/stalled/email-${email.id}/retry"`);
    const overview = await (await consoleFetch(t, admin, '/console/operations')).text();
    expect(overview).toContain(`id="email-${email.id}"`);
    expect(overview).toContain('OPS-1');

    const json = (await (await t.api('/api/admin/outbox?cycle=OPS-1')).json()) as {
      counts: Record<string, number>;
      emails: { id: string; status: string; lastError: string; resend: string | null }[];
    };
    expect(json.counts.failed).toBeGreaterThanOrEqual(1);
    expect(json.emails.find((e) => e.id === email.id)).toMatchObject({
      status: 'failed',
      resend: `email-${email.id}`,
      lastError: expect.stringContaining('550'),
    });
    expect((await t.api('/api/admin/outbox?cycle=NO-SUCH')).status).toBe(404);

    const noReason = await consoleFetch(t, admin, `/console/operations/stalled/email-${email.id}/skip`, { method: 'POST', form: { reason: '  ' } });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('say why the step is skipped');
    expect((await emails()).find((r) => r.id === email.id)!.status).toBe('failed');

    t.mail.setRefuse('none');
    const path = `/console/operations/stalled/email-${email.id}/retry`;
    const [a, b] = await Promise.all([0, 1].map(() => consoleFetch(t, admin, path, { method: 'POST', form: { back: 'outbox', cycle: 'OPS-1' } })));
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const conflict = [a!, b!].find((r) => r.status === 409)!;
    expect(await conflict.text()).toContain('Someone did this already');
    await poll(emails, (rows) => rows.find((r) => r.id === email.id)!.status === 'sent', 30_000, 'the resent email');
    const audit = await db().selectFrom('audit_log').select(['actor', 'subject']).where('action', '=', 'stall.retry').execute();
    expect(audit).toEqual([{ actor: 'Oli Ops <oli@example.com>', subject: `email-${email.id}` }]);
  });

  it('creates an API key shown once, which works until revoked', async () => {
    const created = await consoleFetch(t, admin, '/console/operations/keys', { method: 'POST', form: { name: 'hris-sync', role: 'hr' } });
    expect(created.status).toBe(200);
    const key = /<p class="secret" id="new-key">(okr_[A-Za-z0-9_-]+)<\/p>/.exec(await created.text())?.[1];
    expect(key).toBeDefined();
    expect((await fetch(`${t.base}/api/people`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const list = await (await consoleFetch(t, admin, '/console/operations/keys')).text();
    expect(list).toContain('hris-sync');
    expect(list).not.toContain(key!);
    const row = await db().selectFrom('api_keys').select('id').where('name', '=', 'hris-sync').executeTakeFirstOrThrow();
    expect((await consoleFetch(t, admin, `/console/operations/keys/${row.id}/revoke`, { method: 'POST', form: {} })).status).toBe(200);
    expect((await fetch(`${t.base}/api/people`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const empty = await consoleFetch(t, admin, '/console/operations/keys', { method: 'POST', form: { name: ' ', role: 'hr' } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Name: must not be empty');
  });

  it('filters the audit log by action prefix and actor', async () => {
    const page = await (await consoleFetch(t, admin, '/console/operations/audit?action=api-key.*')).text();
    const actions = [...page.matchAll(/<td data-label="Action">([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(actions).toEqual(['api-key.revoked', 'api-key.created']);
    const byActor = await (await consoleFetch(t, admin, `/console/operations/audit?actor=${encodeURIComponent('Oli Ops*')}`)).text();
    const actors = new Set([...byActor.matchAll(/<td data-label="Who">([^<]+)<\/td>/g)].map((m) => m[1]));
    expect([...actors]).toEqual(['Oli Ops &lt;oli@example.com&gt;']);
  });
});
