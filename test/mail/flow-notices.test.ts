/**
 * The flow tells people what happened, on a real PostgreSQL and real SMTP (the mail catcher on
 * loopback), through the activities the workflows call: a reviewer's tasks that open together
 * arrive as one email with a link per task; an approval reaches the author; a calibration sends
 * the final score with the manager's comment; the HR owner's OKRs go to another HR person; every
 * time is in the recipient's own zone (else the cycle's); a stalled SMTP server loses nothing.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { taskToken } from '../../core/tokens';
import { type Database, migrateToLatest, openDatabase } from '../../db/connect';
import { type MailCatcher, startMailCatcher } from '../../mail/catcher';
import { type Mailer, createMailer } from '../../mail/mailer';
import { createLogger } from '../../runtime/logger';
import { type TestDatabase, createTestDatabase } from '../support/postgres';
import { seedObjective } from './seed';

const SECRET = 'flow-test-secret-0123456789abcdefghijklmnop';
const FROM = 'OKR <okr@okr.example.com>';
const BASE = 'http://okr.example.com';
const KEY = 'FLOW-1';
const WF = 'batch:review:flow';

let testDb: TestDatabase;
let database: Database;
let catcher: MailCatcher;
let mailer: Mailer;
const p = { hana: 0, hugo: 0, max: 0, ann: 0, ben: 0 };
let cycleId = 0;

const acts = () => createActivities({ db: database.db, mailer, publicBaseUrl: BASE, tokenSecret: SECRET, log: createLogger('silent') });
const run = async <I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> => (await new MockActivityEnvironment().run(fn, input)) as R;
const inbox = (address: string) => catcher.messages().filter((m) => m.envelopeTo.includes(address));

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openDatabase({ url: testDb.url, poolSize: 5, dataDir: 'memory://' });
  await migrateToLatest(database.db);
  catcher = await startMailCatcher({ port: 0 });
  mailer = createMailer({ url: `smtp://127.0.0.1:${catcher.port}?tls=off`, from: FROM, maxConnections: 2, ratePerSecond: 0 });
  const db = database.db;
  const person = async (
    email: string,
    name: string,
    extra: { locale?: 'en' | 'zh-CN'; time_zone?: string | null; roles?: ('hr' | 'manager')[]; manager_id?: number },
  ) =>
    (
      await db
        .insertInto('people')
        .values({
          email,
          name,
          roles: extra.roles ?? [],
          locale: extra.locale ?? 'en',
          time_zone: extra.time_zone ?? null,
          manager_id: extra.manager_id ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  p.hana = await person('hana@flow.example', 'Hana HR', { roles: ['hr'] });
  p.hugo = await person('hugo@flow.example', 'Hugo HR', { roles: ['hr'] });
  p.max = await person('max@flow.example', '马克', { roles: ['manager'], locale: 'zh-CN', time_zone: 'Asia/Shanghai' });
  p.ann = await person('ann@flow.example', '王安', { locale: 'zh-CN', time_zone: 'Asia/Shanghai', manager_id: p.max });
  p.ben = await person('ben@flow.example', 'Ben Berg', { manager_id: p.max });
  const cycle = await db
    .insertInto('cycles')
    .values({
      key: KEY,
      title: 'Q1 2027',
      starts_on: '2027-01-04',
      ends_on: '2027-03-31',
      schedule: JSON.stringify({ timeZone: 'Europe/Berlin' }),
      request_fingerprint: KEY,
      workflow_id: `okr-cycle:${KEY}`,
      created_by: 'test',
      hr_person_id: p.hana,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  cycleId = cycle.id;
  await db
    .insertInto('cycle_participants')
    .values([p.hana, p.hugo, p.max, p.ann, p.ben].map((id) => ({ cycle_id: cycleId, person_id: id, batch_no: 0 })))
    .execute();
  for (const [owner, title] of [
    [p.ann, '提升激活'],
    [p.ben, 'Ship faster'],
    [p.hana, 'Hire well'],
  ] as const) {
    await seedObjective(db, cycleId, owner, title, [
      { title: `${title} KR`, kind: 'percent', start: 40, target: 60, current: 50 },
      { title: `${title} launch`, kind: 'milestone' },
    ]);
  }
  await db.updateTable('objectives').set({ status: 'draft' }).where('cycle_id', '=', cycleId).execute();
});

afterAll(async () => {
  mailer?.close();
  await catcher?.close();
  await database?.close();
  await testDb?.drop();
});

describe('the flow tells people what happened', () => {
  it('a reviewer whose tasks open together gets one email listing them, each with its own link, in their zone', async () => {
    catcher.clear();
    const opened = await run(acts().openPhaseTasks, {
      cycleKey: KEY,
      kind: 'review',
      round: 1,
      batchNo: 0,
      dueAt: '2027-01-08T16:00:00.000Z',
      timeZone: 'Europe/Berlin',
      workflowId: WF,
    });
    const owners = opened.tasks.map((t) => [t.personId, t.subjectPersonId]);
    // Max reviews Ann and Ben; Hana (HR owner, no manager) is reviewed by the other HR person, not by herself.
    expect(owners).toEqual(
      expect.arrayContaining([
        [p.max, p.ann],
        [p.max, p.ben],
        [p.hugo, p.hana],
      ]),
    );
    expect(owners.some(([owner, subject]) => owner === subject)).toBe(false);
    await run(acts().sendQueuedEmails, { senderRef: WF });

    const toMax = inbox('max@flow.example');
    expect(toMax).toHaveLength(1);
    expect(toMax[0]!.subject).toBe('Q1 2027：请在 2027年1月9日 00:00（中国时间）前审核 OKR（共 2 人）');
    const links = [...toMax[0]!.text.matchAll(/http:\/\/okr\.example\.com\/t\/(\S+)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    const own = [p.ann, p.ben].map((subject) => taskToken(SECRET, { cycleId, kind: 'review', round: 1, personId: p.max, subjectPersonId: subject }));
    expect(links.sort()).toEqual(own.sort());
    expect(toMax[0]!.text).toContain('审核王安的 OKR');
    expect(toMax[0]!.text).toContain('审核 Ben Berg 的 OKR');
    // One task, one email as before (Hugo has only Hana's review), in the cycle's zone since Hugo chose none.
    const toHugo = inbox('hugo@flow.example');
    expect(toHugo).toHaveLength(1);
    expect(toHugo[0]!.subject).toBe('Q1 2027: review Hana HR’s OKRs by Jan 8, 2027, 05:00 PM GMT+1');
  });

  it('an approval tells the author, in their language, with the batch’s next send', async () => {
    catcher.clear();
    const review = await database.db
      .selectFrom('tasks')
      .select('id')
      .where('kind', '=', 'review')
      .where('subject_person_id', '=', p.ann)
      .executeTakeFirstOrThrow();
    const result = await run(acts().recordSubmissions, {
      items: [{ taskId: review.id, kind: 'review', submission: { decision: 'approve', comment: '目标清晰' }, via: 'form' }],
    });
    // The completion tells the batch that a notice waits; the batch's next pass sends its mail.
    expect(result.outcomes[0]).toMatchObject({ outcome: { decision: 'approve' }, notices: 1 });
    await run(acts().sendQueuedEmails, { senderRef: WF });
    const toAnn = inbox('ann@flow.example');
    expect(toAnn).toHaveLength(1);
    expect(toAnn[0]!.subject).toBe('Q1 2027：马克 已批准你的 OKR');
    expect(toAnn[0]!.text).toContain('审核人的意见：目标清晰');
    // A retry of the same completion neither records nor tells twice.
    const again = await run(acts().recordSubmissions, {
      items: [{ taskId: review.id, kind: 'review', submission: { decision: 'approve', comment: '目标清晰' }, via: 'form' }],
    });
    expect(again.outcomes[0]).not.toHaveProperty('notices');
    await run(acts().sendQueuedEmails, { senderRef: WF });
    expect(inbox('ann@flow.example')).toHaveLength(1);
  });

  it('changes requested tell nobody yet: the next round’s invite says so in its subject', async () => {
    catcher.clear();
    const review = await database.db
      .selectFrom('tasks')
      .select('id')
      .where('kind', '=', 'review')
      .where('subject_person_id', '=', p.ben)
      .executeTakeFirstOrThrow();
    await run(acts().recordSubmissions, {
      items: [{ taskId: review.id, kind: 'review', submission: { decision: 'changes', comment: 'Make KR1 a number' }, via: 'form' }],
    });
    expect(inbox('ben@flow.example')).toHaveLength(0);
    await run(acts().openFollowUpTask, {
      cycleKey: KEY,
      kind: 'draft',
      round: 2,
      subjectPersonId: p.ben,
      batchNo: 0,
      dueAt: '2027-01-08T16:00:00.000Z',
      comment: 'Make KR1 a number',
      timeZone: 'Europe/Berlin',
      workflowId: WF,
    });
    await run(acts().sendQueuedEmails, { senderRef: WF });
    const toBen = inbox('ben@flow.example');
    expect(toBen).toHaveLength(1);
    expect(toBen[0]!.subject).toBe('Changes requested — Q1 2027: draft your OKRs by Jan 8, 2027, 05:00 PM GMT+1');
    expect(toBen[0]!.text).toContain('Comment from your reviewer: Make KR1 a number');
  });

  it('the self-score keeps its overall comment; the calibration sends the final score with the manager’s comment', async () => {
    catcher.clear();
    const krs = await database.db
      .selectFrom('key_results as k')
      .innerJoin('objectives as o', 'o.id', 'k.objective_id')
      .select('k.id')
      .where('o.owner_id', '=', p.ann)
      .orderBy('k.position')
      .execute();
    const self = await run(acts().openPhaseTasks, {
      cycleKey: KEY,
      kind: 'self-score',
      round: 1,
      batchNo: 0,
      dueAt: '2027-03-31T16:00:00.000Z',
      timeZone: 'Europe/Berlin',
      workflowId: 'batch:score:flow',
    });
    const annSelf = self.tasks.find((t) => t.personId === p.ann)!;
    await run(acts().recordSubmissions, {
      items: [
        {
          taskId: annSelf.taskId,
          kind: 'self-score',
          submission: { scores: krs.map((k) => ({ keyResultId: k.id, score: 0.6 })), comment: '季度很顺利' },
          via: 'form',
        },
      ],
    });
    const row = await database.db
      .selectFrom('cycle_participants')
      .select(['self_score_comment'])
      .where('cycle_id', '=', cycleId)
      .where('person_id', '=', p.ann)
      .executeTakeFirstOrThrow();
    expect(row.self_score_comment).toBe('季度很顺利');
    expect(inbox('ann@flow.example')).toHaveLength(0);

    const calibrate = await run(acts().openFollowUpTask, {
      cycleKey: KEY,
      kind: 'calibrate',
      round: 1,
      subjectPersonId: p.ann,
      batchNo: 0,
      dueAt: '2027-04-05T16:00:00.000Z',
      timeZone: 'Europe/Berlin',
      workflowId: 'batch:score:flow',
    });
    expect(calibrate!.personId).toBe(p.max);
    await run(acts().recordSubmissions, {
      items: [
        {
          taskId: calibrate!.taskId,
          kind: 'calibrate',
          submission: {
            scores: [
              { keyResultId: krs[0]!.id, score: 0.8 },
              { keyResultId: krs[1]!.id, score: 0.7 },
            ],
            comment: '做得很好',
          },
          via: 'form',
        },
      ],
    });
    await run(acts().sendQueuedEmails, { senderRef: 'batch:score:flow' });
    const toAnn = inbox('ann@flow.example');
    expect(toAnn).toHaveLength(1);
    expect(toAnn[0]!.subject).toBe('Q1 2027：你的最终得分为 0.75');
    expect(toAnn[0]!.text).toContain('上级的意见：做得很好');
    expect(toAnn[0]!.text).toContain('提升激活 KR：0.8');
    const calibrated = await database.db
      .selectFrom('cycle_participants')
      .select(['calibration_comment', 'score'])
      .where('cycle_id', '=', cycleId)
      .where('person_id', '=', p.ann)
      .executeTakeFirstOrThrow();
    expect(calibrated).toEqual({ calibration_comment: '做得很好', score: 0.75 });
  });

  it('a notice waits in the batch’s outbox through an SMTP outage, and the completion still counts', async () => {
    const dead = createMailer({ url: 'smtp://127.0.0.1:1?tls=off', from: FROM, maxConnections: 1, ratePerSecond: 0 });
    try {
      const hugoReview = await database.db
        .selectFrom('tasks')
        .select('id')
        .where('kind', '=', 'review')
        .where('subject_person_id', '=', p.hana)
        .executeTakeFirstOrThrow();
      const offline = createActivities({ db: database.db, mailer: dead, publicBaseUrl: BASE, tokenSecret: SECRET, log: createLogger('silent') });
      const result = await run(offline.recordSubmissions, {
        items: [{ taskId: hugoReview.id, kind: 'review', submission: { decision: 'approve' }, via: 'form' }],
      });
      expect(result.outcomes[0]).toMatchObject({ outcome: { decision: 'approve' } });
      // SMTP refuses: the batch's send fails (Temporal retries it); the notice stays queued.
      await expect(run(offline.sendQueuedEmails, { senderRef: WF })).rejects.toThrow();
      const rows = await database.db
        .selectFrom('emails')
        .select(['status', 'to_address'])
        .where('sender_ref', '=', WF)
        .where('kind', '=', 'review-outcome')
        .where('to_address', '=', 'hana@flow.example')
        .execute();
      expect(rows).toEqual([{ status: 'queued', to_address: 'hana@flow.example' }]);
      catcher.clear();
      await run(acts().sendQueuedEmails, { senderRef: WF });
      expect(inbox('hana@flow.example').map((m) => m.subject)).toEqual(['Q1 2027: Hugo HR approved your OKRs']);
    } finally {
      dead.close();
    }
  });
});
