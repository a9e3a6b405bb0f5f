/**
 * The task pages in headless Chromium, served by the real application (Temporal, PostgreSQL,
 * loopback SMTP): rows added and removed in place, fields by key result kind, Enter never
 * submits, focus on the first error after a refused submit, the same form without JavaScript,
 * axe-core clean (no serious or critical, no landmark or heading-order issue), and screenshots of
 * the draft and check-in pages in English and Chinese, phone and desktop (docs/screenshots/).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../api/assets';
import { hashToken } from '../../core/tokens';
import { addCycle, addPerson, openTask } from '../support/kinds-fixture';
import { axeViolations, launchBrowser, newContext, screenshot } from '../support/browser';
import { type TestStack, freePort, startTestStack } from '../support/stack';

let t: TestStack;
let browser: Browser;
const links: Record<string, string> = {};
const SCREENSHOTS = path.resolve('docs/screenshots');

/** A task row with a link we know: the token is any well-formed string whose hash the row keeps. */
async function link(name: string, task: { id: number }): Promise<string> {
  const token = `${name.padEnd(8, 'x')}`
    .repeat(6)
    .slice(0, 43)
    .replace(/[^A-Za-z0-9_-]/g, 'x');
  await t.stack.database.db
    .updateTable('tasks')
    .set({ token_hash: hashToken(token) })
    .where('id', '=', task.id)
    .execute();
  return `${t.base}/t/${token}`;
}

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres', env: { SMTP_URL: '', MAILBOX_PORT: String(await freePort()), INBOUND_SMTP_PORT: '0' } });
  const db = t.stack.database.db;
  const ana = await addPerson(db, { name: 'Ana Silva' });
  const li = await addPerson(db, { name: 'Li Wei' });
  await db.updateTable('people').set({ locale: 'zh-CN' }).where('id', '=', li).execute();
  const cycle = await addCycle(db, 'q1-pages', [ana, li]);
  await db.updateTable('cycles').set({ title: 'Q1 2027' }).where('id', '=', cycle).execute();
  await db
    .insertInto('objectives')
    .values({ cycle_id: cycle, owner_id: null, task_id: null, position: 0, title: 'Win the mid-market', parent_objective_id: null, status: 'approved' })
    .execute();
  for (const [who, name] of [
    [ana, 'ana'],
    [li, 'li'],
  ] as const) {
    links[`draft-${name}`] = await link(`draft${name}`, await openTask(db, { cycleId: cycle, personId: who, kind: 'draft', round: 1 }));
    const objective = await db
      .insertInto('objectives')
      .values({
        cycle_id: cycle,
        owner_id: who,
        task_id: null,
        position: 0,
        title: name === 'ana' ? 'Grow usage' : '提升用户活跃度',
        parent_objective_id: null,
        status: 'approved',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const krs = await db
      .insertInto('key_results')
      .values([
        {
          objective_id: objective.id,
          position: 0,
          title: name === 'ana' ? 'Weekly active users' : '周活跃用户',
          kind: 'numeric',
          start_value: 100,
          target_value: 500,
          unit: name === 'ana' ? 'users' : '人',
          current_value: 300,
        },
        {
          objective_id: objective.id,
          position: 1,
          title: name === 'ana' ? 'Net revenue retention' : '净收入留存',
          kind: 'percent',
          start_value: 95,
          target_value: 110,
          unit: '%',
          current_value: 101,
        },
        {
          objective_id: objective.id,
          position: 2,
          title: name === 'ana' ? 'Ship the guided tour' : '上线新手引导',
          kind: 'milestone',
          start_value: 0,
          target_value: 1,
          unit: null,
          done: false,
        },
      ])
      .returning('id')
      .execute();
    // Week 1 was checked in with one project still running: week 2 starts from it.
    const week1 = await openTask(db, { cycleId: cycle, personId: who, kind: 'checkin', round: 1 });
    await db.updateTable('tasks').set({ status: 'completed', completed_at: new Date() }).where('id', '=', week1.id).execute();
    const checkin = await db
      .insertInto('checkins')
      .values({ task_id: week1.id, cycle_id: cycle, person_id: who, week: 1, confidence: 6, report: '', values: JSON.stringify([]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('execution_items')
      .values([
        {
          cycle_id: cycle,
          person_id: who,
          key_result_id: krs[0]!.id,
          checkin_id: checkin.id,
          week: 1,
          kind: 'project',
          title: name === 'ana' ? 'Referral programme' : '推荐计划',
          status: 'in-progress',
        },
        { cycle_id: cycle, person_id: who, key_result_id: krs[2]!.id, checkin_id: checkin.id, week: 1, kind: 'task', title: 'Done already', status: 'done' },
      ])
      .execute();
    links[`checkin-${name}`] = await link(`checkin${name}`, await openTask(db, { cycleId: cycle, personId: who, kind: 'checkin', round: 2 }));
  }
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** axe-core: nothing serious or critical, and no landmark or heading-order issue of any impact. */
async function expectAccessible(page: Page) {
  const violations = (await axeViolations(page)).filter(
    (v) =>
      v.impact === 'serious' ||
      v.impact === 'critical' ||
      v.id.startsWith('landmark') ||
      v.id === 'region' ||
      v.id === 'heading-order' ||
      v.id === 'page-has-heading-one',
  );
  expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
}

const names = (page: Page, selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => e.getAttribute('name') ?? ''));
// The page's own globals (this project compiles without the DOM library).
const focusedId = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? '');

describe('task pages in Chromium', () => {
  it('draft with JavaScript: rows added and removed in place, fields by kind, Enter does not submit, focus on the first error', async () => {
    const context = await newContext(browser, { viewport: 'desktop' });
    const page = await context.newPage();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.goto(links['draft-ana']!);
    expect(await names(page, '.kr input[name$=".title"]')).toEqual(['o0.kr0.title', 'o0.kr1.title']);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add a key result' }).click();
    expect(await names(page, '.kr input[name$=".title"]')).toEqual(['o0.kr0.title', 'o0.kr1.title', 'o0.kr2.title']);
    expect(await focusedId(page)).toBe('o0.kr2.title');
    await page.getByRole('button', { name: 'Add an objective' }).click();
    expect(await names(page, 'fieldset.objective input[name$=".title"]:not([name*=".kr"])')).toEqual(['o0.title', 'o1.title']);
    expect(await names(page, '[data-row="o1"] .kr input[name$=".title"]')).toEqual(['o1.kr0.title', 'o1.kr1.title']);
    expect(await page.locator('[data-row="o1"] legend').textContent()).toBe('Objective 2');

    // Fill three key results, then remove the first: the others move up, values and labels follow.
    await page.fill('#o0\\.title', 'Grow usage');
    await page.fill('#o0\\.kr0\\.title', 'First, to be removed');
    await page.fill('#o0\\.kr1\\.title', 'Weekly active users');
    await page.fill('#o0\\.kr2\\.title', 'Net revenue retention');
    await page.locator('[data-row="o0.kr0"] button.remove').click();
    expect(await names(page, '[data-row="o0"] .kr input[name$=".title"]')).toEqual(['o0.kr0.title', 'o0.kr1.title']);
    expect(await page.inputValue('#o0\\.kr0\\.title')).toBe('Weekly active users');
    expect(await page.locator('label[for="o0.kr1.title"]').textContent()).toBe('Key result 2');
    expect(await page.inputValue('input[name="o0.kr.count"]')).toBe('2');

    // A percentage has no unit; a milestone has no start, target or unit.
    await page.selectOption('#o0\\.kr1\\.kind', 'percent');
    expect(await page.isVisible('#o0\\.kr1\\.target')).toBe(true);
    expect(await page.isVisible('#o0\\.kr1\\.unit')).toBe(false);
    await page.selectOption('#o1\\.kr1\\.kind', 'milestone');
    expect(await page.isVisible('#o1\\.kr1\\.start')).toBe(false);

    // Enter in a field sends nothing.
    await page.focus('#o0\\.kr0\\.start');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);

    // Remove the second objective again, then send with the first key result's target equal to its start.
    await page.locator('[data-row="o1"] > p > button.remove').click();
    await page.fill('#o0\\.kr0\\.start', '100');
    await page.fill('#o0\\.kr0\\.target', '100');
    await page.fill('#o0\\.kr0\\.unit', 'users');
    await page.fill('#o0\\.kr1\\.start', '95');
    await page.fill('#o0\\.kr1\\.target', '110');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit OKRs' }).click()]);
    expect(posts).toHaveLength(1);
    expect(await focusedId(page)).toBe('o0.kr0.target');
    expect(await page.locator('.banner a[href="#o0.kr0.target"]').textContent()).toContain('must differ from start');
    // Only the objective that was there comes back; the 110 % target was fine.
    expect(await page.locator('fieldset.objective').count()).toBe(1);
    expect(await page.locator('#o0\\.kr1\\.target').getAttribute('aria-invalid')).toBeNull();
    await expectAccessible(page);
    await context.close();
  });

  it('draft without JavaScript: the same buttons post the form and the page comes back with the row, values kept', async () => {
    const context = await newContext(browser, { viewport: 'phone', javaScript: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(links['draft-ana']!);
    await page.fill('#o0\\.title', 'Grow usage');
    await page.fill('#o0\\.kr0\\.title', 'Weekly active users');
    // Enter: the form's first button is a disabled one, so nothing is sent.
    let posted = false;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted = true;
    });
    await page.focus('#o0\\.kr0\\.title');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(posted).toBe(false);

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add a key result' }).click()]);
    expect(await names(page, '.kr input[name$=".title"]')).toEqual(['o0.kr0.title', 'o0.kr1.title', 'o0.kr2.title']);
    expect(await page.inputValue('#o0\\.kr0\\.title')).toBe('Weekly active users');
    expect(await focusedId(page)).toBe('o0.kr2.title');
    expect(await page.inputValue('#o0\\.title')).toBe('Grow usage');
    expect(await page.locator('.banner').count()).toBe(0);
    await Promise.all([page.waitForNavigation(), page.locator('[data-row="o0.kr0"] button.remove').click()]);
    expect(await names(page, '.kr input[name$=".title"]')).toEqual(['o0.kr0.title', 'o0.kr1.title']);
    expect(await page.inputValue('#o0\\.kr0\\.title')).toBe('');
    // A refused submit: the summary at the top links to the field.
    await page.fill('#o0\\.kr0\\.title', 'Weekly active users');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit OKRs' }).click()]);
    const href = await page.locator('.banner a').first().getAttribute('href');
    expect(href).toMatch(/^#o0\.kr0\./);
    expect(await page.locator(`[id="${href!.slice(1)}"]`).count()).toBe(1);
    // (axe needs JavaScript in the page; the same markup is checked in the other tests.)
    await context.close();
  });

  it('check-in: last week’s open items carried forward, no confidence chosen, Enter does not submit', async () => {
    const context = await newContext(browser, { viewport: 'desktop' });
    const page = await context.newPage();
    await page.goto(links['checkin-ana']!);
    expect(await page.inputValue('#item0\\.title')).toBe('Referral programme');
    expect(await page.locator('#item1\\.title').count()).toBe(0);
    expect(await page.inputValue('#confidence')).toBe('');
    await page.focus('#item0\\.title');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(page.url()).toBe(links['checkin-ana']);
    await page.getByRole('button', { name: 'Add a project or task' }).click();
    expect(await focusedId(page)).toBe('item1.kr');
    await expectAccessible(page);
    // Sent without a confidence: refused, the focus on the confidence.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save check-in' }).click()]);
    expect(await focusedId(page)).toBe('confidence');
    await expectAccessible(page);
    await context.close();
  });

  it('serves the script and the style sheet by their hashed names, cached for a year; other names are 404', async () => {
    for (const [name, type] of [
      ['task-page.js', /javascript/],
      ['task-page.css', /text\/css/],
    ] as const) {
      const res = await fetch(`${t.base}${assetPath(name)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      await res.body?.cancel();
    }
    expect((await fetch(`${t.base}/assets/task-page.js`)).status).toBe(404);
  });

  it('a cross-site form post is refused with a page in the owner’s language, and JSON to programs', async () => {
    const html = await fetch(links['draft-li']!, {
      method: 'POST',
      headers: { origin: 'https://evil.example', accept: 'text/html' },
      body: new URLSearchParams({ 'o0.title': 'x' }),
    });
    expect(html.status).toBe(403);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const text = await html.text();
    expect(text).toContain('<html lang="zh-CN">');
    expect(text).toContain('此表单未发送');
    const json = await fetch(links['draft-li']!, {
      method: 'POST',
      headers: { origin: 'https://evil.example', accept: 'application/json' },
      body: new URLSearchParams({ 'o0.title': 'x' }),
    });
    expect(json.status).toBe(403);
    expect(await t.stack.database.db.selectFrom('objectives').select('id').where('title', '=', 'x').execute()).toEqual([]);
  });

  it('screenshots: draft and check-in, en and zh-CN, desktop and phone (and axe on each)', async () => {
    process.env.SCREENSHOT_DIR = SCREENSHOTS;
    for (const [who, locale] of [
      ['ana', 'en'],
      ['li', 'zh-CN'],
    ] as const) {
      for (const viewport of ['desktop', 'phone'] as const) {
        const context = await newContext(browser, { viewport, locale });
        const page = await context.newPage();
        for (const kind of ['draft', 'checkin'] as const) {
          await page.goto(links[`${kind}-${who}`]!);
          expect(await page.locator('html').getAttribute('lang')).toBe(locale);
          await expectAccessible(page);
          await screenshot(page, `${kind}-${locale}-${viewport}`);
        }
        await context.close();
      }
    }
  });
});
