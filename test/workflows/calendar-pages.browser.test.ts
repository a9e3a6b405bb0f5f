/**
 * The pages the calendar changed, in headless Chromium on the real stack, en and zh-CN, desktop
 * and phone, with axe-core (no serious or critical violation): the start preview that warns when
 * planning would end after the start date, the dashboard's "end check-in week" control and its
 * confirmation, and a check-in link after its window closed (it says so, in the person's
 * language). Screenshots go to SCREENSHOT_DIR.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousViolations } from '../support/browser';
import { signInAs } from '../support/console';
import { seedCycle, seedObjective, seedPeople } from '../mail/seed';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit } from '../support/tasks';

const ORG = [
  { email: 'hr@cal13p.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'zhr@cal13p.example', name: '王芳', roles: ['hr'], locale: 'zh-CN' },
  { email: 'ann@cal13p.example', name: 'Ann Analyst', managerEmail: 'hr@cal13p.example' },
  { email: 'li@cal13p.example', name: '李雷', managerEmail: 'hr@cal13p.example', locale: 'zh-CN' },
];
const VIEWS = [
  ['en', 'desktop', 'hr@cal13p.example'],
  ['en', 'phone', 'hr@cal13p.example'],
  ['zh-CN', 'desktop', 'zhr@cal13p.example'],
  ['zh-CN', 'phone', 'zhr@cal13p.example'],
] as const;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('the calendar’s pages in a browser', () => {
  let t: TestStack;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function pageAs(email: string | null, viewport: 'desktop' | 'phone', locale: 'en' | 'zh-CN'): Promise<Page> {
    const context = await newContext(browser, { viewport, locale });
    if (email) {
      const [name, value] = (await signInAs(t, email)).split('=') as [string, string];
      await context.addCookies([{ name, value, url: t.base }]);
    }
    return context.newPage();
  }
  const accessible = async (page: Page, what: string) => expect(await seriousViolations(page), what).toEqual([]);

  it('the preview says by how much planning would end after a start date that is too close', { timeout: 120_000 }, async () => {
    for (const [locale, viewport, email] of VIEWS) {
      const page = await pageAs(email, viewport, locale);
      await page.goto(`${t.base}/console/cycles/new`);
      await page.fill('#f-key', `late-${viewport}`);
      await page.fill('#f-title', 'Q1 2027');
      await page.fill('#f-startsOn', isoDate(Date.now() + 7 * 86_400_000));
      await page.fill('#f-endsOn', isoDate(Date.now() + 97 * 86_400_000));
      await page.getByRole('button', { name: locale === 'en' ? 'Preview' : '预览' }).click();
      await expect.poll(() => page.locator('#preview').count()).toBe(1);
      const banner = await page.locator('#preview p.banner').first().innerText();
      expect(banner).toMatch(locale === 'en' ? /^Planning ends \d+d( \d+h)? after the start date/ : /^规划将在开始日期之后 \d+ 天/);
      await accessible(page, `preview ${locale} ${viewport}`);
      await screenshot(page, `console-cycle-preview-late-${locale}-${viewport}`);
      await page.context().close();
    }
  });

  it('HR ends one check-in week from the dashboard, after a confirmation that says what happens', { timeout: 120_000 }, async () => {
    // Compressed so that week 1 opens a few seconds after the start; nobody plans, so planning expires at once.
    const schedule = {
      planning: 'at-once',
      strategy: '2s',
      drafting: '2s',
      managerLead: '1s',
      review: '2s',
      checkIns: { every: '120s', weeks: 2, window: '100s' },
      reminders: [],
      escalations: [],
      expireAfter: '0s',
    };
    const key = 'cal13-week';
    const participants = ['ann@cal13p.example', 'li@cal13p.example', 'hr@cal13p.example'];
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key, title: 'Q1 2027', startsOn: isoDate(Date.now() + 30 * 86_400_000), endsOn: isoDate(Date.now() + 120 * 86_400_000), participants, schedule },
    });
    expect(started.status).toBe(201);
    // A check-in needs key results: Ann's and Li's objectives are there before check-ins open; planning runs out meanwhile.
    const db = t.stack.database.db;
    const row = await db.selectFrom('cycles').select('id').where('key', '=', key).executeTakeFirstOrThrow();
    for (const email of ['ann@cal13p.example', 'li@cal13p.example']) {
      const person = await db.selectFrom('people').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      await seedObjective(db, row.id, person.id, 'Grow usage', [{ title: 'Tour live', kind: 'milestone' }]);
    }
    await poll(
      () =>
        t.api(`/api/cycles/${key}`).then((r) => r.json() as Promise<{ state: { phase: string | null; phases: { phase: string; round?: number }[] } | null }>),
      (v) => v.state?.phase === 'checkins' && (v.state.phases.find((p) => p.phase === 'checkins')?.round ?? 0) >= 1,
      60_000,
      'week 1 open',
    );
    await openTask(t, key, 'li@cal13p.example', 'checkin');
    for (const [locale, viewport, email] of VIEWS) {
      const page = await pageAs(email, viewport, locale);
      await page.goto(`${t.base}/console/cycles/${key}`);
      const control = page.getByRole('link', { name: locale === 'en' ? 'End check-in week 1 now' : '立即结束第 1 周的进展更新' });
      await expect.poll(() => control.count()).toBe(1);
      await control.click();
      await page.waitForURL(/confirm\/end-week$/);
      const text = await page.locator('main').innerText();
      expect(text).toContain(locale === 'en' ? 'its 2 open check-ins expire' : '其 2 份未提交的进展更新将过期');
      expect(text).toContain(locale === 'en' ? 'The check-in phase stays open: week 2 opens as planned' : '进展更新阶段继续进行：第 2 周按计划于');
      await accessible(page, `end week ${locale} ${viewport}`);
      await screenshot(page, `console-cycle-end-week-${locale}-${viewport}`);
      await page.context().close();
    }
    // Confirming ends week 1 only: the phase stays.
    const page = await pageAs('hr@cal13p.example', 'desktop', 'en');
    await page.goto(`${t.base}/console/cycles/${key}/confirm/end-week`);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/done=control/);
    await poll(
      () => db.selectFrom('tasks').select('status').where('cycle_id', '=', row.id).where('kind', '=', 'checkin').where('round', '=', 1).execute(),
      (rows) => rows.length > 0 && rows.every((r) => r.status !== 'open'),
      20_000,
      'week 1 ended',
    );
    expect(((await (await t.api(`/api/cycles/${key}`)).json()) as { state: { phase: string } }).state.phase).toBe('checkins');
    await page.context().close();
  });

  it('a planning phase waiting for its date can be opened now from the dashboard, after a confirmation', { timeout: 120_000 }, async () => {
    const key = 'cal13-wait';
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: {
        key,
        title: 'Q2 2027',
        startsOn: isoDate(Date.now() + 40 * 86_400_000),
        endsOn: isoDate(Date.now() + 130 * 86_400_000),
        participants: ['ann@cal13p.example'],
      },
    });
    expect(started.status).toBe(201);
    type State = { state: { phases: { phase: string; status: string; opensAt?: string; note?: string }[] } | null };
    const strategy = async () => ((await (await t.api(`/api/cycles/${key}`)).json()) as State).state?.phases.find((p) => p.phase === 'strategy');
    await poll(strategy, (p) => p?.opensAt !== undefined, 30_000, 'strategy waiting');
    for (const [locale, viewport, email] of [VIEWS[0], VIEWS[3]] as const) {
      const page = await pageAs(email, viewport, locale);
      await page.goto(`${t.base}/console/cycles/${key}`);
      const open = page.getByRole('link', { name: locale === 'en' ? /^Open Strategy now \(planned for / : /^立即开启/ });
      await expect.poll(() => open.count()).toBe(1);
      await accessible(page, `dashboard waiting ${locale} ${viewport}`);
      await screenshot(page, `console-cycle-dashboard-waiting-${locale}-${viewport}`);
      await open.click();
      await page.waitForURL(/confirm\/advance$/);
      expect(await page.locator('main').innerText()).toContain(locale === 'en' ? 'instead of at its planned date' : '不再等到计划日期');
      await accessible(page, `open now ${locale} ${viewport}`);
      await screenshot(page, `console-cycle-open-now-${locale}-${viewport}`);
      if (locale === 'en') {
        await page.getByRole('button', { name: 'Confirm' }).click();
        await page.waitForURL(/done=control/);
      }
      await page.context().close();
    }
    const opened = await poll(strategy, (p) => p?.status !== 'pending', 30_000, 'strategy opened');
    expect(opened!.note).toMatch(/^opened early by /);
  });

  it('a check-in link after its window closed says it can no longer be corrected, in the person’s language', { timeout: 120_000 }, async () => {
    const db = t.stack.database.db;
    const [bo, mei] = await seedPeople(db, [
      { email: 'bo@cal13p.example', name: 'Bo Builder' },
      { email: 'mei@cal13p.example', name: '韩梅梅', locale: 'zh-CN' },
    ]);
    const cycle = await seedCycle(db, 'Q1 2027', [bo!.id, mei!.id]);
    const hr = await db.selectFrom('people').select('id').where('email', '=', 'hr@cal13p.example').executeTakeFirstOrThrow();
    await db.updateTable('cycles').set({ hr_person_id: hr.id }).where('id', '=', cycle.id).execute();
    const krs: Record<string, number[]> = {};
    for (const p of [bo!, mei!]) krs[p.email] = await seedObjective(db, cycle.id, p.id, 'Grow usage', [{ title: 'Tour live', kind: 'milestone' }]);
    const dueAt = Date.now() + 8_000;
    await t.temporal.client.workflow.start('taskBatch', {
      taskQueue: t.taskQueue,
      workflowId: `okr-cycle:${cycle.key}:checkins:w1:b0`,
      args: [
        {
          cycleKey: cycle.key,
          phase: 'checkins',
          batchNo: 0,
          opening: { kind: 'checkin', round: 1, dueAt: new Date(dueAt).toISOString() },
          policy: { reminders: [], escalations: [], expireAfter: '0s', timeZone: 'UTC' },
          holdUntilDue: true,
        },
      ],
    });
    const links: Record<string, string> = {};
    for (const p of [bo!, mei!]) {
      const task = await openTask(t, cycle.key, p.email, 'checkin');
      await submit(task, { keyResults: [{ keyResultId: krs[p.email]![0]!, done: true }], confidence: 7 });
      links[p.email] = task.link;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 1_000));
    for (const [locale, viewport] of [
      ['en', 'desktop'],
      ['en', 'phone'],
      ['zh-CN', 'desktop'],
      ['zh-CN', 'phone'],
    ] as const) {
      const page = await pageAs(null, viewport, locale);
      await page.goto(links[locale === 'en' ? 'bo@cal13p.example' : 'mei@cal13p.example']!);
      const text = await page.locator('main').innerText();
      expect(text).toContain(locale === 'en' ? 'It can no longer be corrected: its window closed at' : '已无法修改：提交窗口已于');
      await accessible(page, `closed check-in ${locale} ${viewport}`);
      await screenshot(page, `checkin-window-closed-${locale}-${viewport}`);
      await page.context().close();
    }
  });
});
