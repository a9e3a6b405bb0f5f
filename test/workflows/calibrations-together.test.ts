/**
 * A manager whose calibration tasks open together gets one email listing them (each still its
 * own task and link), as reviews do when their phase opens: on the real parts (Temporal dev
 * server, PostgreSQL, the SMTP sink). Two reports' self-scores completed in one update open two
 * calibrations in one activity (and a zh-CN manager's two reports give him one list in Chinese);
 * a third later gets its own invitation. Screenshots of both lists, desktop and phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTasksUpdate } from '../../contract';
import { seedCycle, seedObjective, seedPeople } from '../mail/seed';
import { recordHistoriesOf } from '../support/histories';
import { launchBrowser, newContext, screenshot } from '../support/browser';
import { type TestStack, linkIn, poll, startTestStack } from '../support/stack';

let t: TestStack;
let cycle: { id: number; key: string };
const people: Record<string, number> = {};
const krs: Record<string, number[]> = {};
const db = () => t.stack.database.db;
const workflowId = () => `okr-cycle:${cycle.key}:scoring:r1:b0`;
const REPORTS = ['ria@cal13.example', 'sam@cal13.example', 'tao@cal13.example'];
const WANG_REPORTS = ['kai@cal13.example', 'lan@cal13.example'];

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres' });
  const rows = await seedPeople(db(), [
    { email: 'mia@cal13.example', name: 'Mia Manager' },
    { email: 'ria@cal13.example', name: 'Ria Reyes' },
    { email: 'sam@cal13.example', name: 'Sam Stone' },
    { email: 'tao@cal13.example', name: 'Tao Tan' },
    { email: 'hal@cal13.example', name: 'Hal HR' },
    { email: 'wang@cal13.example', name: '王敏', locale: 'zh-CN' },
    { email: 'kai@cal13.example', name: '凯文' },
    { email: 'lan@cal13.example', name: '兰兰' },
  ]);
  for (const r of rows) people[r.email] = r.id;
  await db()
    .updateTable('people')
    .set({ manager_id: people['mia@cal13.example']! })
    .where(
      'id',
      'in',
      REPORTS.map((e) => people[e]!),
    )
    .execute();
  await db()
    .updateTable('people')
    .set({ manager_id: people['wang@cal13.example']! })
    .where(
      'id',
      'in',
      WANG_REPORTS.map((e) => people[e]!),
    )
    .execute();
  cycle = await seedCycle(
    db(),
    'Q1 2027 cal13 scoring',
    ['mia@cal13.example', ...REPORTS, 'wang@cal13.example', ...WANG_REPORTS].map((e) => people[e]!),
  );
  await db().updateTable('cycles').set({ hr_person_id: people['hal@cal13.example']! }).where('id', '=', cycle.id).execute();
  for (const e of [...REPORTS, ...WANG_REPORTS])
    krs[e] = await seedObjective(db(), cycle.id, people[e]!, `Ship ${e.slice(0, 3)}`, [{ title: 'Launch', kind: 'milestone' }]);
  const hour = 3_600_000;
  await t.temporal.client.workflow.start('taskBatch', {
    taskQueue: t.taskQueue,
    workflowId: workflowId(),
    args: [
      {
        cycleKey: cycle.key,
        phase: 'scoring',
        batchNo: 0,
        opening: { kind: 'self-score', round: 1, dueAt: new Date(Date.now() + hour).toISOString() },
        chain: { author: 'self-score', reviewer: 'calibrate', loop: false },
        followUpDueAt: new Date(Date.now() + 2 * hour).toISOString(),
        policy: { reminders: [], escalations: [], expireAfter: '1d', timeZone: 'UTC' },
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  // RECORD_HISTORIES=1: the batch's history joins test/histories (the replay test replays it).
  if (t && cycle) await recordHistoriesOf(t.temporal.client, [workflowId()], 'calibrations-together');
  await t?.stop();
});

const selfScores = () =>
  poll(
    () =>
      db()
        .selectFrom('tasks')
        .select(['id', 'person_id'])
        .where('cycle_id', '=', cycle.id)
        .where('kind', '=', 'self-score')
        .where('status', '=', 'open')
        .execute(),
    (r) => r.length === REPORTS.length + WANG_REPORTS.length,
    30_000,
    'self-score tasks',
  );
const calibrations = () =>
  db().selectFrom('tasks').select(['id', 'person_id', 'subject_person_id']).where('cycle_id', '=', cycle.id).where('kind', '=', 'calibrate').execute();
const item = (taskId: number, email: string) => ({ taskId, via: 'json' as const, submission: { scores: [{ keyResultId: krs[email]![0]!, score: 0.6 }] } });
/** The email as a mail client shows it, at desktop and phone width (SCREENSHOT_DIR). */
async function shoot(htmlBody: string, name: string) {
  const browser = await launchBrowser();
  try {
    for (const viewport of ['desktop', 'phone'] as const) {
      const context = await newContext(browser, { viewport, locale: name.endsWith('zh-CN') ? 'zh-CN' : 'en' });
      const page = await context.newPage();
      await page.setContent(htmlBody);
      await screenshot(page, `${name}-${viewport}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
}
const toMia = () => t.mail.messages().filter((m) => m.envelopeTo.includes('mia@cal13.example'));

describe('calibrations that open together', () => {
  it('reach the manager as one email listing each report, each with its own task and link', { timeout: 60_000 }, async () => {
    const tasks = await selfScores();
    const taskOf = (email: string) => tasks.find((x) => x.person_id === people[email])!.id;
    const before = toMia().length;
    const handle = t.temporal.client.workflow.getHandle(workflowId());
    const { outcomes } = await handle.executeUpdate(completeTasksUpdate, {
      args: [{ items: ['ria@cal13.example', 'sam@cal13.example', ...WANG_REPORTS].map((e) => item(taskOf(e), e)) }],
    });
    expect(outcomes.map((o) => ('status' in o ? o.status : o.error.message))).toEqual(['completed', 'completed', 'completed', 'completed']);

    const opened = await poll(calibrations, (r) => r.length === 4, 30_000, 'four calibrations');
    const mias = opened.filter((c) => c.person_id === people['mia@cal13.example']);
    expect(mias.map((c) => c.subject_person_id).sort()).toEqual([people['ria@cal13.example'], people['sam@cal13.example']].sort());
    expect(opened.filter((c) => c.person_id === people['wang@cal13.example'])).toHaveLength(2);
    const [list] = await t.mail.waitFor(() => toMia().length > before, 20_000).then(() => toMia().slice(before));
    // Sent marks are written in batches a moment after the server accepted the message.
    const emails = await poll(
      () =>
        db().selectFrom('emails').select(['kind', 'status']).where('person_id', '=', people['mia@cal13.example']!).where('cycle_id', '=', cycle.id).execute(),
      (rows) => rows.every((r) => r.status !== 'queued'),
      10_000,
      "Mia's email marked",
    );
    expect(emails).toEqual([{ kind: 'tasks-together', status: 'sent' }]);
    expect(list!.text).toContain('Ria Reyes');
    expect(list!.text).toContain('Sam Stone');
    // Each calibration keeps its own link: two distinct task links in the one email.
    const links = new Set(list!.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_-]+/g) ?? []);
    expect(links.size).toBe(2);
    for (const link of links) expect((await fetch(link)).status).toBe(200);
    // Wang (zh-CN) gets his own list, in Chinese.
    const toWang = () => t.mail.messages().filter((m) => m.envelopeTo.includes('wang@cal13.example'));
    await t.mail.waitFor(() => toWang().length > 0, 20_000);
    const [zh] = toWang();
    expect(zh!.text).toContain('凯文');
    expect(zh!.text).toContain('兰兰');
    expect(new Set(zh!.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_-]+/g) ?? []).size).toBe(2);
    await shoot(list!.html!, 'email-calibrations-together-en');
    await shoot(zh!.html!, 'email-calibrations-together-zh-CN');
    // Nothing else arrives for these two.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(toMia().length).toBe(before + 1);
  });

  it('a calibration that opens on its own still gets its own invitation', { timeout: 60_000 }, async () => {
    const tao = (
      await db()
        .selectFrom('tasks')
        .select('id')
        .where('cycle_id', '=', cycle.id)
        .where('kind', '=', 'self-score')
        .where('person_id', '=', people['tao@cal13.example']!)
        .executeTakeFirstOrThrow()
    ).id;
    const before = toMia().length;
    const handle = t.temporal.client.workflow.getHandle(workflowId());
    await handle.executeUpdate(completeTasksUpdate, { args: [{ items: [item(tao, 'tao@cal13.example')] }] });
    await poll(calibrations, (r) => r.length === 5, 30_000, "Tao's calibration");
    await t.mail.waitFor(() => toMia().length > before, 20_000);
    const kinds = await db()
      .selectFrom('emails')
      .select('kind')
      .where('person_id', '=', people['mia@cal13.example']!)
      .where('cycle_id', '=', cycle.id)
      .orderBy('id')
      .execute();
    expect(kinds.map((k) => k.kind)).toEqual(['tasks-together', 'task-invite']);
    expect(linkIn(toMia().at(-1)!)).toMatch(/\/t\//);
  });
});
