/**
 * HR's award pages and routes on the running app (real PostgreSQL, real Temporal connection,
 * headless Chromium): the winners with bonuses for HR only (JSON API, console, CSV), each
 * certificate as PDF for HR and through the winner's signed link (and nobody else's), the team
 * meeting slides (one winner a page, next/previous without JavaScript, arrow keys with it), the
 * finalize form's award fields — in en and zh-CN, desktop and phone, with no serious axe finding.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateLink } from '../../core/awards';
import { hashToken, taskToken } from '../../core/tokens';
import { finalizeForm } from '../../kinds/awards/ballot-form';
import { launchBrowser, newContext, seriousViolations } from '../support/browser';
import { consoleFetch, signInAs } from '../support/console';
import { submit } from '../support/kinds-fixture';
import { TEST_TOKEN_SECRET, type TestStack, startTestStack } from '../support/stack';

const KEY = 'aw16-console';
const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const ORG = [
  { email: 'hr@aw16.example', name: 'Hana HR', roles: ['hr'] },
  { email: 'zhr@aw16.example', name: '王芳', roles: ['hr'], locale: 'zh-CN' },
  { email: 'admin@aw16.example', name: 'Ada Admin', roles: ['admin'] },
  { email: 'mgr@aw16.example', name: 'Mia Manager', roles: ['manager'] },
  { email: 'ann@aw16.example', name: 'Ann Müller', managerEmail: 'mgr@aw16.example' },
  { email: 'chen@aw16.example', name: '陈晨', managerEmail: 'mgr@aw16.example', locale: 'zh-CN' },
];

describe('award pages and routes', () => {
  let t: TestStack;
  let browser: Browser;
  const id: Record<string, number> = {};
  const nom = { ann: 0, chen: 0, other: 0 };
  let cycleId = 0;
  let hrKey = '';
  let adminKey = '';
  let finalizeToken = '';
  const voteTokens = { en: '', zh: '' };
  const nominateToken = { en: '', zh: '' };
  let annObjectiveId = 0;
  const tmp = mkdtempSync(join(tmpdir(), 'aw16-console-'));
  const pdfText = (bytes: ArrayBuffer) => {
    const file = join(tmp, `${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, Buffer.from(bytes));
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  };

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    const key = async (role: 'hr' | 'admin') =>
      ((await (await t.api('/api/keys', { method: 'POST', json: { name: `aw16-${role}`, role } })).json()) as { key: string }).key;
    hrKey = await key('hr');
    adminKey = await key('admin');
    const db = t.stack.database.db;
    for (const p of await db.selectFrom('people').select(['id', 'email']).execute()) id[p.email.split('@')[0]!] = p.id;
    const cycle = async (k: string) =>
      (
        await db
          .insertInto('cycles')
          .values({
            key: k,
            title: '2026 Q4',
            starts_on: '2026-10-01',
            ends_on: '2026-12-31',
            schedule: JSON.stringify({ timeZone: 'Europe/Berlin' }),
            request_fingerprint: k,
            workflow_id: `okr-cycle:${k}`,
            created_by: 'test',
            hr_person_id: id.hr!,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    cycleId = await cycle(KEY);
    const otherCycle = await cycle(`${KEY}-other`);
    await db
      .insertInto('cycle_participants')
      .values(Object.values(id).map((person_id) => ({ cycle_id: cycleId, person_id, batch_no: 0 })))
      .execute();
    const objective = async (owner: number, title: string, score: number, krs: [string, number][]) => {
      const o = await db
        .insertInto('objectives')
        .values({ cycle_id: cycleId, owner_id: owner, task_id: null, position: 0, title, parent_objective_id: null, status: 'approved', score })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('key_results')
        .values(
          krs.map(([kr, s], i) => ({
            objective_id: o.id,
            position: i,
            title: kr,
            kind: 'milestone' as const,
            start_value: 0,
            target_value: 1,
            unit: null,
            score: s,
          })),
        )
        .execute();
      return o.id;
    };
    const annObjective = await objective(id.ann!, 'Delight new users', 0.8, [
      ['Activation from 40 % to 58 %', 0.9],
      ['Onboarding NPS 45', 0.7],
    ]);
    await objective(id.chen!, '把每周检查变成习惯', 0.75, [['每周检查完成率 95%', 0.8]]);
    const task = async (cycle: number, person: number, kind: 'nominate' | 'finalize' | 'vote' | 'checkin', round = 1) => {
      const identity = { cycleId: cycle, kind, round, personId: person };
      const token = taskToken(TEST_TOKEN_SECRET, identity);
      const row = await db
        .insertInto('tasks')
        .values({
          cycle_id: cycle,
          person_id: person,
          kind,
          phase: kind === 'checkin' ? 'checkins' : 'awards',
          round,
          batch_no: 0,
          workflow_id: `batch:${kind}:${round}`,
          due_at: new Date(Date.now() + 86_400_000),
          token_hash: hashToken(token),
          subject_person_id: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ref: { id: row.id, kind, cycleId: cycle, personId: person, ownerEmail: '', subjectPersonId: null, round }, token };
    };
    await submit(db, (await task(cycleId, id.mgr!, 'nominate')).ref, {
      nominations: [
        { objectiveId: annObjective, citation: 'Activation went from 40 % to 58 % in one quarter' },
        { personEmail: 'chen@aw16.example', citation: '带领团队坚持每周检查，把目标变成习惯。' },
      ],
    });
    await db
      .insertInto('nominations')
      .values({
        cycle_id: otherCycle,
        task_id: (await task(otherCycle, id.mgr!, 'nominate')).ref.id,
        nominator_id: id.mgr!,
        objective_id: null,
        person_id: id.ann!,
        citation: 'Another cycle',
        winner: true,
      })
      .execute();
    const rows = await db.selectFrom('nominations').select(['id', 'cycle_id', 'objective_id', 'person_id']).orderBy('id').execute();
    nom.ann = rows.find((r) => r.objective_id === annObjective)!.id;
    nom.chen = rows.find((r) => r.person_id === id.chen && r.cycle_id === cycleId)!.id;
    nom.other = rows.find((r) => r.cycle_id === otherCycle)!.id;
    // Ann's check-in history and an execution item, for the voters' evidence.
    const kr = await db.selectFrom('key_results').select('id').where('objective_id', '=', annObjective).orderBy('position').executeTakeFirstOrThrow();
    for (const week of [1, 2, 3]) {
      const checkinTask = await task(cycleId, id.ann!, 'checkin', week);
      const row = await db
        .insertInto('checkins')
        .values({ task_id: checkinTask.ref.id, cycle_id: cycleId, person_id: id.ann!, week, confidence: 5 + week, values: JSON.stringify([]) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('execution_items')
        .values({
          cycle_id: cycleId,
          person_id: id.ann!,
          key_result_id: kr.id,
          checkin_id: row.id,
          week,
          kind: 'task',
          title: `Onboarding email ${week}`,
          status: 'done',
        })
        .execute();
    }
    nominateToken.en = (await task(cycleId, id.mgr!, 'nominate', 2)).token;
    nominateToken.zh = (await task(cycleId, id.chen!, 'nominate', 2)).token;
    annObjectiveId = annObjective;
    voteTokens.en = (await task(cycleId, id.hr!, 'vote')).token;
    voteTokens.zh = (await task(cycleId, id.zhr!, 'vote')).token;
    // An open finalize task to look at, and a completed one that chose the winners.
    finalizeToken = (await task(cycleId, id.hr!, 'finalize', 2)).token;
    await submit(db, (await task(cycleId, id.hr!, 'finalize')).ref, {
      winnerNominationIds: [nom.ann, nom.chen],
      awards: [
        { nominationId: nom.ann, awardName: 'OKR Award 2026', bonusAmount: 1500, bonusCurrency: 'EUR' },
        { nominationId: nom.chen, awardName: '2026 年度 OKR 奖', bonusAmount: 8000, bonusCurrency: 'CNY' },
      ],
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const api = (path: string, key: string) => fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('shows the winners with bonuses to an HR key only; admin is refused (403)', async () => {
    const res = await api(`/api/cycles/${KEY}/awards`, hrKey);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { winners: { person: { name: string }; awardName: string; bonus: unknown; votes: number; awardedBy: string }[] };
    expect(body.winners.map((w) => [w.person.name, w.awardName, w.bonus, w.awardedBy])).toEqual([
      ['Ann Müller', 'OKR Award 2026', { amount: '1500.00', currency: 'EUR' }, 'Hana HR'],
      ['陈晨', '2026 年度 OKR 奖', { amount: '8000.00', currency: 'CNY' }, 'Hana HR'],
    ]);
    for (const path of [`/api/cycles/${KEY}/awards`, `/api/cycles/${KEY}/awards/bonuses.csv`, `/api/cycles/${KEY}/awards/${nom.ann}/certificate.pdf`]) {
      const refused = await api(path, adminKey);
      expect(refused.status, path).toBe(403);
      expect(await refused.text()).not.toContain('1500');
    }
    const csv = await api(`/api/cycles/${KEY}/awards/bonuses.csv`, hrKey);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await csv.text();
    expect(text).toContain('Ann Müller,OKR Award 2026,Delight new users,1500.00,EUR');
    expect(text).toContain('陈晨,2026 年度 OKR 奖,,8000.00,CNY');
  });

  it('serves each certificate to HR (either language), and 404 for a nomination of another cycle', async () => {
    const en = await api(`/api/cycles/${KEY}/awards/${nom.ann}/certificate.pdf`, hrKey);
    expect(en.status).toBe(200);
    expect(en.headers.get('content-type')).toBe('application/pdf');
    expect(en.headers.get('content-disposition')).toContain(encodeURIComponent('certificate-Ann Müller.pdf'));
    expect(pdfText(await en.arrayBuffer())).toContain('Ann Müller');
    const zh = pdfText(await (await api(`/api/cycles/${KEY}/awards/${nom.chen}/certificate.pdf`, hrKey)).arrayBuffer());
    expect(zh).toContain('荣誉证书');
    expect(zh).toContain('陈晨');
    expect(pdfText(await (await api(`/api/cycles/${KEY}/awards/${nom.chen}/certificate.pdf?locale=en`, hrKey)).arrayBuffer())).toContain(
      'Certificate of Award',
    );
    expect((await api(`/api/cycles/${KEY}/awards/${nom.other}/certificate.pdf`, hrKey)).status).toBe(404);
    const doc = (await (await fetch(`${t.base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const p of ['/api/cycles/{key}/awards', '/api/cycles/{key}/awards/bonuses.csv', '/api/cycles/{key}/awards/{nominationId}/certificate.pdf'])
      expect(doc.paths).toHaveProperty([p]);
  });

  it('opens the certificate through the winner’s signed link, and nothing through a changed or borrowed one', async () => {
    const link = certificateLink(t.base, TEST_TOKEN_SECRET, nom.ann, id.ann!);
    const own = await fetch(link);
    expect(own.status).toBe(200);
    expect(pdfText(await own.arrayBuffer())).toContain('Ann Müller');
    const signature = link.split('/').at(-1)!;
    const tampered = `${link.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    // Someone else's valid signature for this nomination, another winner's link pointed at Ann's nomination.
    const borrowed = certificateLink(t.base, TEST_TOKEN_SECRET, nom.ann, id.chen!);
    const crossed = `${t.base}/awards/certificates/${nom.ann}/${id.chen}/${certificateLink(t.base, TEST_TOKEN_SECRET, nom.chen, id.chen!).split('/').at(-1)}`;
    for (const url of [tampered, borrowed, crossed, `${t.base}/awards/certificates/${nom.ann}/${id.ann}/short`]) {
      const res = await fetch(url);
      expect(res.status, url).toBe(404);
      await res.body?.cancel();
    }
    // HR takes the award back: the link opens nothing any more.
    await t.stack.database.db.updateTable('nominations').set({ winner: false }).where('id', '=', nom.ann).execute();
    expect((await fetch(link)).status).toBe(404);
    await t.stack.database.db.updateTable('nominations').set({ winner: true }).where('id', '=', nom.ann).execute();
  });

  it('lets only an HR session open the console’s award pages', async () => {
    const hr = await signInAs(t, 'hr@aw16.example');
    const page = await consoleFetch(t, hr, `/console/cycles/${KEY}/awards`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('€1,500.00');
    expect(text).toContain('Ann Müller');
    for (const who of ['admin@aw16.example', 'ann@aw16.example']) {
      const session = await signInAs(t, who);
      for (const path of [`/console/cycles/${KEY}/awards`, `/console/cycles/${KEY}/awards/bonuses.csv`, `/console/cycles/${KEY}/awards/meeting/1`]) {
        const res = await consoleFetch(t, session, path);
        expect(res.status, `${who} ${path}`).toBe(403);
        expect(await res.text()).not.toContain('1,500');
      }
    }
    const csv = await consoleFetch(t, hr, `/console/cycles/${KEY}/awards/bonuses.csv`);
    expect(await csv.text()).toContain('1500.00,EUR');
    expect((await consoleFetch(t, hr, `/console/cycles/${KEY}/awards/meeting/3`)).status).toBe(404);
  });

  async function pageAs(email: string, viewport: 'desktop' | 'phone', locale: string, javaScript = true): Promise<Page> {
    const context = await newContext(browser, { viewport, locale, javaScript });
    const [name, value] = (await signInAs(t, email)).split('=') as [string, string];
    await context.addCookies([{ name, value, url: t.base }]);
    return context.newPage();
  }

  it('shows the winners and the team meeting slides in en and zh-CN, desktop and phone; next/previous work without JavaScript, arrow keys with it', async () => {
    for (const [email, locale, viewport] of [
      ['hr@aw16.example', 'en', 'desktop'],
      ['zhr@aw16.example', 'zh-CN', 'phone'],
      ['hr@aw16.example', 'en', 'phone'],
      ['zhr@aw16.example', 'zh-CN', 'desktop'],
    ] as const) {
      const page = await pageAs(email, viewport, locale);
      await page.goto(`${t.base}/console/cycles/${KEY}/awards`);
      expect(await seriousViolations(page), `winners ${locale} ${viewport}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `awards-winners-${locale}-${viewport}.png`), fullPage: true });
      await page.getByRole('link', { name: locale === 'en' ? 'Team meeting slides' : '团队会议幻灯片' }).click();
      await page.waitForURL(/\/meeting\/1$/);
      expect(await page.locator('.slide-name').textContent()).toBe('Ann Müller');
      await expect.poll(() => page.locator('.slide-krs li').count()).toBe(2);
      expect(await seriousViolations(page), `slide ${locale} ${viewport}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `awards-meeting-${locale}-${viewport}.png`), fullPage: true });
      // The arrow key moves on (awards-meeting.js), and back.
      await page.keyboard.press('ArrowRight');
      await page.waitForURL(/\/meeting\/2$/);
      expect(await page.locator('.slide-name').textContent()).toBe('陈晨');
      expect(await page.content()).not.toMatch(/8[,.]?000/);
      await page.keyboard.press('ArrowLeft');
      await page.waitForURL(/\/meeting\/1$/);
      await page.context().close();
    }
    const plain = await pageAs('hr@aw16.example', 'desktop', 'en', false);
    await plain.goto(`${t.base}/console/cycles/${KEY}/awards/meeting/1`);
    await plain.getByRole('link', { name: 'Next →' }).click();
    await plain.waitForURL(/\/meeting\/2$/);
    expect(await plain.locator('.slide-name').textContent()).toBe('陈晨');
    await plain.getByRole('link', { name: 'Back to the awards' }).click();
    await plain.waitForURL(/\/awards$/);
    await plain.context().close();
  });

  it('finds people to nominate by name and puts a picked person or objective into the next empty row, without JavaScript (en) and with it (zh-CN phone)', async () => {
    const plain = await (await newContext(browser, { viewport: 'desktop', locale: 'en', javaScript: false })).newPage();
    await plain.goto(`${t.base}/t/${nominateToken.en}`);
    await plain.fill('[name="nom0.citation"]', 'Activation went from 40 % to 58 % in one quarter');
    await plain.fill('#q', 'ann');
    await plain.getByRole('button', { name: 'Search' }).click();
    await plain.waitForURL(/[?&]q=ann/);
    const results = plain.locator('.picker-results');
    expect(await results.innerText()).toContain('Ann Müller');
    expect(await results.innerText()).toContain('Delight new users score 0.8');
    await plain.getByRole('button', { name: 'Nominate this objective: Delight new users' }).click();
    await plain.waitForURL(/pick=o/);
    expect(await plain.locator('[name="nom0.objective"]').inputValue()).toBe(String(annObjectiveId));
    expect(await plain.locator('[name="nom0.citation"]').inputValue()).toBe('Activation went from 40 % to 58 % in one quarter');
    // The nominator is never offered; a person goes into the next empty row.
    await plain.fill('#q', 'mia');
    await plain.getByRole('button', { name: 'Search' }).click();
    await plain.waitForURL(/q=mia/);
    expect(await plain.locator('.picker [role="status"]').innerText()).toBe('Nobody found for “mia”.');
    await plain.fill('#q', '陈');
    await plain.getByRole('button', { name: 'Search' }).click();
    await plain.getByRole('button', { name: 'Nominate 陈晨' }).click();
    await plain.waitForURL(/pick=p/);
    expect(await plain.locator('[name="nom1.email"]').inputValue()).toBe('chen@aw16.example');
    expect(await plain.locator('[name="nom0.objective"]').inputValue()).toBe(String(annObjectiveId));
    // axe runs as a script: the same page (same query) in a context with JavaScript.
    const url = plain.url();
    await plain.context().close();
    const en = await (await newContext(browser, { viewport: 'desktop', locale: 'en' })).newPage();
    await en.goto(url);
    expect(await en.locator('[name="nom1.email"]').inputValue()).toBe('chen@aw16.example');
    expect(await seriousViolations(en), 'nominate picker en').toEqual([]);
    await en.screenshot({ path: join(SHOTS, 'awards-nominate-en-desktop.png'), fullPage: true });
    await en.context().close();

    const phone = await (await newContext(browser, { viewport: 'phone', locale: 'zh-CN' })).newPage();
    await phone.goto(`${t.base}/t/${nominateToken.zh}`);
    await phone.fill('#q', 'ann');
    await phone.getByRole('button', { name: '搜索' }).click();
    await phone.waitForURL(/q=ann/);
    expect(await phone.locator('.picker-results').innerText()).toContain('得分 0.8');
    await phone.getByRole('button', { name: '提名 Ann Müller' }).click();
    await phone.waitForURL(/pick=p/);
    expect(await phone.locator('[name="nom0.email"]').inputValue()).toBe('ann@aw16.example');
    expect(await seriousViolations(phone), 'nominate picker zh-CN').toEqual([]);
    await phone.screenshot({ path: join(SHOTS, 'awards-nominate-zh-CN-phone.png'), fullPage: true });
    await phone.context().close();
  });

  it('shows the voters each nomination’s OKR record (scores, alignment, check-ins, execution items), en desktop and zh-CN phone', async () => {
    for (const [token, locale, viewport] of [
      [voteTokens.en, 'en', 'desktop'],
      [voteTokens.zh, 'zh-CN', 'phone'],
    ] as const) {
      const page = await (await newContext(browser, { viewport, locale })).newPage();
      await page.goto(`${t.base}/t/${token}`);
      const evidence = page.locator('details.evidence').first();
      await evidence.locator('summary').click();
      await expect.poll(() => evidence.locator('.ev-krs li').count()).toBe(2);
      const text = await evidence.innerText();
      expect(text).toContain(locale === 'en' ? 'week 1: 6; week 2: 7; week 3: 8' : '第 1 周：6；第 2 周：7；第 3 周：8');
      expect(text).toContain(locale === 'en' ? 'week 3: Onboarding email 3 (done)' : '第 3 周：Onboarding email 3（已完成）');
      expect(await seriousViolations(page), `vote ${locale}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `awards-vote-${locale}-${viewport}.png`), fullPage: true });
      await page.context().close();
    }
  });

  it('asks HR for each winner’s award name, citation and bonus on the finalize page (closed until ticked), and reads them from the form', async () => {
    for (const [locale, viewport] of [
      ['en', 'desktop'],
      ['zh-CN', 'phone'],
    ] as const) {
      const page = await (await newContext(browser, { viewport, locale })).newPage();
      if (locale === 'zh-CN') await t.stack.database.db.updateTable('people').set({ locale: 'zh-CN' }).where('id', '=', id.hr!).execute();
      await page.goto(`${t.base}/t/${finalizeToken}`);
      const details = page.locator('details.award-details');
      await expect.poll(() => details.count()).toBe(2);
      await page.locator(`#winner${nom.ann}`).check();
      await details.first().locator('summary').click();
      await page.fill(`[name="award${nom.ann}.name"]`, locale === 'en' ? 'OKR Award 2026' : '2026 年度 OKR 奖');
      await page.fill(`[name="award${nom.ann}.bonus"]`, '1500');
      await page.fill(`[name="award${nom.ann}.currency"]`, 'EUR');
      expect(await seriousViolations(page), `finalize ${locale}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `awards-finalize-${locale}-${viewport}.png`), fullPage: true });
      await page.context().close();
      await t.stack.database.db.updateTable('people').set({ locale: 'en' }).where('id', '=', id.hr!).execute();
    }
    const context = { nominations: [{ nominationId: nom.ann }, { nominationId: nom.chen }] } as Parameters<typeof finalizeForm.parse>[1];
    const parsed = finalizeForm.parse(
      {
        [`winner${nom.ann}`]: 'on',
        [`award${nom.ann}.name`]: ' OKR Award ',
        [`award${nom.ann}.bonus`]: '1500,50',
        [`award${nom.ann}.currency`]: 'eur',
        // Not ticked: its fields are not part of the pick.
        [`award${nom.chen}.bonus`]: '99',
      },
      context,
    );
    expect(parsed.submission).toEqual({
      winnerNominationIds: [nom.ann],
      awards: [{ nominationId: nom.ann, awardName: 'OKR Award', bonusAmount: 1500.5, bonusCurrency: 'EUR' }],
    });
    expect(parsed.fieldName('awards.0.bonusCurrency')).toBe(`award${nom.ann}.currency`);
    expect(finalizeForm.toValues(parsed.submission, context)).toMatchObject({ [`award${nom.ann}.bonus`]: '1500.5', [`award${nom.ann}.currency`]: 'EUR' });
  });
});
