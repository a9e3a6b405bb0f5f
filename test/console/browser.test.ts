/**
 * The console in headless Chromium on the real stack: HR signs in from the emailed link (taken
 * from the test SMTP server), uploads a CSV with a bad row and sees the row's error with nothing
 * written, fixes it and applies it — with JavaScript off, since every form must work without it;
 * a zh-CN HR person sees the console in Chinese; an employee's session is refused; axe-core
 * finds no serious or critical violation on any console page; screenshots en and zh-CN, phone
 * and desktop (test-results/screenshots; the ones in docs/screenshots come from here).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousViolations } from '../support/browser';
import { signInAs, signInLinkIn, waitForSignInEmail } from '../support/console';
import { type TestStack, startTestStack } from '../support/stack';

const HEADER = 'email,name,managerEmail,department,roles,locale';
const GOOD = [
  HEADER,
  'hana@example.com,Hana Hart,,People,hr,en',
  'wei@example.com,王伟,,People,hr,zh-CN',
  'oli@example.com,Oli Ops,,Platform,admin,en',
  'mia@example.com,Mia Manager,,Sales,manager,en',
  'sam@example.com,Sam Seller,mia@example.com,Sales,employee,en',
  'li@example.com,李娜,mia@example.com,Sales,employee,zh-CN',
];
const BAD_ROW = 'ned@example.com,Ned New,boss@nowhere.example,Sales,employee,en';
const FIXED_ROW = 'ned@example.com,Ned New,mia@example.com,Sales,employee,en';

describe('the console in a browser', () => {
  let t: TestStack;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'okr-console-'));
  const violations: string[] = [];
  const db = () => t.stack.database.db;
  const emails = async () => (await db().selectFrom('people').select('email').orderBy('email').execute()).map((r) => r.email);

  /** axe-core on the page as it is; violations are collected and asserted at the end. */
  async function check(page: Page, name: string) {
    if (process.env.CONSOLE_TEST_TRACE) console.log('check', name, page.url());
    for (const v of await seriousViolations(page)) violations.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.join(', ')}`);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), `${name}: no sideways scrolling`).toBe(true);
  }

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    const seed = [HEADER, ...GOOD.slice(1, 5)].join('\n');
    expect((await t.api('/api/people', { method: 'POST', body: seed, headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const employee = [{ email: 'zoe@example.com', name: '赵敏', roles: ['employee'], locale: 'zh-CN' }];
    expect((await t.api('/api/people', { method: 'POST', json: employee })).status).toBe(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('HR signs in from the emailed link and imports people: a bad row is shown and nothing is written; fixed, it is applied', async () => {
    const context = await newContext(browser, { viewport: 'desktop', locale: 'en' });
    const page = await context.newPage();
    await page.goto(`${t.base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await check(page, 'sign-in');
    await screenshot(page, 'console-sign-in-en-desktop');
    const before = t.mail.messages().length;
    await page.getByLabel('Work email').fill('hana@example.com');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Check your email');
    await check(page, 'sign-in sent');
    const link = signInLinkIn(await waitForSignInEmail(t, 'hana@example.com', before));
    await page.goto(link);
    await check(page, 'sign-in confirm');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect.poll(() => page.textContent('.who')).toBe('Signed in as Hana Hart');
    await check(page, 'home');

    await page.locator('header nav').getByRole('link', { name: 'People' }).click();
    await check(page, 'people');
    await page.getByRole('link', { name: 'Import people' }).click();
    await check(page, 'import');
    const bad = join(dir, 'people-bad.csv');
    writeFileSync(bad, [...GOOD, BAD_ROW].join('\n'));
    const beforeImport = await emails();
    await page.setInputFiles('#import-file', bad);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.textContent('.banner')).toContain('1 problem — nothing was written');
    const cells = await page.locator('tr.bad td').allTextContents();
    expect(cells).toEqual(['7', '8', 'managerEmail', 'no person with email boss@nowhere.example exists or is in this file']);
    await check(page, 'import preview with a problem');
    await screenshot(page, 'console-import-problem-en-desktop');
    expect(await emails()).toEqual(beforeImport);

    const fixed = join(dir, 'people.csv');
    writeFileSync(fixed, [...GOOD, FIXED_ROW].join('\n'));
    await page.setInputFiles('#import-file', fixed);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.textContent('p.ok')).toContain('7 rows checked, no problems');
    await check(page, 'import preview');
    await screenshot(page, 'console-import-preview-en-desktop');
    expect(await emails()).toEqual(beforeImport);
    await page.getByRole('button', { name: 'Apply this import' }).click();
    await expect.poll(() => page.textContent('p.ok')).toBe('Imported: 3 new, 4 updated.');
    expect(await emails()).toEqual([...beforeImport, 'li@example.com', 'ned@example.com', 'sam@example.com'].sort());

    await page.goto(`${t.base}/console/people?department=Sales`);
    expect(await page.locator('tbody tr').count()).toBe(4);
    await screenshot(page, 'console-people-en-desktop');
    await page.getByRole('link', { name: 'Ned New' }).click();
    await check(page, 'person');
    await context.close();
  });

  it('works with JavaScript off: the import preview and apply are plain form posts', async () => {
    const context = await newContext(browser, { viewport: 'phone', locale: 'en', javaScript: false });
    await context.addCookies([{ name: 'okr_console', value: (await signInAs(t, 'hana@example.com')).split('=')[1]!, url: t.base }]);
    const page = await context.newPage();
    await page.goto(`${t.base}/console/people/import`);
    await page.fill('#import-text', [HEADER, 'pat@example.com,Pat,ghost@example.com,,,'].join('\n'));
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.locator('tr.bad td').allTextContents()).toEqual([
      '1',
      '2',
      'managerEmail',
      'no person with email ghost@example.com exists or is in this file',
    ]);
    expect(await emails()).not.toContain('pat@example.com');
    await page.fill('#import-text', [HEADER, 'pat@example.com,Pat,mia@example.com,Sales,,'].join('\n'));
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('button', { name: 'Apply this import' }).click();
    expect(await page.textContent('p.ok')).toBe('Imported: 1 new, 0 updated.');
    expect(await emails()).toContain('pat@example.com');
    await context.close();
  });

  it('a zh-CN HR person sees the console in Chinese, on a phone too', async () => {
    for (const viewport of ['desktop', 'phone'] as const) {
      const context = await newContext(browser, { viewport, locale: 'en' });
      await context.addCookies([{ name: 'okr_console', value: (await signInAs(t, 'wei@example.com')).split('=')[1]!, url: t.base }]);
      const page = await context.newPage();
      await page.goto(`${t.base}/console/people`);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.textContent('h1')).toBe('人员');
      expect(await page.textContent('.who')).toBe('已登录：王伟');
      await check(page, `people zh-CN ${viewport}`);
      await screenshot(page, `console-people-zh-${viewport}`);
      await page.goto(`${t.base}/console/people/import`);
      await page.fill('#import-text', [HEADER, 'x@example.com,,nobody@example.com,,,'].join('\n'));
      await page.getByRole('button', { name: '预览' }).click();
      await expect.poll(() => page.textContent('.banner')).toContain('未写入任何内容');
      await check(page, `import problems zh-CN ${viewport}`);
      await screenshot(page, `console-import-problem-zh-${viewport}`);
      await context.close();
    }
  });

  it('an admin resends a refused email from its button once SMTP is back', async () => {
    t.mail.setRefuse('permfail');
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: {
        key: 'Q1-2027',
        title: 'Q1 2027',
        startsOn: '2027-01-04',
        endsOn: '2027-03-28',
        participants: ['oli@example.com'],
        schedule: { planning: 'at-once' },
      },
    });
    expect(started.status).toBe(201);
    const failedEmail = async () => db().selectFrom('emails').select(['id', 'status']).where('status', '=', 'failed').executeTakeFirst();
    await expect.poll(failedEmail, { timeout: 30_000 }).toBeDefined();
    const { id } = (await failedEmail())!;
    const context = await newContext(browser, { viewport: 'desktop' });
    await context.addCookies([{ name: 'okr_console', value: (await signInAs(t, 'oli@example.com')).split('=')[1]!, url: t.base }]);
    const page = await context.newPage();
    await page.goto(`${t.base}/console/operations`);
    await expect.poll(() => page.locator(`tr#email-${id}`).count()).toBe(1);
    await check(page, 'operations with a stalled email');
    await screenshot(page, 'console-operations-stalled-en-desktop');
    await page.goto(`${t.base}/console/operations/outbox?cycle=Q1-2027`);
    await check(page, 'outbox');
    await screenshot(page, 'console-outbox-en-desktop');
    t.mail.setRefuse('none');
    await page.getByRole('button', { name: 'Resend' }).click();
    await expect.poll(() => page.textContent('p.ok')).toBe(`email-${id}: retrying now.`);
    await expect
      .poll(async () => (await db().selectFrom('emails').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, { timeout: 30_000 })
      .toBe('sent');
    await context.close();
  });

  it('an admin’s operations pages pass axe-core, in English and Chinese, desktop and phone', async () => {
    await db()
      .updateTable('people')
      .set({ roles: ['hr', 'admin'] })
      .where('email', '=', 'wei@example.com')
      .execute();
    for (const [email, lang] of [
      ['oli@example.com', 'en'],
      ['wei@example.com', 'zh'],
    ] as const) {
      for (const viewport of ['desktop', 'phone'] as const) {
        const context = await newContext(browser, { viewport });
        await context.addCookies([{ name: 'okr_console', value: (await signInAs(t, email)).split('=')[1]!, url: t.base }]);
        const page = await context.newPage();
        for (const path of ['/console/operations', '/console/operations/outbox', '/console/operations/audit', '/console/operations/keys']) {
          await page.goto(`${t.base}${path}`);
          expect(page.url()).toContain(path);
          await check(page, `${path} ${lang} ${viewport}`);
        }
        await page.goto(`${t.base}/console/operations/keys`);
        await page.fill('#k-name', 'reporting');
        await page.locator('form.inline button[type=submit]').click();
        await expect.poll(() => page.locator('#new-key').count()).toBe(1);
        await check(page, `key created ${lang} ${viewport}`);
        await page.goto(`${t.base}/console/operations/audit`);
        await screenshot(page, `console-audit-${lang}-${viewport}`);
        await page.goto(`${t.base}/console/operations`);
        await screenshot(page, `console-operations-${lang}-${viewport}`);
        await context.close();
      }
    }
  });

  it('sends an employee to Me and refuses HR’s pages with a page in their language', async () => {
    const context = await newContext(browser, { viewport: 'phone' });
    await context.addCookies([{ name: 'okr_console', value: (await signInAs(t, 'zoe@example.com')).split('=')[1]!, url: t.base }]);
    const page = await context.newPage();
    // The landing page sends an employee to their own home ("Me"); HR's and admins' pages are refused.
    const home = await page.goto(`${t.base}/console`);
    expect(home?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/console/me');
    expect(await page.textContent('h1')).toBe('我的');
    for (const path of ['/console/people', '/console/operations']) {
      const res = await page.goto(`${t.base}${path}`);
      expect(res?.status(), path).toBe(403);
      expect(await page.textContent('h1')).toBe('您无法打开此页面');
    }
    await check(page, '403 zh-CN');
    await context.close();
  });

  it('has no serious or critical axe-core violation on any page above', () => {
    expect(violations).toEqual([]);
  });
});
