/**
 * Completing tasks by replying to their email, on the whole application: real SMTP out (the mail
 * catcher), real SMTP in (nodemailer to the stack's inbound listener), Temporal and PostgreSQL.
 * The check-in tasks are opened by a real `taskBatch` workflow started directly (the rows it
 * needs — people, a cycle, objectives — are written to the database first).
 */
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOfReplyAddress, replyAddress, verifyReplyKey } from '../../core/reply-keys';
import type { CaughtMessage } from '../../mail/catcher';
import { type TestStack, TEST_TOKEN_SECRET, freePort, poll, startTestStack } from '../support/stack';
import { seedCycle, seedObjective, seedPeople, seedTask } from '../mail/seed';

const DOMAIN = 'replies.test';
let t: TestStack;
let inboundPort: number;
let cycle: { id: number; key: string; title: string };
const person: Record<string, { id: number; email: string; name: string }> = {};
const invite: Record<string, CaughtMessage> = {};
const taskOf: Record<string, number> = {};
const krIds: Record<string, number[]> = {};

const db = () => t.stack.database.db;

/** Sends a message to the inbound listener over SMTP, as a mail client's server would. */
async function deliver(message: Mail.Options): Promise<void> {
  const transport = createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true, connectionTimeout: 5000 });
  try {
    await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

function replyTo(who: string, extra: Mail.Options): Mail.Options {
  const m = invite[who]!;
  return {
    from: `${person[who]!.name} <${person[who]!.email}>`,
    to: m.headers['reply-to'],
    subject: `Re: ${m.subject}`,
    inReplyTo: m.messageId ?? undefined,
    references: m.messageId ?? undefined,
    ...extra,
  };
}

const answersTo = (messageId: string) => t.mail.messages().filter((m) => m.headers['in-reply-to'] === messageId);
const taskStatus = async (id: number) => (await db().selectFrom('tasks').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const keyResults = (ids: number[]) =>
  db().selectFrom('key_results').select(['id', 'current_value', 'done', 'confidence']).where('id', 'in', ids).orderBy('id').execute();
const answerRows = (taskId: number) =>
  db().selectFrom('emails').select(['status', 'idempotency_key']).where('task_id', '=', taskId).where('kind', '=', 'reply-answer').execute();

beforeAll(async () => {
  inboundPort = await freePort();
  t = await startTestStack({ database: 'postgres', env: { MAIL_REPLY_DOMAIN: DOMAIN, INBOUND_SMTP_PORT: String(inboundPort) } });
  const rows = await seedPeople(db(), [
    { email: 'ana@example.com', name: 'Ana HR' },
    { email: 'bo@example.com', name: 'Bo Builder' },
    { email: 'cy@example.com', name: 'Cy 陈', locale: 'zh-CN' },
    { email: 'dee@example.com', name: 'Dee Doer' },
    { email: 'eli@example.com', name: 'Eli Elsewhere' },
  ]);
  for (const r of rows) person[r.email.split('@')[0]!] = r;
  cycle = await seedCycle(
    db(),
    'Q1 2027',
    ['bo', 'cy', 'dee'].map((w) => person[w]!.id),
  );
  await db().updateTable('cycles').set({ hr_person_id: person.ana!.id }).where('id', '=', cycle.id).execute();
  for (const who of ['bo', 'cy', 'dee', 'eli']) {
    // Two objectives, so KR numbers run across objectives in the context's order: KR3 is O2's first.
    const first = await seedObjective(db(), cycle.id, person[who]!.id, 'Make onboarding delightful', [
      { title: 'Activation rate', kind: 'percent', start: 40, target: 60 },
      { title: 'Active teams', kind: 'numeric', start: 100, target: 500, unit: 'teams' },
    ]);
    const second = await seedObjective(db(), cycle.id, person[who]!.id, 'Ship the guided tour', [{ title: 'Tour live', kind: 'milestone' }], 1);
    krIds[who] = [...first, ...second];
  }

  const workflowId = `okr-cycle:${cycle.key}:checkins:w1:b0`;
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId,
    args: [
      {
        cycleKey: cycle.key,
        phase: 'checkins',
        batchNo: 0,
        opening: { kind: 'checkin', round: 1, dueAt: new Date(Date.now() + 3600_000).toISOString() },
        policy: { reminders: [], escalations: [], expireAfter: '1d', timeZone: 'UTC' },
      },
    ],
  });
  const mails = await t.mail.waitFor((all) => all.length >= 3, 30_000);
  for (const m of mails) invite[m.envelopeTo[0]!.split('@')[0]!] = m;
  const tasks = await db().selectFrom('tasks').select(['id', 'person_id']).where('workflow_id', '=', workflowId).execute();
  for (const task of tasks) taskOf[Object.keys(person).find((w) => person[w]!.id === task.person_id)!] = task.id;
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('replies by email', () => {
  it('task emails carry their task’s reply address and say what to write', () => {
    for (const who of ['bo', 'cy', 'dee']) {
      const m = invite[who]!;
      const key = keyOfReplyAddress(m.headers['reply-to']!, DOMAIN);
      expect(key, who).not.toBeNull();
      expect(verifyReplyKey(TEST_TOKEN_SECRET, key!), who).toBe(taskOf[who]);
    }
    expect(invite.bo!.text).toContain('KR3 — Tour live (Ship the guided tour): not done yet');
    expect(invite.bo!.text).toContain('KR1: 40%\nKR2: 100\nKR3: not done\nconfidence: 7\n');
    expect(invite.cy!.subject).toContain('第 1 周');
  });

  it('a reply from another address and automatic replies change nothing; forged keys and other recipients are refused at RCPT TO', async () => {
    const check = 'KR1: 60%\nKR2: 200\nKR3: done\nconfidence: 9';
    await deliver(replyTo('dee', { from: 'Mallory <mallory@example.com>', text: check, messageId: '<forged-sender@example.com>' }));
    for (const [i, headers] of [{ 'Auto-Submitted': 'auto-replied' }, { 'X-Autoreply': 'yes' }, { Precedence: 'bulk' }].entries()) {
      await deliver(replyTo('dee', { text: check, headers, messageId: `<auto-${i}@example.com>` }));
    }
    await deliver(replyTo('dee', { subject: 'Automatic reply: Out of office until Monday', text: check, messageId: '<ooo@example.com>' }));
    await expect(
      deliver(replyTo('dee', { to: `tasks+${taskOf.dee}.AAAAAAAAAAAAAAAAAAAAAA@${DOMAIN}`, text: check, messageId: '<forged-key@example.com>' })),
    ).rejects.toMatchObject({ responseCode: 550 });
    // bo's task id with dee's MAC: a tampered key
    const deeMac = keyOfReplyAddress(invite.dee!.headers['reply-to']!, DOMAIN)!.split('.')[1];
    await expect(
      deliver(replyTo('dee', { to: `tasks+${taskOf.bo}.${deeMac}@${DOMAIN}`, from: person.bo!.email, text: check, messageId: '<tampered@example.com>' })),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(deliver(replyTo('dee', { to: `okr@${DOMAIN}`, text: check }))).rejects.toMatchObject({ responseCode: 550 });
    await expect(deliver(replyTo('dee', { to: replyAddress(TEST_TOKEN_SECRET, taskOf.dee!, 'elsewhere.test'), text: check }))).rejects.toMatchObject({
      responseCode: 550,
    });

    await new Promise((r) => setTimeout(r, 500));
    expect(await taskStatus(taskOf.dee!)).toBe('open');
    expect(await taskStatus(taskOf.bo!)).toBe('open');
    expect(await keyResults(krIds.dee!)).toEqual(krIds.dee!.map((id) => ({ id, current_value: null, done: null, confidence: null })));
    expect(await answerRows(taskOf.dee!)).toEqual([]);
    expect(await answerRows(taskOf.bo!)).toEqual([]);
    expect(t.mail.messages()).toHaveLength(3); // only the invites: nothing was answered
  });

  it('a valid check-in reply completes the task through its workflow; quoted history is ignored; one confirmation, even when redelivered', async () => {
    const reply = replyTo('bo', {
      messageId: '<bo-reply-1@example.com>',
      text: [
        'KR1: 55%',
        'KR2: 130 teams',
        'KR3: done',
        'confidence: 8',
        'Onboarding emails shipped.',
        '',
        '-- ',
        'Bo Builder, Product',
        '',
        `On Mon, 18 Jan 2027 at 09:00, OKR <okr@localhost> wrote:`,
        '> KR1: 1%',
        '> confidence: 1',
      ].join('\n'),
    });
    await deliver(reply);
    expect(await taskStatus(taskOf.bo!)).toBe('completed');
    expect(await keyResults(krIds.bo!)).toEqual([
      { id: krIds.bo![0], current_value: 55, done: null, confidence: 8 },
      { id: krIds.bo![1], current_value: 130, done: null, confidence: 8 },
      { id: krIds.bo![2], current_value: 1, done: true, confidence: 8 },
    ]);
    const checkin = await db().selectFrom('checkins').select(['confidence', 'report', 'week']).where('task_id', '=', taskOf.bo!).executeTakeFirstOrThrow();
    expect(checkin).toEqual({ confidence: 8, report: 'Onboarding emails shipped.', week: 1 });
    const event = await db()
      .selectFrom('task_events')
      .select(['detail', 'actor'])
      .where('task_id', '=', taskOf.bo!)
      .where('to_status', '=', 'completed')
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ detail: { via: 'reply' }, actor: 'bo@example.com' });

    const [answer] = await t.mail.waitFor(() => answersTo('<bo-reply-1@example.com>').length === 1).then(() => answersTo('<bo-reply-1@example.com>'));
    expect(answer!.envelopeTo).toEqual(['bo@example.com']);
    expect(answer!.subject).toBe('Recorded: your week 1 check-in (Q1 2027)');
    expect(answer!.text).toContain('KR1 Activation rate: 55%');
    expect(answer!.text).toContain('KR2 Active teams: 130 teams');
    expect(answer!.text).toContain('KR3 Tour live: done');
    expect(answer!.headers['auto-submitted']).toBe('auto-replied');

    // The sending server delivers the same reply again: no second answer, nothing changes.
    await deliver(reply);
    await new Promise((r) => setTimeout(r, 500));
    expect(answersTo('<bo-reply-1@example.com>')).toHaveLength(1);
    expect(await answerRows(taskOf.bo!)).toHaveLength(1);

    // A new reply to the completed task is answered once, as "already completed".
    await deliver({ ...reply, messageId: '<bo-reply-2@example.com>', text: 'KR1: 99%\nconfidence: 2' });
    const [late] = await t.mail.waitFor(() => answersTo('<bo-reply-2@example.com>').length === 1).then(() => answersTo('<bo-reply-2@example.com>'));
    expect(late!.subject).toBe('Not recorded: the week 1 check-in is completed (Q1 2027)');
    expect((await keyResults(krIds.bo!))[0]!.current_value).toBe(55);
  });

  it('a garbled reply gets an explanation (line by line, in the owner’s language) and leaves the task open; the corrected HTML reply completes it', async () => {
    await deliver(
      replyTo('cy', {
        messageId: '<cy-reply-1@example.com>',
        text: 'KR1: 五十\nKR2: 120\nconfidence: 11\n\n在 2027年1月18日 09:00，OKR <okr@localhost> 写道：\n> KR1: 40%',
      }),
    );
    const [explained] = await t.mail.waitFor(() => answersTo('<cy-reply-1@example.com>').length === 1).then(() => answersTo('<cy-reply-1@example.com>'));
    expect(await taskStatus(taskOf.cy!)).toBe('open');
    expect(explained!.subject).toBe('尚未记录：关于第 1 周进展更新的回复（Q1 2027）');
    expect(explained!.text).toContain('第 1 行“KR1: 五十”：KR1 是百分比：请写 0 到 1,000 之间的数字');
    expect(explained!.text).toContain('第 3 行“confidence: 11”：信心需为 1 到 10 的整数');
    expect(explained!.text).toContain(`${t.base}/t/`);
    expect(explained!.headers['reply-to']).toBe(invite.cy!.headers['reply-to']);
    expect(await keyResults(krIds.cy!)).toEqual(krIds.cy!.map((id) => ({ id, current_value: null, done: null, confidence: null })));

    // Corrected, from a client that sends HTML only, replying to the explanation.
    await deliver({
      from: person.cy!.email,
      to: explained!.headers['reply-to'],
      subject: `Re: ${explained!.subject}`,
      messageId: '<cy-reply-2@example.com>',
      html: '<div>KR1: 50%<br>KR2: 120<br>KR3: not done<br>confidence: 6</div><div>本周完成了引导流程。</div><blockquote>KR1: 五十<br>confidence: 11</blockquote>',
    });
    expect(await taskStatus(taskOf.cy!)).toBe('completed');
    expect(await keyResults(krIds.cy!)).toEqual([
      { id: krIds.cy![0], current_value: 50, done: null, confidence: 6 },
      { id: krIds.cy![1], current_value: 120, done: null, confidence: 6 },
      { id: krIds.cy![2], current_value: 0, done: false, confidence: 6 },
    ]);
    const [confirmed] = await t.mail.waitFor(() => answersTo('<cy-reply-2@example.com>').length === 1).then(() => answersTo('<cy-reply-2@example.com>'));
    expect(confirmed!.subject).toBe('已记录：你的第 1 周进展更新（Q1 2027）');
  });

  it('a reply that cannot be completed right now is refused with 451 (the sender retries later) and changes nothing', async () => {
    // A task whose batch workflow is not running: Temporal cannot take the completion.
    const task = await seedTask(db(), TEST_TOKEN_SECRET, {
      cycleId: cycle.id,
      personId: person.eli!.id,
      kind: 'checkin',
      round: 7,
      workflowId: 'no-such-workflow',
    });
    const before = t.mail.messages().length;
    await expect(
      deliver({
        from: person.eli!.email,
        to: replyAddress(TEST_TOKEN_SECRET, task.id, DOMAIN),
        subject: 'Re: check-in',
        text: 'KR1: 50%\nconfidence: 6',
        messageId: '<eli-1@example.com>',
      }),
    ).rejects.toMatchObject({ responseCode: 451 });
    expect(await taskStatus(task.id)).toBe('open');
    expect(await answerRows(task.id)).toEqual([]);
    expect(t.mail.messages()).toHaveLength(before);
    expect(await keyResults(krIds.eli!)).toEqual(krIds.eli!.map((id) => ({ id, current_value: null, done: null, confidence: null })));
  });

  it('the task page and the database agree: the completed tasks are done, the ignored one is still open', async () => {
    const rows = await poll(
      () => db().selectFrom('tasks').select(['id', 'status']).where('id', 'in', [taskOf.bo!, taskOf.cy!, taskOf.dee!]).orderBy('id').execute(),
      (r) => r.length === 3,
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [taskOf.bo!]: 'completed', [taskOf.cy!]: 'completed', [taskOf.dee!]: 'open' });
  });
});
