/**
 * HR starts a yearly awards run from the console in a real browser (headless Chromium) on the
 * real stack: the form lists the year's cycles, the preview says who takes part and when each
 * step is due and writes nothing, the start opens the run's dashboard (awards only, the cycles it
 * covers) and the nominators' tasks. A zh-CN HR person without JavaScript is refused a year with
 * no cycle in Chinese, naming the field. The start form can leave awards out of a cycle.
 * axe-core on every page; screenshots desktop and phone, en and zh-CN.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousViolations } from '../support/browser';
import { signInAs } from '../support/console';
import { type TestStack, poll, startTestStack } from '../support/stack';

const ORG = [
  { email: 'hr@run.example', name: 'Hana HR', roles: ['hr'], department: 'People' },
  { email: 'zhr@run.example', name: '王芳', roles: ['hr'], department: 'People', locale: 'zh-CN' },
  { email: 'mgr@run.example', name: 'Mia Manager', department: 'Engineering' },
  { email: 'a@run.example', name: 'Ari', managerEmail: 'mgr@run.example', department: 'Engineering' },
  { email: 'b@run.example', name: '陈晨', managerEmail: 'mgr@run.example', department: 'Sales', locale: 'zh-CN' },
];
const PEOPLE = ['mgr@run.example', 'a@run.example', 'b@run.example'];

async function expectAccessible(page: Page, what: string) {
  expect(await seriousViolations(page), what).toEqual([]);
}

describe('HR starts a yearly awards run in a browser', () => {
  let t: TestStack;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    // Two quarters of 2027 without awards, and one of 2026.
    for (const [key, title, startsOn, endsOn, people] of [
      ['run-q1', 'Q1 2027', '2027-01-04', '2027-03-31', PEOPLE.slice(0, 2)],
      ['run-q2', 'Q2 2027', '2027-04-05', '2027-06-30', PEOPLE],
      ['run-old', 'Q4 2026', '2026-10-05', '2026-12-31', PEOPLE],
    ] as const) {
      const res = await t.api('/api/cycles', {
        method: 'POST',
        json: { key, title, startsOn, endsOn, participants: people, schedule: { planning: 'at-once', awards: false } },
      });
      expect(res.status, await res.text()).toBe(201);
    }
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function pageAs(email: string, viewport: 'desktop' | 'phone', locale = 'en', javaScript = true) {
    const context = await newContext(browser, { viewport, locale, javaScript });
    const [name, value] = (await signInAs(t, email)).split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.base }]);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    page.setDefaultTimeout(15_000);
    return page;
  }

  it('previews and starts the run over the year’s cycles', async () => {
    const page = await pageAs('hr@run.example', 'desktop');
    await page.goto(`${t.base}/console/cycles`);
    await page.getByRole('link', { name: 'Start a yearly awards run' }).click();
    await expectAccessible(page, 'awards run form');
    expect(await page.locator('input[name="cycles"]').count()).toBe(3);
    await page.fill('#f-key', 'awards-2027');
    await page.fill('#f-title', 'OKR awards 2027');
    await page.fill('#f-year', '2027');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('#preview').count()).toBe(1);
    const preview = await page.locator('#preview').innerText();
    expect(preview).toContain('3 people take part');
    expect(preview).toContain('Q1 2027');
    expect(preview).toContain('Q2 2027');
    expect(preview).not.toContain('Q4 2026');
    for (const step of ['Nominations', 'Votes', 'Final choice']) expect(preview).toContain(step);
    await expectAccessible(page, 'awards run preview');
    await screenshot(page, 'awards-run-preview-en-desktop');
    expect(await t.stack.database.db.selectFrom('cycles').select('key').where('kind', '=', 'awards-run').execute()).toEqual([]);

    await page.getByRole('button', { name: 'Start the awards run' }).click();
    await page.waitForURL(/\/console\/cycles\/awards-2027$/);
    const board = await page.locator('main').innerText();
    expect(board).toContain('Yearly awards run');
    expect(board).toContain('run-q1');
    expect(board).toContain('run-q2');
    // The timeline has the awards only; the OKR sections of a cycle are not there.
    expect(await page.locator('#al-h').count()).toBe(0);
    await expectAccessible(page, 'awards run dashboard');
    // Mia manages Ari and 陈晨: she gets the nominate task.
    await poll(
      () =>
        t.stack.database.db
          .selectFrom('tasks as t')
          .innerJoin('cycles as c', 'c.id', 't.cycle_id')
          .innerJoin('people as p', 'p.id', 't.person_id')
          .select(['p.email', 't.kind'])
          .where('c.key', '=', 'awards-2027')
          .execute(),
      (rows) => rows.some((r) => r.email === 'mgr@run.example' && r.kind === 'nominate'),
      30_000,
      'the nominate task',
    );
    await page.reload();
    await screenshot(page, 'awards-run-dashboard-en-desktop');

    await page.goto(`${t.base}/console/cycles`);
    expect(await page.locator('main').innerText()).toContain('Yearly awards run');
    await expectAccessible(page, 'cycle list with a run');

    // Mia's home shows her OKRs of the newest quarter (a run has none) and the run's task.
    const mia = await pageAs('mgr@run.example', 'phone');
    await mia.goto(`${t.base}/console/me`);
    const home = await mia.locator('main').innerText();
    expect(home).toContain('Q2 2027');
    expect(home).toContain('OKR awards 2027');
    await screenshot(mia, 'awards-run-me-en-phone');
  });

  it('says in Chinese, without JavaScript, that a year has no cycle, and keeps what was typed', async () => {
    const page = await pageAs('zhr@run.example', 'phone', 'zh-CN', false);
    await page.goto(`${t.base}/console/cycles/new-awards-run`);
    expect(await page.locator('h1').innerText()).toBe('发起年度评奖');
    await page.fill('#f-key', 'awards-2030');
    await page.fill('#f-title', '2030 年度 OKR 奖');
    await page.fill('#f-year', '2030');
    await page.getByRole('button', { name: '预览' }).click();
    const errors = await page.locator('#form-errors').innerText();
    expect(errors).toContain('年份：');
    expect(errors).toContain('2030 年没有开始的周期');
    expect(await page.inputValue('#f-title')).toBe('2030 年度 OKR 奖');
    await screenshot(page, 'awards-run-refused-zh-CN-phone');

    await page.fill('#f-key', 'awards-2027-zh');
    await page.fill('#f-year', '2027');
    await page.getByRole('button', { name: '预览' }).click();
    expect(await page.locator('#preview').innerText()).toContain('共 3 人参与');
    await screenshot(page, 'awards-run-preview-zh-CN-phone');
    // axe-core needs JavaScript: the same refusal, with it on.
    const withJs = await pageAs('zhr@run.example', 'phone', 'zh-CN');
    await withJs.goto(`${t.base}/console/cycles/new-awards-run`);
    await withJs.fill('#f-title', '2030 年度 OKR 奖');
    await withJs.fill('#f-year', '2030');
    await withJs.getByRole('button', { name: '预览' }).click();
    await expect.poll(() => withJs.locator('#form-errors').count()).toBe(1);
    await expectAccessible(withJs, 'zh refusal');
  });

  it('starts a cycle without awards from the start form', async () => {
    const page = await pageAs('hr@run.example', 'desktop');
    await page.goto(`${t.base}/console/cycles/new`);
    await page.fill('#f-key', 'run-q3');
    await page.fill('#f-title', 'Q3 2027');
    await page.fill('#f-startsOn', '2027-07-05');
    await page.fill('#f-endsOn', '2027-09-30');
    await page.check('input[name="noAwards"]');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('#preview').count()).toBe(1);
    const phases = await page.locator('#preview table').first().innerText();
    expect(phases).toContain('Scoring');
    expect(phases).not.toContain('Awards');
    await page.check('input[name="atOnce"]');
    await page.getByRole('button', { name: 'Start the cycle' }).click();
    await page.waitForURL(/\/console\/cycles\/run-q3$/);
    const row = await t.stack.database.db.selectFrom('cycles').select('schedule').where('key', '=', 'run-q3').executeTakeFirstOrThrow();
    expect((row.schedule as { awards: unknown }).awards).toBe(false);
    await poll(
      async () => (await (await t.api('/api/cycles/run-q3')).json()) as { state: { phases: { phase: string }[] } | null },
      (v) => v.state !== null,
      20_000,
      'the cycle state',
    ).then((v) => expect(v.state!.phases.map((p) => p.phase)).not.toContain('awards'));
    await expectAccessible(page, 'dashboard of a cycle without awards');
  });
});
