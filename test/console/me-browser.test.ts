/**
 * "Me" in headless Chromium on the real stack, as an employee meets it: the check-in email
 * (taken from the test SMTP server) links to Me; without a session Me asks to sign in and, after
 * the emailed sign-in link, comes back to Me; Ana sees last week's values and items and corrects
 * this week's check-in — with JavaScript off, since every form must work without it (axe-core
 * needs JavaScript: it runs in the second test, on the same pages with the same session, where
 * it finds no serious or critical violation on Me and Company); screenshots en and zh-CN, desktop and
 * phone (SCREENSHOT_DIR; the ones in docs/screenshots come from here).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, seriousViolations } from '../support/browser';
import { signInLinkIn, waitForSignInEmail } from '../support/console';
import { type TestStack, startTestStack } from '../support/stack';
import { openTask } from '../support/tasks';
import { type MeWorld, TAG, buildWorld, email, openWeek, postForm } from './me-fixture';

let t: TestStack;
let w: MeWorld;
let browser: Browser;
const violations: string[] = [];
const db = () => t.stack.database.db;

async function check(page: Page, name: string) {
  for (const v of await seriousViolations(page)) violations.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.join(', ')}`);
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), `${name}: no sideways scrolling`).toBe(true);
}

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres' });
  w = await buildWorld(t);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('Me in a browser', () => {
  let signedIn: BrowserContext;

  it('opens Me from the check-in email, signs in on the way, shows last week and corrects this week', async () => {
    const before = t.mail.messages().length;
    await openWeek(t, w, 2);
    const mails = await t.mail.waitFor((all) => all.slice(before).some((m) => m.to.includes(email('ana')) && m.text.includes('/console/me')), 20_000);
    const invite = mails.slice(before).find((m) => m.to.includes(email('ana')) && m.text.includes('/console/me'))!;
    const meLink = /(https?:\/\/\S+\/console\/me)\b/.exec(invite.text)![1]!;
    expect(invite.text).toContain('open “Me”');
    expect(invite.html).toContain(`href="${meLink}"`);
    // Ana answers week 2 from the email's task link first.
    const task = await openTask(t, w.cycle.key, email('ana'), 'checkin', { round: 2 });
    const [teams, tour] = w.krs.ana!;
    expect((await postForm(task, { [`kr${teams}.value`]: '200', [`kr${tour}.done`]: 'on', confidence: '5', report: `Week two ${TAG}` })).status).toBe(200);

    signedIn = await newContext(browser, { viewport: 'desktop', locale: 'en', javaScript: false });
    const page = await signedIn.newPage();
    await page.goto(meLink);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console/me');
    const asked = t.mail.messages().length;
    await page.getByLabel('Work email').fill(email('ana'));
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Check your email');
    const signInMail = await waitForSignInEmail(t, email('ana'), asked);
    const link = /(https?:\/\/\S+\/console\/sign-in\/[A-Za-z0-9_-]{43}\?next=\S+)/.exec(signInMail.text)?.[1] ?? signInLinkIn(signInMail);
    expect(new URL(link).searchParams.get('next')).toBe('/console/me');
    await page.goto(link);
    await page.getByRole('button').click();
    expect(new URL(page.url()).pathname).toBe('/console/me');

    // Last week's values and items, under the key result they serve.
    await expect.poll(() => page.textContent('h1')).toBe('Me');
    const weeks = page.getByRole('table', { name: 'Check-ins' }).first();
    await expect.poll(() => weeks.textContent()).toContain('Week 1');
    expect(await weeks.textContent()).toContain('150');
    expect(await page.textContent('main')).toContain(`Referral programme ${TAG}`);
    expect(await page.textContent('main')).toContain(`Serves: Grow Sales ${TAG}`);

    // Correct this week's check-in from Me (no JavaScript: a plain form post).
    await page.getByLabel('Active teams ana — Value (teams)').fill('260');
    await page.getByLabel('Confidence (1–10)').selectOption('8');
    await page.getByRole('button', { name: 'Save the correction' }).click();
    await expect.poll(() => page.textContent('[role=status]')).toBe('Your check-in for week 2 is corrected.');
    const week2 = await db().selectFrom('checkins').select(['confidence']).where('person_id', '=', w.ids.ana!).where('week', '=', 2).execute();
    expect(week2).toEqual([{ confidence: 8 }]);
    expect(await page.textContent('main')).toContain('260');

    // A wrong value: the field is named, in the form, with nothing saved.
    await page.getByLabel('Active teams ana — Value (teams)').fill('lots');
    await page.getByRole('button', { name: 'Save the correction' }).click();
    await expect.poll(() => page.textContent('[role=alert]')).toContain('The correction was not saved');
    expect((await db().selectFrom('checkins').select(['confidence']).where('person_id', '=', w.ids.ana!).where('week', '=', 2).execute())[0]!.confidence).toBe(
      8,
    );
  });

  it('shows Me and Company in English and Chinese, on desktop and phone, without serious accessibility violations', async () => {
    const cookies = await signedIn.cookies();
    for (const locale of ['en', 'zh-CN'] as const) {
      await db().updateTable('people').set({ locale }).where('id', '=', w.ids.ana!).execute();
      for (const viewport of ['desktop', 'phone'] as const) {
        const context = await newContext(browser, { viewport, locale });
        await context.addCookies(cookies);
        const page = await context.newPage();
        await page.goto(`${t.base}/console/me`);
        expect(await page.getAttribute('html', 'lang')).toBe(locale);
        await check(page, `me ${locale} ${viewport}`);
        await screenshot(page, `home-me-${locale}-${viewport}`);
        await page.goto(`${t.base}/console/company?cycle=${w.cycle.key}`);
        expect(await page.textContent('main')).toContain(`Win the market ${TAG}`);
        await check(page, `company ${locale} ${viewport}`);
        await screenshot(page, `home-company-${locale}-${viewport}`);
        await context.close();
      }
    }
    expect(violations).toEqual([]);
  });
});
