/**
 * The console's frame: every console page is `consolePage(...)` — the person's language, the
 * navigation (Me, Company, My team, My department, People, Cycles, Operations: the ones their roles open), their name, sign-out, the
 * stylesheet and scripts served as files from /console/assets/ (no inline script or style, so
 * the strict CSP below holds). Every value is escaped by hono's `html`.
 */
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale } from '../../contract';
import { toHtml } from '../../core/html';
import { type ConsoleWords, consoleWords } from '../../i18n/console';
import { type ApiRole, apiRolesOf } from '../auth';
import type { SignedInPerson } from '../session';

export type Piece = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Scripts and styles only from our own origin, forms only to it, never framed. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const CONSOLE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export type NavSection = 'home' | 'me' | 'company' | 'team' | 'department' | 'people' | 'cycles' | 'operations';

/** Who a navigation entry is for: everyone signed in, people who manage someone, ambassadors (and HR), or API roles. */
export type NavAudience = 'everyone' | 'managers' | 'ambassadors' | ApiRole[];

/** Whether the signed-in person belongs to an entry's audience (the page itself checks again on the server). */
export function inAudience(person: SignedInPerson, audience: NavAudience): boolean {
  if (audience === 'everyone') return true;
  if (audience === 'managers') return person.manages;
  if (audience === 'ambassadors') return person.roles.includes('ambassador') || person.roles.includes('hr');
  const roles = apiRolesOf(person.roles);
  return audience.some((r) => roles.includes(r));
}

/**
 * The navigation, in order. The personal homes come first: Me and Company for everyone, My team
 * for people who manage someone (people.manager_id, whatever their roles), My department for
 * ambassadors (HR sees every department); then HR's and admins' sections.
 */
const NAV: { section: Exclude<NavSection, 'home'>; href: string; audience: NavAudience; label: (w: ConsoleWords) => string }[] = [
  { section: 'me', href: '/console/me', audience: 'everyone', label: (w) => w.nav.me },
  { section: 'company', href: '/console/company', audience: 'everyone', label: (w) => w.nav.company },
  { section: 'team', href: '/console/team', audience: 'managers', label: (w) => w.nav.team },
  { section: 'department', href: '/console/department', audience: 'ambassadors', label: (w) => w.nav.department },
  { section: 'people', href: '/console/people', audience: ['hr', 'admin'], label: (w) => w.nav.people },
  { section: 'cycles', href: '/console/cycles', audience: ['hr', 'admin'], label: (w) => w.nav.cycles },
  { section: 'operations', href: '/console/operations', audience: ['admin'], label: (w) => w.nav.operations },
];

export function navFor(person: SignedInPerson) {
  return NAV.filter((n) => inAudience(person, n.audience));
}

/** Where a person lands after signing in: the console home for HR and admins, otherwise their own home. */
export function landingFor(person: SignedInPerson): string {
  return apiRolesOf(person.roles).length ? '/console' : '/console/me';
}

export interface ConsolePageInput {
  title: string;
  locale: Locale;
  /** Undefined on the sign-in pages. */
  person?: SignedInPerson;
  active?: NavSection;
  body: Piece;
  /** Extra script files under /console/assets/ (e.g. 'people.js'), loaded deferred. */
  scripts?: string[];
}

export function consolePage({ title, locale, person, active, body, scripts = [] }: ConsolePageInput): string {
  const w = consoleWords(locale);
  const nav = person
    ? html`<header class="top">
<a class="brand" href="/console">${w.product}</a>
<nav aria-label="${w.nav.label}"><ul>${navFor(person).map(
        (n) => html`<li><a href="${n.href}"${n.section === active ? raw(' aria-current="page"') : ''}>${n.label(w)}</a></li>`,
      )}</ul></nav>
<div class="me"><span class="who">${w.nav.signedInAs(person.name)}</span>
<form method="post" action="/console/sign-out"><button type="submit" class="link">${w.nav.signOut}</button></form></div>
</header>`
    : html`<header class="top"><span class="brand">${w.product}</span></header>`;
  return toHtml(html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title} — ${w.product}</title>
<link rel="stylesheet" href="/console/assets/console.css"></head>
<body><a class="skip" href="#main">${w.skip}</a>
${nav}
<main id="main">${body}</main>
<script src="/console/assets/console.js" defer></script>${scripts.map((s) => html`<script src="/console/assets/${s}" defer></script>`)}
</body></html>`);
}

/** A console page as the response, with the console's headers. */
export function respond(c: Context, page: string, status: 200 | 400 | 401 | 403 | 404 | 409 | 410 | 429 | 503 = 200): Response {
  return c.html(page, status, CONSOLE_HEADERS);
}

/** A short page with a heading and one message (errors, confirmations). */
export function messagePage(
  input: Omit<ConsolePageInput, 'body'> & { heading: string; message: string; tone?: 'ok' | 'error' | 'plain'; extra?: Piece },
): string {
  const cls = input.tone === 'ok' ? 'ok' : input.tone === 'error' ? 'banner' : 'muted';
  return consolePage({
    ...input,
    body: html`<h1>${input.heading}</h1><p class="${cls}"${input.tone === 'error' ? raw(' role="alert"') : ''}>${input.message}</p>${input.extra ?? ''}`,
  });
}

/** The 403 page in the person's language, naming the roles the page needs. */
export function forbiddenPage(person: SignedInPerson, roles: readonly ApiRole[]): string {
  const w = consoleWords(person.locale);
  return messagePage({
    title: w.forbidden.title,
    locale: person.locale,
    person,
    heading: w.forbidden.heading,
    message: w.forbidden.body(roles.join(' / ')),
    tone: 'error',
  });
}
