/**
 * Sending the outbox over real SMTP (the mail catcher on loopback) from a real PostgreSQL
 * database: the activity runs in Temporal's mock activity context, rows are written directly.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailActivities } from '../../activities/email';
import { createLimiter } from '../../core/concurrency';
import { createOutboxSender } from '../../mail/outbox-sender';
import type { EmailData } from '../../mail/templates/data';
import { emailRow } from '../../activities/outbox';
import { verifyReplyKey } from '../../core/reply-keys';
import { hashToken } from '../../core/tokens';
import { type Database, migrateToLatest, openDatabase } from '../../db/connect';
import { type MailCatcher, startMailCatcher } from '../../mail/catcher';
import { type Mailer, createMailer } from '../../mail/mailer';
import { createLogger } from '../../runtime/logger';
import { type TestDatabase, createTestDatabase } from '../support/postgres';
import { queueInvite, seedCycle, seedObjective, seedPeople, seedTask } from './seed';

const SECRET = 'outbox-test-secret-0123456789abcdefghijklmn';
const FROM = 'OKR <okr@okr.example.com>';
const BASE = 'http://okr.example.com';

let testDb: TestDatabase;
let database: Database;
let catcher: MailCatcher;
const mailers: Mailer[] = [];

function activities(mailer: Mailer) {
  return createEmailActivities({ db: database.db, mailer, publicBaseUrl: BASE, tokenSecret: SECRET, log: createLogger('silent') });
}
function mailerTo(port: number, replyDomain?: string): Mailer {
  const m = createMailer({ url: `smtp://127.0.0.1:${port}?tls=off`, from: FROM, maxConnections: 2, ratePerSecond: 0, ...(replyDomain ? { replyDomain } : {}) });
  mailers.push(m);
  return m;
}
const send = (mailer: Mailer, senderRef: string) => new MockActivityEnvironment().run(activities(mailer).sendQueuedEmails, { senderRef });
const statuses = (senderRef: string) =>
  database.db
    .selectFrom('emails')
    .select(['to_address', 'status', 'attempts', 'last_error', 'message_id'])
    .where('sender_ref', '=', senderRef)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openDatabase({ url: testDb.url, poolSize: 5, dataDir: 'memory://' });
  await migrateToLatest(database.db);
  catcher = await startMailCatcher({ port: 0 });
});

afterAll(async () => {
  for (const m of mailers) m.close();
  await catcher?.close();
  await database?.close();
  await testDb?.drop();
});

describe('sendQueuedEmails over SMTP', () => {
  it('a name with CR/LF and "Bcc:" yields exactly one email, to its owner, with no injected header', async () => {
    catcher.clear();
    const [mallory] = await seedPeople(database.db, [{ email: 'mallory@example.com', name: 'Mallory\r\nBcc: victim@example.com\r\nX-Injected: yes' }]);
    const cycle = await seedCycle(database.db, 'Q1\r\nBcc: victim2@example.com', [mallory!.id]);
    const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: mallory!.id, kind: 'draft' });
    const messageId = await queueInvite(database.db, { senderRef: 'crlf', from: FROM, cycle, taskId: task.id, kind: 'draft', person: mallory! });

    expect(await send(mailerTo(catcher.port, 'replies.test'), 'crlf')).toEqual({ sent: 1, failed: 0, skipped: 0 });
    await new Promise((r) => setTimeout(r, 200)); // a Bcc copy would arrive as a second message
    const all = catcher.messages();
    expect(all).toHaveLength(1);
    const [m] = all;
    expect(m!.envelopeTo).toEqual(['mallory@example.com']);
    expect(m!.messageId).toBe(messageId);
    const headerLines = m!.raw.slice(0, m!.raw.search(/\r?\n\r?\n/)).split(/\r?\n/);
    expect(headerLines.filter((l) => /^(bcc|x-injected):/i.test(l))).toEqual([]);
    expect(m!.headers.bcc).toBeUndefined();
    expect(m!.headers['x-injected']).toBeUndefined();
    expect(m!.subject).not.toMatch(/[\r\n]/);
    expect(m!.to).toContain('mallory@example.com');
  });

  it('escapes <script> in a cycle title and a name; links and the reply address are the task’s own', async () => {
    catcher.clear();
    const [eve] = await seedPeople(database.db, [{ email: 'eve@example.com', name: 'Eve <script>alert("name")</script>' }]);
    const cycle = await seedCycle(database.db, 'Q2 <script>alert("title")</script>', [eve!.id]);
    await seedObjective(database.db, cycle.id, eve!.id, 'Grow <b>fast</b>', [
      { title: 'Activation <img src=x onerror=alert(1)>', kind: 'percent', start: 40, target: 60, current: 45 },
      { title: 'Launch', kind: 'milestone' },
    ]);
    const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: eve!.id, kind: 'checkin', round: 2 });
    await queueInvite(database.db, { senderRef: 'xss', from: FROM, cycle, taskId: task.id, kind: 'checkin', round: 2, person: eve! });

    expect(await send(mailerTo(catcher.port, 'replies.test'), 'xss')).toEqual({ sent: 1, failed: 0, skipped: 0 });
    const [m] = await catcher.waitFor((all) => all.length === 1);
    expect(m!.html).not.toMatch(/<script|<img|<b>fast/);
    expect(m!.html).toContain('Q2 &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(m!.html).toContain('Eve &lt;script&gt;');
    expect(m!.html).toContain('Activation &lt;img src=x onerror=alert(1)&gt;');
    expect(m!.subject).toContain('Q2 <script>alert("title")</script>: check in for week 2 by');

    // the link is the task's (its token hashes to the stored hash); Reply-To is the task's reply address
    const link = /(http:\/\/okr\.example\.com\/t\/[A-Za-z0-9_-]{43})/.exec(m!.text)![1]!;
    expect(hashToken(link.slice(link.lastIndexOf('/') + 1))).toBe(
      (await database.db.selectFrom('tasks').select('token_hash').where('id', '=', task.id).executeTakeFirstOrThrow()).token_hash,
    );
    const replyTo = /^tasks\+([^@]+)@replies\.test$/.exec(m!.headers['reply-to']!)!;
    expect(verifyReplyKey(SECRET, replyTo[1]!)).toBe(task.id);
    // the key results are numbered and pre-filled in the reply example; the confidence is the
    // grammar's example, not one chosen for the person (the task's context no longer holds one)
    expect(m!.text).toContain('KR1: 45%\nKR2: not done\nconfidence: 7\n');
  });

  it('without a reply domain there is no Reply-To and no reply instructions', async () => {
    catcher.clear();
    const [fay] = await seedPeople(database.db, [{ email: 'fay@example.com', name: 'Fay' }]);
    const cycle = await seedCycle(database.db, 'Q3', [fay!.id]);
    const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: fay!.id, kind: 'review', subjectPersonId: fay!.id });
    await queueInvite(database.db, { senderRef: 'noreply', from: FROM, cycle, taskId: task.id, kind: 'review', person: fay!, subjectName: 'Fay' });
    await send(mailerTo(catcher.port), 'noreply');
    const [m] = await catcher.waitFor((all) => all.length === 1);
    expect(m!.headers['reply-to']).toBeUndefined();
    expect(m!.text).not.toContain('changes:');
    expect(m!.text).toContain(`${BASE}/t/`);
  });

  it('renders every kind; emails about someone else’s task and cycle-wide emails carry no link and no reply address', async () => {
    catcher.clear();
    const [gus, hal] = await seedPeople(database.db, [
      { email: 'gus@example.com', name: 'Gus' },
      { email: 'hal@example.com', name: 'Hal 经理', locale: 'zh-CN' },
    ]);
    const cycle = await seedCycle(database.db, 'Q4', [gus!.id, hal!.id]);
    const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: gus!.id, kind: 'checkin' });
    const b = (locale: 'en' | 'zh-CN', personName: string) => ({ locale, personName, cycleTitle: cycle.title, timeZone: 'UTC' });
    const escalation: EmailData['task-escalation'] = {
      ...b('zh-CN', 'Hal 经理'),
      taskKind: 'checkin',
      dueAt: '2027-01-18T17:00:00.000Z',
      round: 1,
      ownerName: 'Gus',
      ownerEmail: 'gus@example.com',
      level: 'manager',
    };
    const rows = [
      emailRow({
        key: `t:${task.id}:esc`,
        kind: 'task-escalation',
        cycleId: cycle.id,
        taskId: task.id,
        person: hal!,
        data: escalation,
        senderRef: 'kinds',
        from: FROM,
      }),
      emailRow({
        key: 'c:awards',
        kind: 'awards-announcement',
        cycleId: cycle.id,
        taskId: null,
        person: gus!,
        data: { ...b('en', 'Gus'), winners: [{ label: 'Hal', citation: 'for calm' }] },
        senderRef: 'kinds',
        from: FROM,
      }),
      emailRow({
        key: 'c:cancel',
        kind: 'cycle-cancelled',
        cycleId: cycle.id,
        taskId: null,
        person: gus!,
        data: { ...b('en', 'Gus'), reason: 'reorg' },
        senderRef: 'kinds',
        from: FROM,
      }),
      emailRow({
        key: 'c:digest',
        kind: 'manager-digest',
        cycleId: cycle.id,
        taskId: null,
        person: hal!,
        data: { ...b('zh-CN', 'Hal 经理'), week: 1, checkedIn: [], missed: ['Gus'], lowConfidence: [] },
        senderRef: 'kinds',
        from: FROM,
      }),
    ];
    await database.db.insertInto('emails').values(rows).execute();
    expect(await send(mailerTo(catcher.port, 'replies.test'), 'kinds')).toEqual({ sent: 4, failed: 0, skipped: 0 });
    const all = await catcher.waitFor((a) => a.length === 4);
    for (const m of all) {
      expect(m.text, m.subject).not.toContain('/t/');
      expect(m.headers['reply-to'], m.subject).toBeUndefined();
    }
    expect(all.map((m) => m.subject).sort()).toEqual([
      'Q4 has been cancelled',
      'Q4: the award winners',
      'Q4：Gus 未完成第 1 周进展更新',
      'Q4：第 1 周进展更新 — 0 人已更新，1 人未更新',
    ]);
  });

  it('a reminder for a task that is no longer open is skipped, not sent', async () => {
    catcher.clear();
    const [ida] = await seedPeople(database.db, [{ email: 'ida@example.com', name: 'Ida' }]);
    const cycle = await seedCycle(database.db, 'Q5', [ida!.id]);
    const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: ida!.id, kind: 'draft' });
    await database.db.updateTable('tasks').set({ status: 'completed', completed_at: new Date() }).where('id', '=', task.id).execute();
    const data: EmailData['task-reminder'] = {
      locale: 'en',
      personName: 'Ida',
      cycleTitle: 'Q5',
      timeZone: 'UTC',
      taskKind: 'draft',
      dueAt: '2027-01-18T17:00:00.000Z',
      round: 1,
      reminderNo: 0,
    };
    await database.db
      .insertInto('emails')
      .values(
        emailRow({
          key: `task:${task.id}:reminder:0`,
          kind: 'task-reminder',
          cycleId: cycle.id,
          taskId: task.id,
          person: ida!,
          data,
          senderRef: 'skip',
          from: FROM,
        }),
      )
      .execute();
    expect(await send(mailerTo(catcher.port), 'skip')).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(catcher.messages()).toHaveLength(0);
  });

  it('temporary SMTP failures leave emails queued and fail the activity; the retry sends each exactly once', async () => {
    catcher.clear();
    const people = await seedPeople(database.db, [
      { email: 'jo@example.com', name: 'Jo' },
      { email: 'kim@example.com', name: 'Kim' },
    ]);
    const cycle = await seedCycle(
      database.db,
      'Q6',
      people.map((p) => p.id),
    );
    for (const p of people) {
      const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: p.id, kind: 'draft' });
      await queueInvite(database.db, { senderRef: 'temp', from: FROM, cycle, taskId: task.id, kind: 'draft', person: p });
    }
    const mailer = mailerTo(catcher.port);
    catcher.setRefuse('tempfail');
    await expect(send(mailer, 'temp')).rejects.toMatchObject({ type: 'SMTP_TEMPORARY' });
    catcher.setRefuse('connect');
    await expect(send(mailer, 'temp')).rejects.toMatchObject({ type: 'SMTP_TEMPORARY' });
    expect(catcher.messages()).toHaveLength(0);
    const queued = await statuses('temp');
    expect(queued.map((r) => [r.status, r.attempts])).toEqual([
      ['queued', 2],
      ['queued', 2],
    ]);
    expect(queued[0]!.last_error).toMatch(/421|mail catcher/);

    catcher.setRefuse('none');
    expect(await send(mailer, 'temp')).toEqual({ sent: 2, failed: 0, skipped: 0 });
    expect(await send(mailer, 'temp')).toEqual({ sent: 0, failed: 0, skipped: 0 }); // a second run finds nothing queued
    const all = await catcher.waitFor((a) => a.length === 2);
    const ids = all.map((m) => m.messageId).sort();
    expect(ids).toEqual(queued.map((r) => r.message_id).sort());
    expect((await statuses('temp')).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('a 5xx for one recipient marks that email failed; the others are delivered', async () => {
    catcher.clear();
    // A real SMTP hop in front of the catcher that refuses one mailbox and relays the rest.
    const relay = createTransport({ host: '127.0.0.1', port: catcher.port, secure: false, ignoreTLS: true });
    const front = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onRcptTo(address, _session, callback) {
        if (address.address === 'gone@example.com') return callback(Object.assign(new Error('5.1.1 Mailbox does not exist'), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          relay
            .sendMail({
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
              raw: Buffer.concat(chunks),
            })
            .then(() => callback(), callback);
        });
      },
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const port = (front.server.address() as { port: number }).port;
      const people = await seedPeople(database.db, [
        { email: 'lea@example.com', name: 'Lea' },
        { email: 'gone@example.com', name: 'Gone' },
        { email: 'max@example.com', name: 'Max' },
      ]);
      const cycle = await seedCycle(
        database.db,
        'Q7',
        people.map((p) => p.id),
      );
      for (const p of people) {
        const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: p.id, kind: 'draft' });
        await queueInvite(database.db, { senderRef: 'perm', from: FROM, cycle, taskId: task.id, kind: 'draft', person: p });
      }
      expect(await send(mailerTo(port), 'perm')).toEqual({ sent: 2, failed: 1, skipped: 0 });
      const rows = await statuses('perm');
      expect(rows.map((r) => [r.to_address, r.status])).toEqual([
        ['lea@example.com', 'sent'],
        ['gone@example.com', 'failed'],
        ['max@example.com', 'sent'],
      ]);
      expect(rows[1]!.last_error).toContain('550');
      const all = await catcher.waitFor((a) => a.length === 2);
      expect(all.map((m) => m.envelopeTo[0]).sort()).toEqual(['lea@example.com', 'max@example.com']);
      // failed is final: a later run does not try again
      expect(await send(mailerTo(port), 'perm')).toEqual({ sent: 0, failed: 0, skipped: 0 });
    } finally {
      relay.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });

  it('heartbeats as it sends and stops between messages when cancelled; the rest stay queued and a later run sends them once', async () => {
    catcher.clear();
    const people = await seedPeople(
      database.db,
      Array.from({ length: 24 }, (_, i) => ({ email: `c${i}@example.com`, name: `C ${i}` })),
    );
    const cycle = await seedCycle(
      database.db,
      'Q8',
      people.map((p) => p.id),
    );
    for (const p of people) {
      const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: p.id, kind: 'draft' });
      await queueInvite(database.db, { senderRef: 'cancel', from: FROM, cycle, taskId: task.id, kind: 'draft', person: p });
    }
    // Paced to 20 messages a second, so the send is still running when it is cancelled.
    const paced = createMailer({ url: `smtp://127.0.0.1:${catcher.port}?tls=off`, from: FROM, maxConnections: 1, ratePerSecond: 20 });
    mailers.push(paced);
    const env = new MockActivityEnvironment();
    const beats: ({ sent: number } | undefined)[] = [];
    env.on('heartbeat', (d: { sent: number } | undefined) => beats.push(d));
    // Cancelled once five messages have arrived.
    const watch = setInterval(() => {
      if (catcher.messages().length >= 5) {
        clearInterval(watch);
        env.cancel('CANCELLED');
      }
    }, 5);
    try {
      await expect(env.run(activities(paced).sendQueuedEmails, { senderRef: 'cancel' })).rejects.toMatchObject({ name: 'CancelledFailure' });
    } finally {
      clearInterval(watch);
    }
    const afterCancel = await statuses('cancel');
    const sentBefore = afterCancel.filter((r) => r.status === 'sent').length;
    const progress = beats.filter((b) => b !== undefined).map((b) => b.sent);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // progress only grows
    expect(sentBefore).toBeGreaterThanOrEqual(5);
    expect(sentBefore).toBeLessThan(12); // it stopped: at most the messages already in flight went out
    expect(catcher.messages()).toHaveLength(sentBefore); // every accepted email is marked before the activity ends

    expect(await send(paced, 'cancel')).toEqual({ sent: 24 - sentBefore, failed: 0, skipped: 0 });
    const all = await catcher.waitFor((a) => a.length === 24);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(24);
    const rows = await statuses('cancel');
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.last_error === null)).toBe(true);
  });

  it('records the SMTP server’s own words, and when, for an email that waits after a refusal', async () => {
    catcher.clear();
    const [nia] = await seedPeople(database.db, [{ email: 'nia@example.com', name: 'Nia' }]);
    const cycle = await seedCycle(database.db, 'Q9', [nia!.id]);
    const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: nia!.id, kind: 'draft' });
    await queueInvite(database.db, { senderRef: 'words', from: FROM, cycle, taskId: task.id, kind: 'draft', person: nia! });
    catcher.setRefuse('tempfail');
    try {
      const failure = (await send(mailerTo(catcher.port), 'words').then(
        () => undefined,
        (e: unknown) => e,
      )) as { message: string; details: unknown[] };
      expect(failure.message).toMatch(/^1 of 1 emails could not be sent yet: .*45\d /);
      expect(failure.details[0]).toMatchObject({ waiting: 1, smtp: { responseCode: expect.any(Number) } });
    } finally {
      catcher.setRefuse('none');
    }
    const row = await database.db
      .selectFrom('emails')
      .select(['status', 'attempts', 'last_error', 'last_attempt_at'])
      .where('sender_ref', '=', 'words')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/45\d /);
    expect(Date.now() - new Date(row.last_attempt_at!).getTime()).toBeLessThan(10_000);
  });

  it('marks accepted emails in batches: never more than one batch plus the messages in flight accepted but unmarked (the crash window)', async () => {
    catcher.clear();
    const people = await seedPeople(
      database.db,
      Array.from({ length: 30 }, (_, i) => ({ email: `w${i}@example.com`, name: `W ${i}` })),
    );
    const cycle = await seedCycle(
      database.db,
      'Q10',
      people.map((p) => p.id),
    );
    for (const p of people) {
      const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: p.id, kind: 'draft' });
      await queueInvite(database.db, { senderRef: 'window', from: FROM, cycle, taskId: task.id, kind: 'draft', person: p });
    }
    const paced = createMailer({ url: `smtp://127.0.0.1:${catcher.port}?tls=off`, from: FROM, maxConnections: 1, ratePerSecond: 40 });
    mailers.push(paced);
    const markBatch = 5;
    const inFlight = 2;
    // A long interval: only the batch size makes marks, so the bound is the batch's.
    const sender = createOutboxSender({
      db: database.db,
      mailer: paced,
      publicBaseUrl: BASE,
      tokenSecret: SECRET,
      log: createLogger('silent'),
      composeLimit: createLimiter(inFlight),
      markBatch,
      markIntervalMs: 60_000,
    });
    let worst = 0;
    let marksSeen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const accepted = catcher.messages().length;
        const marked = (await statuses('window')).filter((r) => r.status === 'sent').length;
        if (marked > 0) marksSeen++;
        worst = Math.max(worst, accepted - marked);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const result = await sender.sendQueued('window');
    sampling = false;
    await sampler;
    expect(result).toMatchObject({ total: 30, sent: 30, temporary: 0, untried: 0, stopped: false });
    expect(marksSeen).toBeGreaterThan(0); // marks happened while sending, not only at the end
    expect(worst).toBeLessThanOrEqual(markBatch + inFlight);
    expect((await statuses('window')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('recipients that keep failing temporarily do not starve the others: a pass that gives up leaves them behind the untried', async () => {
    const accepted: string[] = [];
    // An SMTP server that answers 451 for the "bad" mailboxes (greylisting, a full mailbox) and accepts the rest.
    const front = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _connection, callback) {
        if (address.address.startsWith('bad')) return callback(Object.assign(new Error('4.2.2 Mailbox full, try later'), { responseCode: 451 }));
        callback();
      },
      onData(stream, connection, callback) {
        stream.resume();
        stream.on('end', () => {
          accepted.push(connection.envelope.rcptTo[0]!.address);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const port = (front.server.address() as { port: number }).port;
      const people = await seedPeople(database.db, [
        ...Array.from({ length: 30 }, (_, i) => ({ email: `bad${i}@example.com`, name: `Bad ${i}` })),
        ...Array.from({ length: 4 }, (_, i) => ({ email: `good${i}@example.com`, name: `Good ${i}` })),
      ]);
      const cycle = await seedCycle(
        database.db,
        'Q11',
        people.map((p) => p.id),
      );
      for (const p of people) {
        const task = await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: p.id, kind: 'draft' });
        await queueInvite(database.db, { senderRef: 'starve', from: FROM, cycle, taskId: task.id, kind: 'draft', person: p });
      }
      const one = createMailer({ url: `smtp://127.0.0.1:${port}?tls=off`, from: FROM, maxConnections: 1, ratePerSecond: 0 });
      mailers.push(one);
      const first = (await send(one, 'starve').then(
        () => undefined,
        (e: unknown) => e,
      )) as { message: string };
      expect(first.message).toMatch(/could not be sent yet: .*451/);
      expect(accepted).toEqual([]); // the pass gave up on the bad ones before reaching the good ones
      await send(one, 'starve').catch(() => undefined);
      expect(accepted.sort()).toEqual(['good0@example.com', 'good1@example.com', 'good2@example.com', 'good3@example.com']);
      const rows = await statuses('starve');
      expect(
        rows
          .filter((r) => r.status === 'sent')
          .map((r) => r.to_address)
          .sort(),
      ).toEqual(accepted);
      expect(rows.filter((r) => r.status === 'queued').every((r) => /451/.test(r.last_error ?? ''))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });
});
