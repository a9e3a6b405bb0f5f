/**
 * The console's frame: every console page is `consolePage(...)` — the person's language, the
 * navigation (People, Cycles, Operations: the ones their roles open), their name, sign-out, the
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

export type NavSection = 'home' | 'people' | 'cycles' | 'operations';

/** The navigation: each entry with the roles that open it. "Cycles" is the dashboard's pages. */
const NAV: { section: Exclude<NavSection, 'home'>; href: string; roles: ApiRole[]; label: (w: ConsoleWords) => string }[] = [
  { section: 'people', href: '/console/people', roles: ['hr', 'admin'], label: (w) => w.nav.people },
  { section: 'cycles', href: '/console/cycles', roles: ['hr', 'admin'], label: (w) => w.nav.cycles },
  { section: 'operations', href: '/console/operations', roles: ['admin'], label: (w) => w.nav.operations },
];

export function navFor(person: SignedInPerson) {
  const roles = apiRolesOf(person.roles);
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)));
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
