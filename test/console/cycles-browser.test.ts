/**
 * HR in a real browser (headless Chromium) on the real stack: previews and starts a cycle from the
 * form, watches the dashboard change by itself when an employee completes a task through the real
 * task link, sends a reminder that arrives in the test SMTP server, and advances the phase after
 * the confirmation. axe-core on every cycle page: no serious or critical violation. A zh-CN HR
 * person sees the pages in Chinese. The XLSX export downloads from its link and opens as a
 * workbook. Screenshots of each page, desktop and phone, en and zh-CN.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousViolations } from '../support/browser';
import { signInAs } from '../support/console';
import { type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit } from '../support/tasks';

const ORG = [
  { email: 'hr@e.example', name: 'Hana HR', roles: ['hr', 'admin'], department: 'People' },
  { email: 'zhr@e.example', name: '王芳', roles: ['hr'], department: 'People', locale: 'zh-CN' },
  { email: 'mgr@e.example', name: 'Mia Manager', department: 'Engineering' },
  { email: 'a@e.example', name: 'Ari', managerEmail: 'mgr@e.example', department: 'Engineering' },
  { email: 'b@e.example', name: 'Bea', managerEmail: 'mgr@e.example', department: 'Engineering' },
  { email: 'c@e.example', name: '陈晨', managerEmail: 'zhr@e.example', department: 'Sales', locale: 'zh-CN' },
];

async function expectAccessible(page: Page, what: string) {
  expect(await seriousViolations(page), what).toEqual([]);
}

describe('HR steers a cycle from the console in a browser', () => {
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

  async function pageAs(email: string, viewport: 'desktop' | 'phone', locale = 'en') {
    const context = await newContext(browser, { viewport, locale });
    const [name, value] = (await signInAs(t, email)).split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.base }]);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  }

  it('previews, starts, watches, reminds and advances', async () => {
    const page = await pageAs('hr@e.example', 'desktop');
    await page.goto(`${t.base}/console/cycles`);
    await expectAccessible(page, 'cycle list (empty)');
    await page.getByRole('link', { name: 'Start a cycle' }).click();
    await page.fill('#f-key', 'q1-2027');
    await page.fill('#f-title', 'Q1 2027');
    await page.fill('#f-startsOn', '2027-01-04');
    await page.fill('#f-endsOn', '2027-03-31');
    await page.fill('#f-timeZone', 'Europe/Berlin');
    await page.fill('#f-drafting', '6s');
    await page.fill('#f-reminders', '');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('#preview').count()).toBe(1);
    const previewText = await page.locator('#preview').innerText();
    expect(previewText).toContain('6 participants');
    expect(previewText).toContain('Weekly check-ins');
    expect(previewText).toContain('Check-in weeks (13)');
    expect(previewText).toContain('Emails per day');
    await expectAccessible(page, 'start + preview');
    await screenshot(page, 'console-cycle-preview-en-desktop');
    expect(await t.stack.database.db.selectFrom('cycles').select('id').execute()).toEqual([]); // the preview wrote nothing

    // The preview above plans planning backwards from the start date; this cycle opens it at once.
    await page.check('input[name="atOnce"]');
    await page.getByRole('button', { name: 'Start the cycle' }).click();
    await page.waitForURL(/\/console\/cycles\/q1-2027$/);
    await expect.poll(() => page.locator('[data-live="total"]').innerText(), { timeout: 30_000 }).toContain('0 of 6 completed');
    await expectAccessible(page, 'dashboard');

    // An employee completes the draft through the real task link; the page follows by itself.
    const task = await openTask(t, 'q1-2027', 'a@e.example', 'draft');
    await submit(task, {
      objectives: [
        {
          title: 'Ship the new onboarding',
          keyResults: [
            { kind: 'milestone', title: 'Beta live' },
            { kind: 'numeric', title: 'Sign-ups', start: 0, target: 500, unit: 'people' },
          ],
        },
      ],
    });
    await expect.poll(() => page.locator('[data-live="total"]').innerText(), { timeout: 15_000 }).toContain('1 of 6 completed');
    await expect
      .poll(() => page.locator('table[data-table="department"] tr[data-group="Engineering"] [data-cell="completed"]').textContent(), { timeout: 5_000 })
      .toBe('1 / 3');
    expect(await page.locator('tr[data-group="Engineering"] progress').evaluate((el) => (el as unknown as { value: number }).value)).toBe(1);

    // Once drafts are overdue, Bea is listed; one click reminds her, and the email arrives.
    await poll(
      () => t.api('/api/cycles/q1-2027/dashboard').then((r) => r.json() as Promise<{ overdue: { total: number } }>),
      (b) => b.overdue.total === 5,
      20_000,
      'overdue drafts',
    );
    await page.reload();
    const before = t.mail.messages().length;
    const bea = page.locator('tr', { hasText: 'b@e.example' });
    await bea.getByRole('button', { name: 'Remind now' }).click();
    await expect.poll(() => page.locator('p.ok').innerText()).toContain('reminder is on its way');
    await t.mail.waitFor((all) => all.slice(before).some((m) => m.envelopeTo[0] === 'b@e.example'), 20_000);
    await screenshot(page, 'console-cycle-dashboard-en-desktop');

    // Advance: the confirmation says what will happen, then the phase moves on.
    await page.getByRole('link', { name: 'Close Drafting now' }).click();
    const confirm = await page.locator('main').innerText();
    expect(confirm).toContain('5 open tasks expire');
    await expectAccessible(page, 'confirm advance');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/done=control/);
    await poll(
      () => t.api('/api/cycles/q1-2027').then((r) => r.json() as Promise<{ state: { phase: string } | null }>),
      (v) => v.state?.phase === 'review',
      30_000,
      'the review phase',
    );

    await page.goto(`${t.base}/console/cycles/q1-2027/alignment`);
    expect(await page.locator('main').innerText()).toContain('Ship the new onboarding');
    await expectAccessible(page, 'alignment tree');
    await page.goto(`${t.base}/console/cycles`);
    expect(await page.locator('main').innerText()).toContain('Q1 2027');
    await expectAccessible(page, 'cycle list');
    await screenshot(page, 'console-cycle-list-en-desktop');
    await page.context().close();
  }, 180_000);

  it('shows the pages in Chinese, on a phone and on a desktop', async () => {
    for (const viewport of ['phone', 'desktop'] as const) {
      const page = await pageAs('zhr@e.example', viewport, 'zh-CN');
      await page.goto(`${t.base}/console/cycles/q1-2027`);
      const text = await page.locator('main').innerText();
      expect(text).toContain('时间线');
      expect(text).toContain('逾期人员');
      expect(text).not.toContain('Overdue people');
      await expectAccessible(page, `dashboard zh-CN ${viewport}`);
      await screenshot(page, `console-cycle-dashboard-zh-CN-${viewport}`);
      await page.goto(`${t.base}/console/cycles/new`);
      await page.fill('#f-key', 'q2');
      await page.fill('#f-title', '2027 年第二季度');
      await page.fill('#f-startsOn', '2027-04-05');
      await page.fill('#f-endsOn', '2027-06-30');
      await page.fill('#f-timeZone', 'Asia/Shanghai');
      await page.getByRole('button', { name: '预览' }).click();
      await expect.poll(() => page.locator('#preview').count()).toBe(1);
      expect(await page.locator('#preview').innerText()).toContain('每日邮件数');
      await expectAccessible(page, `preview zh-CN ${viewport}`);
      await screenshot(page, `console-cycle-preview-zh-CN-${viewport}`);
      // Starting it under a key already taken: refused on the form, in Chinese, nothing started.
      await page.fill('#f-key', 'q1-2027');
      await page.getByRole('button', { name: '发起周期' }).click();
      await expect.poll(() => page.locator('main').innerText()).toContain('标识为 q1-2027 的周期已存在且设置不同');
      await expectAccessible(page, `start refused zh-CN ${viewport}`);
      await screenshot(page, `console-cycle-start-refused-zh-CN-${viewport}`);
      await page.goto(`${t.base}/console/cycles`);
      await screenshot(page, `console-cycle-list-zh-CN-${viewport}`);
      await page.context().close();
    }
    const phone = await pageAs('hr@e.example', 'phone');
    await phone.goto(`${t.base}/console/cycles/q1-2027`);
    await expectAccessible(phone, 'dashboard en phone');
    await screenshot(phone, 'console-cycle-dashboard-en-phone');
    await phone.context().close();
  }, 120_000);

  /** A screenshot of one part of a page (the exports section), beside the full-page ones. */
  async function partShot(page: Page, selector: string, name: string) {
    const dir = process.env.SCREENSHOT_DIR ?? path.resolve('test-results/screenshots');
    mkdirSync(dir, { recursive: true });
    await page.locator(selector).screenshot({ path: path.join(dir, `${name}.png`) });
  }

  it('downloads an export as XLSX from its link, and offers both formats in Chinese', async () => {
    const page = await pageAs('hr@e.example', 'desktop');
    await page.goto(`${t.base}/console/cycles/q1-2027`);
    const exports = page.locator('section[aria-labelledby="ex-h"]');
    expect(await exports.getByRole('link', { name: 'Objectives Excel (XLSX)', exact: true }).getAttribute('href')).toBe(
      '/console/cycles/q1-2027/exports/objectives.xlsx',
    );
    const link = exports.getByRole('link', { name: 'Key results Excel (XLSX)', exact: true });
    expect(await link.count()).toBe(1);
    // Clicked on its visible words (the export's name before them is for screen readers only).
    const box = (await link.boundingBox())!;
    const [download] = await Promise.all([page.waitForEvent('download'), link.click({ position: { x: box.width - 4, y: box.height / 2 } })]);
    expect(download.suggestedFilename()).toBe('q1-2027-key-results.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await download.path())!);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('key_result_id');
    expect(sheet.rowCount).toBeGreaterThan(1);
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.Number);
    await partShot(page, 'section[aria-labelledby="ex-h"]', 'console-cycle-exports-en-desktop');
    await page.context().close();
    for (const viewport of ['phone', 'desktop'] as const) {
      const zh = await pageAs('zhr@e.example', viewport, 'zh-CN');
      await zh.goto(`${t.base}/console/cycles/q1-2027`);
      const section = zh.locator('section[aria-labelledby="ex-h"]');
      expect(await section.getByRole('link', { name: '目标 Excel（XLSX）', exact: true }).getAttribute('href')).toBe(
        '/console/cycles/q1-2027/exports/objectives.xlsx',
      );
      expect(await section.getByRole('link', { name: '评分 CSV', exact: true }).getAttribute('href')).toBe('/console/cycles/q1-2027/exports/scores.csv');
      expect(await section.innerText()).not.toMatch(/Objectives|Scores/);
      await expectAccessible(zh, `dashboard exports zh-CN ${viewport}`);
      await partShot(zh, 'section[aria-labelledby="ex-h"]', `console-cycle-exports-zh-CN-${viewport}`);
      // An address that does not exist: the console's own page, in Chinese.
      await zh.goto(`${t.base}/console/cycles/q1-2027/nowhere`);
      expect(await zh.locator('main').innerText()).toContain('未找到');
      await screenshot(zh, `console-error-not-found-zh-CN-${viewport}`);
      await zh.context().close();
    }
  }, 120_000);
});
