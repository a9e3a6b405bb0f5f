/**
 * "My team", the calibration grid and "My department" on the real stack (Temporal dev server,
 * PostgreSQL, SMTP sink, headless Chromium). One compressed cycle for a small organisation runs
 * to scoring through the real task links; then:
 * - safety: every page and endpoint of these sections as an employee, a manager of another team,
 *   an ambassador of another department (403, or only their own data) and HR (everything);
 * - an ambassador nudges everyone behind from the page: each gets exactly one email, in their
 *   language, naming the ambassador; a second nudge the same day sends nothing (409);
 * - a manager calibrates three reports from one grid: a bad score on one row saves nothing and
 *   says so on that row; then each report's calibrate task completes exactly once, a second
 *   submit answers 409, and the cycle's scores are the ones typed;
 * - axe-core on every page; screenshots en + zh-CN, desktop + phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousViolations } from '../support/browser';
import { consoleFetch, signInAs } from '../support/console';
import { TEST_API_KEY, type TestStack, poll, startTestStack } from '../support/stack';
import { openTask, submit, taskJson } from '../support/tasks';
import type { CaughtMessage } from '../../mail/catcher';
import { teamView } from '../../core/team-view';

const KEY = 'tm15-q1';
const at = (name: string) => `${name}-tm15@t.example`;
const HR = at('hr');
const MGR = at('mia');
const ANN = at('ann');
const BO = at('bo');
const CHEN = at('chen');
const AMB = at('abe');
const OMGR = at('otto');
const SAM = at('sam');
const OAMB = at('olga');
const ORG = [
  { email: HR, name: '王芳', roles: ['hr'], department: 'People', locale: 'zh-CN' },
  { email: MGR, name: 'Mia Manager', roles: ['manager'], department: 'Eng' },
  { email: ANN, name: 'Ann Analyst', managerEmail: MGR, department: 'Eng', timeZone: 'America/New_York' },
  { email: BO, name: 'Bo Builder', managerEmail: MGR, department: 'Eng' },
  { email: CHEN, name: '陈晨', managerEmail: MGR, department: 'Eng', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
  { email: AMB, name: 'Abe Ambassador', roles: ['ambassador'], department: 'Eng' },
  { email: OMGR, name: 'Otto Other', roles: ['manager'], department: 'Sales' },
  { email: SAM, name: 'Sam Seller', managerEmail: OMGR, department: 'Sales' },
  { email: OAMB, name: 'Olga Outreach', roles: ['ambassador'], department: 'Sales' },
];
const PARTICIPANTS = [MGR, ANN, BO, CHEN, OMGR, SAM];
const kr = (title: string) => [
  { kind: 'numeric', title: `${title} count`, start: 0, target: 10, unit: 'deals' },
  { kind: 'milestone', title: `${title} launched` },
];

async function expectAccessible(page: Page, what: string) {
  expect(await seriousViolations(page), what).toEqual([]);
}

describe('My team, the calibration grid and My department', () => {
  let t: TestStack;
  let browser: Browser;
  const db = () => t.stack.database.db;

  const cycle = async () => (await (await t.api(`/api/cycles/${KEY}`)).json()) as { state: { phase: string | null } | null };
  const phaseIs = (phase: string) => poll(cycle, (v) => v.state?.phase === phase, 60_000, `phase ${phase}`);

  async function checkIn(email: string, week: number, confidence: number) {
    const task = await openTask(t, KEY, email, 'checkin', { round: week });
    const page = await taskJson<{ context: { keyResults: { keyResultId: number; kind: string }[] } }>(task);
    await submit(task, {
      keyResults: page.context.keyResults.map((k) =>
        k.kind === 'milestone' ? { keyResultId: k.keyResultId, done: week > 1 } : { keyResultId: k.keyResultId, value: 3 * week },
      ),
      confidence,
      report: `Week ${week}.`,
    });
  }

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    browser = await launchBrowser();
    const schedule = {
      strategy: '30s',
      drafting: '90s',
      managerLead: '1s',
      review: '90s',
      checkIns: { every: '12s', weeks: 2, window: '11s' },
      scoring: '600s',
      awards: '60s',
      reminders: [],
      escalations: [],
      expireAfter: '1s',
    };
    const started = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: KEY, title: 'Team Q1', startsOn: '2027-01-04', endsOn: '2027-03-31', participants: PARTICIPANTS, schedule },
    });
    expect(started.status, await started.clone().text()).toBe(201);
    await phaseIs('drafting');
    for (const email of PARTICIPANTS) {
      await submit(await openTask(t, KEY, email, 'draft'), {
        objectives: [{ title: `Objective of ${email.split('-')[0]}`, keyResults: kr(email.split('-')[0]!) }],
      });
    }
    await phaseIs('review');
    for (const [owner, subject] of [
      [MGR, ANN],
      [MGR, BO],
      [MGR, CHEN],
      [OMGR, SAM],
      [HR, MGR],
      [HR, OMGR],
    ] as const) {
      await submit(await openTask(t, KEY, owner, 'review', { subjectEmail: subject }), { decision: 'approve' });
    }
    await phaseIs('checkins');
    for (const [email, confidence] of [
      [ANN, 8],
      [BO, 3],
      [CHEN, 6],
      [MGR, 7],
      [SAM, 5],
      [OMGR, 6],
    ] as const)
      await checkIn(email, 1, confidence);
    await checkIn(ANN, 2, 9);
    await checkIn(BO, 2, 2);
    expect((await t.api(`/api/cycles/${KEY}/advance`, { method: 'POST', json: { phase: 'checkins' } })).status).toBe(200);
    await phaseIs('scoring');
    // Bo and Sam score themselves at once; Mia, Ann and 陈晨 are behind.
    for (const email of [BO, SAM]) {
      const task = await openTask(t, KEY, email, 'self-score');
      const page = await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(task);
      await submit(task, { scores: page.context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: 0.5 })), comment: 'A steady quarter.' });
    }
    await openTask(t, KEY, MGR, 'calibrate', { subjectEmail: BO });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function pageAs(email: string, viewport: 'desktop' | 'phone' = 'desktop', locale = 'en', javaScript = true) {
    const context = await newContext(browser, { viewport, locale, javaScript });
    const [name, value] = (await signInAs(t, email)).split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.base }]);
    return context.newPage();
  }

  it('shows each person only what their role allows', { timeout: 120_000 }, async () => {
    const as = async (email: string, path: string, init: RequestInit & { form?: Record<string, string> } = {}) =>
      consoleFetch(t, await signInAs(t, email), path, init);
    const q = `cycle=${KEY}`;
    const body = async (r: Response) => r.text();

    // (a) An employee: 403 on every page and endpoint, whatever the address names.
    for (const path of [
      `/console/team?${q}`,
      `/console/team?${q}&manager=${MGR}`,
      `/console/team/calibrate?${q}`,
      `/console/department?${q}`,
      `/console/department?${q}&department=Eng`,
      `/api/team?${q}`,
      `/api/team?${q}&manager=${encodeURIComponent(MGR)}`,
      `/api/departments/Eng?${q}`,
    ]) {
      const r = await as(ANN, path);
      expect(r.status, `${path} as an employee`).toBe(403);
      expect(await body(r)).not.toContain('Bo Builder');
    }
    for (const [path, init] of [
      [`/console/team/calibrate?${q}`, { method: 'POST', form: { task: '1' } }],
      [`/console/department/nudge?${q}&department=Eng`, { method: 'POST', form: { everyone: '1' } }],
      [`/api/departments/Eng/nudges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cycle: KEY }) }],
    ] as const) {
      expect((await as(ANN, path, init as RequestInit)).status, `${path} as an employee`).toBe(403);
    }

    // (b) A manager of another team: only their own team; naming Mia by email is refused.
    const own = await as(OMGR, `/api/team?${q}`);
    expect(own.status).toBe(200);
    const ownTeam = (await own.json()) as { members: { email: string }[] };
    expect(ownTeam.members.map((m) => m.email)).toEqual([SAM]);
    expect((await as(OMGR, `/api/team?${q}&manager=${encodeURIComponent(MGR)}`)).status).toBe(403);
    expect((await as(OMGR, `/api/team?${q}&manager=${encodeURIComponent('nobody-tm15@t.example')}`)).status).toBe(403);
    expect((await as(OMGR, `/console/team?${q}&manager=${encodeURIComponent(MGR)}`)).status).toBe(403);
    const otherGrid = await as(OMGR, `/console/team/calibrate?${q}`);
    expect(otherGrid.status).toBe(200);
    const otherGridHtml = await otherGrid.text();
    expect(otherGridHtml).toContain('Sam Seller');
    expect(otherGridHtml).not.toContain('Bo Builder');
    // Posting Mia's calibrate task id from Otto's session: refused, nothing completed.
    const bosTask = await openTask(t, KEY, MGR, 'calibrate', { subjectEmail: BO });
    const stolen = await as(OMGR, `/console/team/calibrate?${q}`, { method: 'POST', form: { task: String(bosTask.id) } });
    expect(stolen.status).toBe(403);
    expect((await db().selectFrom('tasks').select('status').where('id', '=', bosTask.id).executeTakeFirstOrThrow()).status).toBe('open');
    expect((await as(OMGR, `/console/department?${q}`)).status).toBe(403);

    // (c) An ambassador of another department: their own department only.
    expect((await as(OAMB, `/api/departments/Sales?${q}`)).status).toBe(200);
    expect((await as(OAMB, `/api/departments/Eng?${q}`)).status).toBe(403);
    expect((await as(OAMB, `/api/departments/Nowhere?${q}`)).status).toBe(403);
    expect((await as(OAMB, `/console/department?${q}&department=Eng`)).status).toBe(403);
    const sales = await as(OAMB, `/console/department?${q}`);
    expect(sales.status).toBe(200);
    expect(await sales.text()).not.toContain('Ann Analyst');
    const before = t.mail.messages().length;
    const foreignNudge = await as(OAMB, `/api/departments/Eng/nudges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cycle: KEY, email: ANN }),
    });
    expect(foreignNudge.status).toBe(403);
    expect((await as(OAMB, `/console/department/nudge?${q}&department=Eng`, { method: 'POST', form: { everyone: '1' } })).status).toBe(403);
    expect((await as(OAMB, `/api/team?${q}`)).status).toBe(403);
    // An ambassador may not nudge someone of another department through their own: 400, nothing sent.
    const outsider = await as(OAMB, `/api/departments/Sales/nudges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cycle: KEY, email: ANN }),
    });
    expect(outsider.status).toBe(400);
    expect(await db().selectFrom('emails').select('id').where('idempotency_key', 'like', 'nudge:%').execute()).toEqual([]);
    expect(t.mail.messages().length).toBe(before);

    // HR sees every team and department.
    const hrTeam = await as(HR, `/api/team?${q}&manager=${encodeURIComponent(MGR)}`);
    expect(hrTeam.status).toBe(200);
    expect(((await hrTeam.json()) as { members: { email: string }[] }).members.map((m) => m.email).sort()).toEqual([ANN, BO, CHEN].sort());
    for (const dept of ['Eng', 'Sales']) expect((await as(HR, `/api/departments/${dept}?${q}`)).status).toBe(200);
    expect((await as(HR, `/console/department?${q}&department=Sales`)).status).toBe(200);
    expect((await as(HR, `/console/team?${q}&manager=${encodeURIComponent(OMGR)}`)).status).toBe(200);
    // An HR key too (integrations); a key must name the manager.
    const keyTeam = await fetch(`${t.base}/api/team?${q}&manager=${encodeURIComponent(MGR)}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(keyTeam.status).toBe(200);
    expect((await fetch(`${t.base}/api/team?${q}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).status).toBe(400);
    // Nobody signed in: the pages send to sign-in, the JSON is 401.
    expect((await consoleFetch(t, undefined, `/console/team?${q}`)).status).toBe(303);
    expect((await fetch(`${t.base}/api/departments/Eng?${q}`)).status).toBe(401);
  });

  it('shows a manager their team with check-ins, trend and review queue', { timeout: 60_000 }, async () => {
    const r = await consoleFetch(t, await signInAs(t, MGR), `/api/team?cycle=${KEY}`);
    expect(r.status).toBe(200);
    const team = (await r.json()) as {
      members: {
        email: string;
        approval: string;
        trend: { week: number; confidence: number }[];
        thisWeek: { week: number; status: string; confidence: number | null } | null;
      }[];
      reviewQueue: { kind: string; subject: { email: string } }[];
    };
    const bo = team.members.find((m) => m.email === BO)!;
    expect(bo.approval).toBe('approved');
    expect(bo.trend).toEqual([
      { week: 1, confidence: 3 },
      { week: 2, confidence: 2 },
    ]);
    expect(bo.thisWeek).toMatchObject({ week: 2, status: 'completed', confidence: 2 });
    expect(team.members.find((m) => m.email === CHEN)!.thisWeek).toMatchObject({ week: 2, status: 'expired', confidence: null });
    expect(team.reviewQueue).toEqual([expect.objectContaining({ kind: 'calibrate', subject: expect.objectContaining({ email: BO }) })]);
    // A large team comes a page at a time, by name.
    const hr = await db().selectFrom('people').select('id').where('email', '=', HR).executeTakeFirstOrThrow();
    const second = await teamView(db(), { personId: hr.id, roles: ['hr'] }, KEY, MGR, { offset: 2, limit: 2 });
    expect({ total: second.total, offset: second.offset, names: second.members.map((m) => m.email) }).toEqual({ total: 3, offset: 2, names: [CHEN] });
    const paged = (await (await consoleFetch(t, await signInAs(t, MGR), `/api/team?cycle=${KEY}&offset=1`)).json()) as { total: number; members: unknown[] };
    expect({ total: paged.total, shown: paged.members.length }).toEqual({ total: 3, shown: 2 });

    const page = await pageAs(MGR);
    await page.goto(`${t.base}/console/team?cycle=${KEY}`);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Bo Builder');
    expect(text).toContain('week 2: checked in');
    expect(await page.locator('tr[data-person="' + BO + '"] svg.spark circle').count()).toBe(2);
    await expectAccessible(page, 'my team');
    // The review queue links to the task's own page.
    const link = page.getByRole('link', { name: /calibration: Bo Builder/ });
    expect(await link.getAttribute('href')).toMatch(/\/t\/[A-Za-z0-9_-]{43}$/);
    await page.context().close();
  });

  it('lets an ambassador nudge everyone behind: one email each, in their language', { timeout: 120_000 }, async () => {
    const page = await pageAs(AMB);
    await page.goto(`${t.base}/console/department?cycle=${KEY}`);
    const behind = page.locator('table[data-table="behind"]');
    const names = await behind.locator('tbody th').allInnerTexts();
    expect(names.map((n) => n.split('\n')[0]).sort()).toEqual(['Ann Analyst', 'Mia Manager', '陈晨'].sort());
    expect(await page.locator('main').innerText()).toContain('Low confidence');
    expect(await page.locator('ul[data-list="lows"]').innerText()).toContain('Bo Builder');
    await expectAccessible(page, 'my department');
    await screenshot(page, 'home-department-en-desktop');

    const before = t.mail.messages().length;
    await page.getByRole('button', { name: /Nudge everyone behind \(3\)/ }).click();
    await page.waitForURL(/sent=3/);
    expect(await page.locator('p.ok').innerText()).toContain('Nudge sent to 3 people');
    expect(await behind.locator('[data-cell="nudged"]').count()).toBe(3);
    await expectAccessible(page, 'my department after nudging');
    const nudges = (all: CaughtMessage[]) => all.slice(before).filter((m) => /friendly nudge|温馨提醒/.test(m.subject));
    await t.mail.waitFor((all) => nudges(all).length >= 3, 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives
    const got = nudges(t.mail.messages());
    expect(got.map((m) => m.envelopeTo[0]).sort()).toEqual([ANN, CHEN, MGR].sort());
    const chen = got.find((m) => m.envelopeTo[0] === CHEN)!;
    expect(chen.subject).toContain('温馨提醒');
    expect(chen.text).toContain('OKR 大使');
    expect(chen.text).toContain('Abe Ambassador');
    expect(chen.text).toContain('/t/');
    expect(chen.text).toContain('中国时间');
    const ann = got.find((m) => m.envelopeTo[0] === ANN)!;
    expect(ann.subject).toContain('A friendly nudge');
    expect(ann.text).toContain("Abe Ambassador, your department's OKR ambassador");
    // Ann's due time is in her own zone (New York), not the cycle's UTC.
    expect(ann.text).toMatch(/EST|GMT-5|New York/);
    const audited = await db().selectFrom('audit_log').select(['actor', 'subject']).where('action', '=', 'person.nudged').execute();
    expect(audited).toHaveLength(3);
    expect(audited.every((a) => a.actor.includes(AMB))).toBe(true);

    // A second nudge the same day is refused with the reason and sends nothing.
    const cookie = await signInAs(t, AMB);
    const again = await consoleFetch(t, cookie, `/console/department/nudge?cycle=${KEY}&department=Eng`, { method: 'POST', form: { email: ANN } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Already nudged today: Ann Analyst');
    const json = await consoleFetch(t, cookie, `/api/departments/Eng/nudges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cycle: KEY }),
    });
    expect(json.status).toBe(409);
    // Bo is not behind: he cannot be nudged.
    const bo = await consoleFetch(t, cookie, `/api/departments/Eng/nudges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cycle: KEY, email: BO }),
    });
    expect(bo.status).toBe(400);
    await new Promise((r) => setTimeout(r, 1000));
    expect(nudges(t.mail.messages())).toHaveLength(3);
    expect(await db().selectFrom('emails').select('id').where('idempotency_key', 'like', 'nudge:%').execute()).toHaveLength(3);
    await page.context().close();
    // The page after the nudges, on a phone and in Chinese (HR picks the department).
    const phone = await pageAs(AMB, 'phone');
    await phone.goto(`${t.base}/console/department?cycle=${KEY}`);
    await expectAccessible(phone, 'department en phone');
    await screenshot(phone, 'home-department-en-phone');
    await phone.context().close();
    for (const viewport of ['desktop', 'phone'] as const) {
      const zh = await pageAs(HR, viewport, 'zh-CN');
      await zh.goto(`${t.base}/console/department?cycle=${KEY}&department=Eng`);
      const text = await zh.locator('main').innerText();
      expect(text).toContain('每周进展更新率');
      expect(text).toContain('今天已提醒');
      await expectAccessible(zh, `department zh ${viewport}`);
      await screenshot(zh, `home-department-zh-CN-${viewport}`);
      await zh.context().close();
    }
  });

  it('calibrates three reports from one grid, each exactly once', { timeout: 180_000 }, async () => {
    // Ann and 陈晨 score themselves: Mia now has three calibrations (and HR has Mia's and Otto's).
    for (const email of [ANN, CHEN, MGR, OMGR]) {
      const task = await openTask(t, KEY, email, 'self-score');
      const page = await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(task);
      await submit(task, { scores: page.context.keyResults.map((k) => ({ keyResultId: k.keyResultId, score: 0.6 })) });
    }
    const tasks = await Promise.all([ANN, BO, CHEN].map((s) => openTask(t, KEY, MGR, 'calibrate', { subjectEmail: s })));

    const page = await pageAs(MGR, 'desktop', 'en');
    await page.goto(`${t.base}/console/team/calibrate?cycle=${KEY}`);
    expect(await page.locator('section.report').count()).toBe(3);
    expect(await page.locator(`section[data-subject="${BO}"] [data-cell="self"]`).first().innerText()).toBe('0.5');
    await expectAccessible(page, 'calibration grid');
    await screenshot(page, 'home-calibrate-en-desktop');
    const krIds = async (email: string) =>
      Promise.all((await page.locator(`section[data-subject="${email}"] input[type="number"]`).all()).map(async (el) => (await el.getAttribute('name'))!));
    const scoreOf: Record<string, string> = { [ANN]: '0.9', [BO]: '0.4', [CHEN]: '0.75' };
    for (const email of [ANN, BO, CHEN]) for (const name of await krIds(email)) await page.fill(`[name="${name}"]`, scoreOf[email]!);
    // One bad score on Bo's row: nothing is saved, the row says why.
    const boFirst = (await krIds(BO))[0]!;
    await page.fill(`[name="${boFirst}"]`, '1.5');
    await page.fill(`section[data-subject="${ANN}"] textarea`, 'Great hiring quarter.');
    await page.getByRole('button', { name: 'Complete these calibrations' }).click();
    expect(await page.locator('p.banner').first().innerText()).toContain('nothing was saved');
    const boRow = page.locator(`section[data-subject="${BO}"]`);
    expect(await boRow.getAttribute('class')).toContain('bad');
    expect(await boRow.locator('.err').innerText()).toMatch(/1/);
    expect(await page.locator(`[name="${boFirst}"]`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`section[data-subject="${ANN}"] textarea`).inputValue()).toBe('Great hiring quarter.');
    await expectAccessible(page, 'calibration grid with an error');
    await screenshot(page, 'home-calibrate-error-en-desktop');
    const statuses = () =>
      db()
        .selectFrom('tasks')
        .select(['id', 'status'])
        .where(
          'id',
          'in',
          tasks.map((x) => x.id),
        )
        .execute();
    expect((await statuses()).every((s) => s.status === 'open')).toBe(true);

    await page.fill(`[name="${boFirst}"]`, '0.4');
    const posted = new URLSearchParams(tasks.map((x) => ['task', String(x.id)] as [string, string]));
    for (const email of [ANN, BO, CHEN]) for (const name of await krIds(email)) posted.append(name, scoreOf[email]!);
    const form = posted.toString();
    await page.getByRole('button', { name: 'Complete these calibrations' }).click();
    await page.waitForURL(/done=3/);
    expect(await page.locator('p.ok').innerText()).toContain('3 calibrations completed');
    expect(await page.locator('section.report [data-state="completed"]').count()).toBe(3);
    await expectAccessible(page, 'calibration grid done');

    // Each task completed exactly once (one event into "completed"), with the typed scores.
    expect((await statuses()).every((s) => s.status === 'completed')).toBe(true);
    const events = await db()
      .selectFrom('task_events')
      .select(['task_id'])
      .where('to_status', '=', 'completed')
      .where(
        'task_id',
        'in',
        tasks.map((x) => x.id),
      )
      .execute();
    expect(events).toHaveLength(3);
    // The same form again (a double submit): 409 naming who was done; nothing changes.
    const second = await consoleFetch(t, await signInAs(t, MGR), `/console/team/calibrate?cycle=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(second.status).toBe(409);
    const secondText = await second.text();
    expect(secondText).toContain('Already completed');
    expect(secondText).toContain('Ann Analyst');
    expect(
      await db()
        .selectFrom('task_events')
        .select('task_id')
        .where('to_status', '=', 'completed')
        .where(
          'task_id',
          'in',
          tasks.map((x) => x.id),
        )
        .execute(),
    ).toHaveLength(3);
    // The cycle's scores (what the workflow recorded) are the manager's; each person hears their final score.
    const scores = (await (await t.api(`/api/cycles/${KEY}/scores`)).json()) as { people: { email: string; score: number | null }[] };
    expect(scores.people.find((p) => p.email === ANN)?.score).toBe(0.9);
    expect(scores.people.find((p) => p.email === BO)?.score).toBe(0.4);
    expect(scores.people.find((p) => p.email === CHEN)?.score).toBe(0.75);
    const comment = await db()
      .selectFrom('cycle_participants as cp')
      .innerJoin('people as p', 'p.id', 'cp.person_id')
      .select('cp.calibration_comment')
      .where('p.email', '=', ANN)
      .executeTakeFirstOrThrow();
    expect(comment.calibration_comment).toBe('Great hiring quarter.');
    await t.mail.waitFor((all) => [ANN, BO, CHEN].every((e) => all.some((m) => m.envelopeTo[0] === e && m.text.includes('0.'))), 30_000);
    await page.context().close();
  });

  it('shows the pages in English and Chinese, on a desktop and a phone', { timeout: 120_000 }, async () => {
    for (const viewport of ['desktop', 'phone'] as const) {
      const en = await pageAs(MGR, viewport);
      await en.goto(`${t.base}/console/team?cycle=${KEY}`);
      await expectAccessible(en, `team en ${viewport}`);
      await screenshot(en, `home-team-en-${viewport}`);
      if (viewport === 'phone') {
        await en.goto(`${t.base}/console/team/calibrate?cycle=${KEY}`);
        await expectAccessible(en, 'calibrate en phone');
        await screenshot(en, 'home-calibrate-en-phone');
      }
      await en.context().close();
      const amb = await pageAs(AMB, viewport);
      await amb.goto(`${t.base}/console/department?cycle=${KEY}`);
      expect(await amb.locator('main').innerText()).toContain('Nobody is behind.');
      await expectAccessible(amb, `department en ${viewport}`);
      await amb.context().close();

      const zh = await pageAs(HR, viewport, 'zh-CN');
      await zh.goto(`${t.base}/console/team?cycle=${KEY}&manager=${encodeURIComponent(MGR)}`);
      const text = await zh.locator('main').innerText();
      expect(text).toContain('我的团队');
      expect(text).toContain('第 2 周');
      await expectAccessible(zh, `team zh ${viewport}`);
      await screenshot(zh, `home-team-zh-CN-${viewport}`);
      await zh.goto(`${t.base}/console/team/calibrate?cycle=${KEY}`);
      expect(await zh.locator('main').innerText()).toContain('校准团队评分');
      await expectAccessible(zh, `calibrate zh ${viewport}`);
      await screenshot(zh, `home-calibrate-zh-CN-${viewport}`);
      await zh.context().close();
    }
  });

  it('completes a grid once when it is sent twice at the same moment', { timeout: 60_000 }, async () => {
    // HR calibrates Mia and Otto (no manager in the cycle) from HR's own grid: two posts at once.
    const tasks = await Promise.all([MGR, OMGR].map((s) => openTask(t, KEY, HR, 'calibrate', { subjectEmail: s })));
    const form = new URLSearchParams();
    for (const task of tasks) {
      form.append('task', String(task.id));
      const page = await taskJson<{ context: { keyResults: { keyResultId: number }[] } }>(task);
      for (const k of page.context.keyResults) form.append(`kr${k.keyResultId}.score`, '0.7');
    }
    const cookie = await signInAs(t, HR);
    const post = () =>
      consoleFetch(t, cookie, `/console/team/calibrate?cycle=${KEY}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    const events = await db()
      .selectFrom('task_events')
      .select('task_id')
      .where('to_status', '=', 'completed')
      .where(
        'task_id',
        'in',
        tasks.map((x) => x.id),
      )
      .execute();
    expect(events).toHaveLength(2);
    const scores = (await (await t.api(`/api/cycles/${KEY}/scores`)).json()) as { people: { email: string; score: number | null }[] };
    expect(scores.people.find((p) => p.email === MGR)?.score).toBe(0.7);
  });
});
